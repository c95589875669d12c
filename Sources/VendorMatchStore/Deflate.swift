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
/// ```
/// byte 0     format: 1 stored as is, 2 deflated
/// bytes 1-4  (format 2) the stored length, UInt32 little-endian
/// then       the payload: for a matrix, its values column by column split into four byte planes (low
///            bytes of every value first), which deflate packs far better than rows of floats
/// ```
public enum LogBlob {
    static let stored: UInt8 = 1, deflated: UInt8 = 2

    /// A row-major matrix of `columns` columns, exact to the bit (NaN payloads included).
    public static func encode(matrix: [Float], columns: Int) -> Data {
        let rows = columns > 0 ? matrix.count / columns : 0
        var planes = [UInt8](repeating: 0, count: matrix.count * 4)
        let n = matrix.count
        var i = 0
        for c in 0..<columns {
            for r in 0..<rows {
                let bits = matrix[r * columns + c].bitPattern
                planes[i] = UInt8(truncatingIfNeeded: bits)
                planes[n + i] = UInt8(truncatingIfNeeded: bits >> 8)
                planes[2 * n + i] = UInt8(truncatingIfNeeded: bits >> 16)
                planes[3 * n + i] = UInt8(truncatingIfNeeded: bits >> 24)
                i += 1
            }
        }
        return pack(planes)
    }

    public static func decodeMatrix(_ blob: Data, columns: Int) -> [Float]? {
        guard let planes = unpack(blob), planes.count % 4 == 0 else { return nil }
        let n = planes.count / 4
        guard columns > 0, n % columns == 0 else { return n == 0 ? [] : nil }
        let rows = n / columns
        var out = [Float](repeating: 0, count: n)
        var i = 0
        for c in 0..<columns {
            for r in 0..<rows {
                let bits = UInt32(planes[i]) | UInt32(planes[n + i]) << 8 | UInt32(planes[2 * n + i]) << 16 | UInt32(planes[3 * n + i]) << 24
                out[r * columns + c] = Float(bitPattern: bits)
                i += 1
            }
        }
        return out
    }

    /// Ids joined by newlines (an id never holds one: ids are validated tokens).
    public static func encode(ids: [String]) -> Data { pack(Array(ids.joined(separator: "\n").utf8)) }

    public static func decodeIDs(_ blob: Data) -> [String]? {
        guard let bytes = unpack(blob) else { return nil }
        if bytes.isEmpty { return [] }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func pack(_ bytes: [UInt8]) -> Data {
        if let packed = Deflate.compress(bytes), packed.count + 5 < bytes.count + 1 {
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
            let n = Int(bytes[1]) | Int(bytes[2]) << 8 | Int(bytes[3]) << 16 | Int(bytes[4]) << 24
            return Deflate.decompress(bytes[5...], count: n)
        default:
            return nil
        }
    }
}
