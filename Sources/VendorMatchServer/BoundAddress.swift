import NIOConcurrencyHelpers
import NIOCore

/// The address a listener bound, for callers that ask before it is known (useful with port 0): they wait
/// until the listener settles it, or get the error binding failed with.
final class BoundAddress: Sendable {
    private let bound = NIOLockedValueBox<Result<SocketAddress, any Error>?>(nil)
    private let waiters = NIOLockedValueBox<[CheckedContinuation<SocketAddress, any Error>]>([])

    var value: SocketAddress {
        get async throws {
            try await withCheckedThrowingContinuation { continuation in
                let ready = bound.withLockedValue { result in
                    if result == nil { waiters.withLockedValue { $0.append(continuation) } }
                    return result
                }
                if let ready { continuation.resume(with: ready) }
            }
        }
    }

    func settle(_ result: Result<SocketAddress, any Error>) {
        bound.withLockedValue { $0 = result }
        for w in waiters.withLockedValue({ w in defer { w.removeAll() }; return w }) { w.resume(with: result) }
    }
}
