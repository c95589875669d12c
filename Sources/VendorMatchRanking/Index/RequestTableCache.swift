import Synchronization

/// Per-request lookup tables that depend only on one request field and on the index's interned codes
/// (industry similarity per interned industry, service similarity per interned service set), kept
/// between requests: portals ask about the same industries and service types again and again.
///
/// Interning only appends, and an entry's similarity never changes once interned, so a cached table
/// is valid exactly while its length equals the current number of interned codes; a longer index
/// recomputes it. Shared by index snapshots (a reference), hence the lock. One cache per kind of table,
/// keyed by the request field's text (an industry code, a service code).
final class RequestTableCache<Element: Sendable>: Sendable {

    /// Beyond this many tables the cache starts over (a bound, not an eviction policy).
    let capacity = 1024

    private let tables = Mutex<[String: [Element]]>([:])

    /// The cached table for `key` if it has `count` entries, else `build()`'s, remembered.
    func table(_ key: String, count: Int, build: () -> [Element]) -> [Element] {
        if let hit = tables.withLock({ $0[key] }), hit.count == count { return hit }
        let table = build()
        tables.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = table
        }
        return table
    }
}
