/// A unit vector stored in int8: `x ≈ scale · code`, `scale = max |x| / 127` (symmetric, per vector),
/// so a dot product with a quantised query is one integer dot product and two multiplications.
enum Int8Code {
    /// The codes of `vector` (appended to `codes`) and its scale; a zero vector gets scale 0.
    static func encode<C: Collection<Float>>(_ vector: C, into codes: inout [Int8]) -> Float {
        var peak: Float = 0
        for x in vector { peak = max(peak, abs(x)) }
        guard peak > 0 else {
            codes.append(contentsOf: repeatElement(0, count: vector.count))
            return 0
        }
        let inverse = 127 / peak
        for x in vector { codes.append(Int8(max(-127, min(127, (x * inverse).rounded())))) }
        return peak / 127
    }
}
