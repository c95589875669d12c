import NIOConcurrencyHelpers
import NIOCore

/// Counts open connections per peer address (the IP, whatever the port), so one address cannot take
/// every connection slot.
final class AddressLimiter: Sendable {
    private let limit: Int
    private let open = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// The key a peer is counted under.
    static func key(of peer: SocketAddress?) -> String {
        peer?.ipAddress ?? "unknown"
    }

    /// Admits one more connection from `key`; false when `limit` are open from it already.
    func admit(_ key: String) -> Bool {
        open.withLockedValue { open in
            guard open[key, default: 0] < limit else { return false }
            open[key, default: 0] += 1
            return true
        }
    }

    func release(_ key: String) {
        open.withLockedValue { open in
            let n = open[key, default: 0] - 1
            open[key] = n > 0 ? n : nil
        }
    }
}
