import Dispatch

/// Splits per-row work of one request over this machine's cores (two here), for the stages whose rows are
/// independent: the need scores over the case studies, the second phase's feature rows, the trees' margins
/// and the shown rows' contributions; and runs two independent computations at once (`concurrently`).
/// Every row is computed by the same code whichever part it falls in, so the answer is bit-for-bit the
/// sequential one; only the wall time of a single request changes. Below `minimumRows` one part: the
/// threads' hand-off (about 10–20 µs) would cost more than it saves.
enum RowParts {
    /// Parts a request may use: the cores, at most two (the first phase's own split uses two as well).
    static let maximumParts = 2

    /// Calls `body` with contiguous row ranges covering `0..<rows`, concurrently when there are at least
    /// `minimumRows` rows.
    static func forEach(rows: Int, minimumRows: Int, _ body: (Range<Int>) -> Void) {
        guard rows > 0 else { return }
        forEachPart(rows: rows, minimumRows: minimumRows) { _, range in body(range) }
    }

    /// `body` of contiguous row ranges covering `0..<rows` (one range below `minimumRows`, else one per
    /// part, computed concurrently), in row order.
    static func map<T>(rows: Int, minimumRows: Int, _ body: (Range<Int>) -> T) -> [T] {
        var results = [T?](repeating: nil, count: maximumParts)
        results.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            forEachPart(rows: rows, minimumRows: minimumRows) { part, range in out[part] = body(range) }
        }
        return results.compactMap { $0 }
    }

    private static func forEachPart(rows: Int, minimumRows: Int, _ body: (Int, Range<Int>) -> Void) {
        let parts = rows >= minimumRows ? maximumParts : 1
        guard parts > 1 else {
            body(0, 0..<rows)
            return
        }
        // The parts write disjoint rows of the caller's buffers; `concurrentPerform` returns after both.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body(part, (rows * part / parts)..<(rows * (part + 1) / parts))
            }
        }
    }

    /// `(a(), b())`, the two computed at once on two threads (each exactly as it would be alone).
    static func concurrently<A, B>(_ a: () -> A, _ b: () -> B) -> (A, B) {
        var first: A?, second: B?
        withoutActuallyEscaping(a) { a in
            withoutActuallyEscaping(b) { b in
                withUnsafeMutablePointer(to: &first) { firstOut in
                    withUnsafeMutablePointer(to: &second) { secondOut in
                        // Each thread writes only its own result; `concurrentPerform` returns after both.
                        nonisolated(unsafe) let (a, b, firstOut, secondOut) = (a, b, firstOut, secondOut)
                        DispatchQueue.concurrentPerform(iterations: 2) { part in
                            if part == 0 { firstOut.pointee = a() } else { secondOut.pointee = b() }
                        }
                    }
                }
            }
        }
        return (first!, second!)
    }
}
