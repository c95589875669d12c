#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// zlib's deflate (`compress2` / `uncompress`), opened at run time from the system's `libz.so.1` (part of
/// every Debian system; building needs no header). Without it, blobs are stored uncompressed.
enum Deflate {
    private typealias Compress2 = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?,
                                                  UnsafePointer<UInt8>?, UInt, Int32) -> Int32
    private typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>?,
                                                   UnsafePointer<UInt8>?, UInt) -> Int32
    private typealias Bound = @convention(c) (UInt) -> UInt

    private struct Library: @unchecked Sendable {
        let compress2: Compress2
        let uncompress: Uncompress
        let bound: Bound
    }

    private static let library: Library? = {
        for name in ["libz.so.1", "libz.so"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let c = dlsym(handle, "compress2"), let u = dlsym(handle, "uncompress"), let b = dlsym(handle, "compressBound") else {
                continue
            }
            return Library(compress2: unsafeBitCast(c, to: Compress2.self), uncompress: unsafeBitCast(u, to: Uncompress.self),
                           bound: unsafeBitCast(b, to: Bound.self))
        }
        return nil
    }()

    static var isAvailable: Bool { library != nil }

    /// The zlib stream of `bytes`, or nil when zlib is not there.
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        guard let z = library else { return nil }
        var capacity = z.bound(UInt(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(capacity))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in z.compress2(o.baseAddress, &capacity, i.baseAddress, UInt(i.count), level) }
        }
        guard status == 0 else { return nil }
        out.removeSubrange(Int(capacity)...)
        return out
    }

    /// The `count` bytes a zlib stream holds; nil when zlib is missing or the stream is damaged.
    static func decompress(_ bytes: ArraySlice<UInt8>, count: Int) -> [UInt8]? {
        guard let z = library else { return nil }
        var length = UInt(count)
        var out = [UInt8](repeating: 0, count: count)
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in z.uncompress(o.baseAddress, &length, i.baseAddress, UInt(i.count)) }
        }
        guard status == 0, Int(length) == count else { return nil }
        return out
    }
}

/// The blob formats of the shortlist log: a feature matrix (`Float` bits, exactly) or a list of ids.
///
/// A matrix is stored column by column, each column the cheapest of three forms — a feature's column
/// across one request's candidates is often one value (request-level features, a dimension the request
/// does not give: NaN throughout) or a few (counts, similarity levels) — at a few nanoseconds per value,
/// since it is encoded on the server (deflate would cost more CPU per shortlist than ranking it):
///
/// ```
/// byte 0       3 (columns)
/// bytes 1-4    rows, UInt32 little-endian
/// per column   0, value (4 bytes)                          one value in every row
///              1, n - 1 (1 byte), n values, rows indexes   at most 256 distinct values
///              2, rows values                               anything else
/// ```
/// (values as their little-endian `Float` bit patterns). Ids are joined by newlines and deflated
/// (format 2: byte 0, then the length as UInt32, then the zlib stream) or stored as is (format 1).
public enum LogBlob {
    static let stored: UInt8 = 1, deflated: UInt8 = 2, columnar: UInt8 = 3
    static let constant: UInt8 = 0, dictionary: UInt8 = 1, plain: UInt8 = 2

    /// A row-major matrix of `columns` columns, exact to the bit (NaN payloads included).
    public static func encode(matrix: [Float], columns: Int) -> Data {
        let rows = columns > 0 ? matrix.count / columns : 0
        var out = [UInt8]()
        out.reserveCapacity(5 + matrix.count * 2)
        out.append(columnar)
        append32(&out, UInt32(rows))
        // A 1,024-slot open-addressing table of the column's distinct values (slot → index + 1).
        var slots = [UInt16](repeating: 0, count: 1024)
        var distinct = [UInt32](), codes = [UInt8](repeating: 0, count: rows)
        matrix.withUnsafeBufferPointer { m in
            for c in 0..<columns {
                for i in slots.indices { slots[i] = 0 }
                distinct.removeAll(keepingCapacity: true)
                var fits = true
                for r in 0..<rows {
                    let bits = m[r * columns + c].bitPattern
                    var h = Int((bits &* 0x9E37_79B1) >> 22)
                    while true {
                        let s = Int(slots[h])
                        if s == 0 {
                            guard distinct.count < 256 else { fits = false; break }
                            distinct.append(bits)
                            slots[h] = UInt16(distinct.count)
                            codes[r] = UInt8(distinct.count - 1)
                            break
                        }
                        if distinct[s - 1] == bits { codes[r] = UInt8(s - 1); break }
                        h = (h + 1) & 1023
                    }
                    if !fits { break }
                }
                if fits && distinct.count == 1 {
                    out.append(constant)
                    append32(&out, distinct[0])
                } else if fits && rows > 0 {
                    out.append(dictionary)
                    out.append(UInt8(distinct.count - 1))
                    for v in distinct { append32(&out, v) }
                    out.append(contentsOf: codes)
                } else {
                    out.append(plain)
                    for r in 0..<rows { append32(&out, m[r * columns + c].bitPattern) }
                }
            }
        }
        return Data(out)
    }

    public static func decodeMatrix(_ blob: Data, columns: Int) -> [Float]? {
        let bytes = [UInt8](blob)
        guard bytes.count >= 5, bytes[0] == columnar, columns > 0 else { return nil }
        let rows = Int(read32(bytes, 1))
        var out = [Float](repeating: 0, count: rows * columns)
        var p = 5
        for c in 0..<columns {
            guard p < bytes.count else { return nil }
            let form = bytes[p]
            p += 1
            switch form {
            case constant:
                guard p + 4 <= bytes.count else { return nil }
                let v = Float(bitPattern: read32(bytes, p))
                p += 4
                for r in 0..<rows { out[r * columns + c] = v }
            case dictionary:
                guard p < bytes.count else { return nil }
                let n = Int(bytes[p]) + 1
                p += 1
                guard p + 4 * n + rows <= bytes.count else { return nil }
                let values = (0..<n).map { Float(bitPattern: read32(bytes, p + 4 * $0)) }
                p += 4 * n
                for r in 0..<rows {
                    let code = Int(bytes[p + r])
                    guard code < n else { return nil }
                    out[r * columns + c] = values[code]
                }
                p += rows
            case plain:
                guard p + 4 * rows <= bytes.count else { return nil }
                for r in 0..<rows { out[r * columns + c] = Float(bitPattern: read32(bytes, p + 4 * r)) }
                p += 4 * rows
            default:
                return nil
            }
        }
        return p == bytes.count ? out : nil
    }

    /// Ids joined by newlines (an id never holds one: ids are validated tokens).
    public static func encode(ids: [String]) -> Data { pack(Array(ids.joined(separator: "\n").utf8)) }

    public static func decodeIDs(_ blob: Data) -> [String]? {
        guard let bytes = unpack(blob) else { return nil }
        if bytes.isEmpty { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private static func append32(_ out: inout [UInt8], _ v: UInt32) {
        out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
        out.append(UInt8(truncatingIfNeeded: v >> 16)); out.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    private static func read32(_ b: [UInt8], _ p: Int) -> UInt32 {
        UInt32(b[p]) | UInt32(b[p + 1]) << 8 | UInt32(b[p + 2]) << 16 | UInt32(b[p + 3]) << 24
    }

    static func pack(_ bytes: [UInt8]) -> Data {
        if let packed = Deflate.compress(bytes, level: 1), packed.count + 5 < bytes.count + 1 {
            var out = Data([deflated])
            let n = UInt32(bytes.count)
            out.append(contentsOf: [UInt8(truncatingIfNeeded: n), UInt8(truncatingIfNeeded: n >> 8),
                                    UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 24)])
            out.append(contentsOf: packed)
            return out
        }
        var out = Data([stored])
        out.append(contentsOf: bytes)
        return out
    }

    static func unpack(_ blob: Data) -> [UInt8]? {
        let bytes = [UInt8](blob)
        guard let format = bytes.first else { return nil }
        switch format {
        case stored:
            return Array(bytes.dropFirst())
        case deflated:
            guard bytes.count >= 5 else { return nil }
            return Deflate.decompress(bytes[5...], count: Int(read32(bytes, 1)))
        default:
            return nil
        }
    }
}
