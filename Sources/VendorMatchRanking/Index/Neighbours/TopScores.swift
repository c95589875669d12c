/// The best `limit` (score, id) pairs seen, by score descending then id ascending: a min-heap whose root
/// is the weakest kept, so most offers are turned away with one comparison.
struct TopScores {
    let limit: Int
    private var scores: [Float] = []
    private var ids: [Int32] = []

    init(limit: Int) {
        self.limit = limit
        scores.reserveCapacity(limit)
        ids.reserveCapacity(limit)
    }

    @inline(__always)
    private func worse(_ i: Int, _ j: Int) -> Bool {
        scores[i] != scores[j] ? scores[i] < scores[j] : ids[i] > ids[j]
    }

    @inline(__always)
    mutating func offer(_ score: Float, _ id: Int32) {
        if scores.count < limit {
            scores.append(score)
            ids.append(id)
            var i = scores.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard worse(i, parent) else { break }
                scores.swapAt(i, parent); ids.swapAt(i, parent)
                i = parent
            }
            return
        }
        guard limit > 0, score > scores[0] || (score == scores[0] && id < ids[0]) else { return }
        scores[0] = score
        ids[0] = id
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < scores.count, worse(l, m) { m = l }
            if r < scores.count, worse(r, m) { m = r }
            if m == i { break }
            scores.swapAt(i, m); ids.swapAt(i, m)
            i = m
        }
    }

    /// The kept ids, best first.
    func sorted() -> [Int32] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : ids[$0] < ids[$1] }.map { ids[$0] }
    }

    /// The kept pairs, best first.
    func sortedPairs() -> [(score: Float, id: Int32)] {
        scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : ids[$0] < ids[$1] }.map { (scores[$0], ids[$0]) }
    }

    /// The ids of the best `k` of `pairs`.
    static func best<S: Sequence<(Float, Int32)>>(_ k: Int, of pairs: S) -> [Int32] {
        var top = TopScores(limit: k)
        for (s, id) in pairs { top.offer(s, id) }
        return top.sorted()
    }
}
