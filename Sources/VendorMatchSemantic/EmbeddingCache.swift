import Foundation

/// A small least-recently-used map from text to its embedding, safe to share between threads.
final class EmbeddingCache: @unchecked Sendable {
    private struct Node {
        var key: String
        var value: [Float]
        var older: Int
        var newer: Int
    }

    private let lock = NSLock()
    private let capacity: Int
    private var slots: [String: Int] = [:]
    private var nodes: [Node] = []
    /// Most and least recently used node indices; -1 when empty.
    private var newest = -1
    private var oldest = -1

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    func value(for key: String) -> [Float]? {
        lock.lock()
        defer { lock.unlock() }
        guard let i = slots[key] else { return nil }
        moveToFront(i)
        return nodes[i].value
    }

    func insert(_ value: [Float], for key: String) {
        guard capacity > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        if let i = slots[key] {
            nodes[i].value = value
            moveToFront(i)
            return
        }
        let i: Int
        if nodes.count < capacity {
            i = nodes.count
            nodes.append(Node(key: key, value: value, older: -1, newer: -1))
        } else {
            i = oldest
            unlink(i)
            slots[nodes[i].key] = nil
            nodes[i] = Node(key: key, value: value, older: -1, newer: -1)
        }
        slots[key] = i
        pushFront(i)
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return slots.count
    }

    private func moveToFront(_ i: Int) {
        guard newest != i else { return }
        unlink(i)
        pushFront(i)
    }

    private func unlink(_ i: Int) {
        let (older, newer) = (nodes[i].older, nodes[i].newer)
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        nodes[i].older = -1
        nodes[i].newer = -1
    }

    private func pushFront(_ i: Int) {
        nodes[i].older = newest
        nodes[i].newer = -1
        if newest >= 0 { nodes[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
    }
}
