import Foundation
import Logging
import NIOCore
import PostgresNIO

extension BlockingPostgres.Session {
    /// Runs `query` (one text column) and hands each row's text to `body` on the calling thread, in order,
    /// while the connection's event loop receives the next rows: the rows are never all held at once (a
    /// snapshot of a million case studies would otherwise keep every row and every string of it alive
    /// together), and decoding overlaps the transfer. When `body` throws, the rest of the rows are
    /// received and dropped before the error is rethrown, so the connection stays usable.
    func forEachText(_ query: PostgresQuery, _ body: (String) throws -> Void) throws {
        let queue = TextQueue()
        sending {
            connection.query(query, logger: logger) { row in queue.push(try row.decode(String.self)) }
        }.whenComplete { queue.finish($0.map { _ in () }) }
        var failure: (any Error)?
        while let batch = queue.take() {
            guard failure == nil else { continue }
            do {
                for text in batch { try body(text) }
            } catch {
                failure = error
                queue.discardFromNowOn()
            }
        }
        if let failure { throw failure }
        try queue.result?.get()
    }
}

/// Texts passed from the event loop (`push`, never blocking it) to the thread that decodes them (`take`).
private final class TextQueue: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [String] = []
    private var discarding = false
    private(set) var result: Result<Void, any Error>?

    func push(_ text: String) {
        condition.withLock {
            guard !discarding else { return }
            pending.append(text)
            if pending.count == 1 { condition.signal() }
        }
    }

    func finish(_ outcome: Result<Void, any Error>) {
        condition.withLock {
            result = outcome
            condition.signal()
        }
    }

    func discardFromNowOn() {
        condition.withLock {
            discarding = true
            pending.removeAll()
        }
    }

    /// The texts received since the last call, waiting for some; nil once the query finished and all were taken.
    func take() -> [String]? {
        condition.withLock {
            while pending.isEmpty && result == nil { condition.wait() }
            if pending.isEmpty { return nil }
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
    }
}
