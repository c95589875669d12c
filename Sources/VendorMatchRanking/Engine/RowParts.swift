import Dispatch

/// Splits per-row work of one request over this machine's cores (two here), for the stages whose rows are
/// independent: the second phase's feature rows, the trees' margins and the shown rows' contributions.
/// Every row is computed by the same code whichever part it falls in, so the answer is bit-for-bit the
/// sequential one; only the wall time of a single request changes. Below `minimumRows` one part: the
/// threads' hand-off (about 10–20 µs) would cost more than it saves.
enum RowParts {
    /// Parts a request may use: the cores, at most two (the first phase's own split uses two as well).
    static let maximumParts = 2

    /// Calls `body` with contiguous row ranges covering `0..<rows`, concurrently when there are at least
    /// `minimumRows` rows.
    static func forEach(rows: Int, minimumRows: Int, _ body: (Range<Int>) -> Void) {
        let parts = rows >= minimumRows ? maximumParts : 1
        guard parts > 1 else {
            if rows > 0 { body(0..<rows) }
            return
        }
        // The parts write disjoint rows of the caller's buffers; `concurrentPerform` returns after both.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body((rows * part / parts)..<(rows * (part + 1) / parts))
            }
        }
    }
}
