import Foundation

/// A thread of its own for the async `COPY` calls of blocking code: a task preferring this executor runs
/// here, not on Swift's shared cooperative threads, so a caller that blocks a cooperative thread while it
/// waits for the copy (a test, a server's worker) cannot starve the copy of a thread to run on.
final class CopyThread: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in run() }
        thread.name = "vendormatch-copy"
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.withLock {
            jobs.append(job)
            condition.signal()
        }
    }

    /// Ends the thread once the jobs enqueued so far have run.
    func stop() {
        condition.withLock {
            stopped = true
            condition.signal()
        }
    }

    private func run() {
        while true {
            let batch: [UnownedJob] = condition.withLock {
                while jobs.isEmpty && !stopped { condition.wait() }
                defer { jobs.removeAll() }
                return jobs
            }
            if batch.isEmpty { return }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
