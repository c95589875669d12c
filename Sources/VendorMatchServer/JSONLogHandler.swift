import Foundation
import Logging
import NIOConcurrencyHelpers
import VendorMatchCore

/// A swift-log handler writing one JSON object per line (`serve --log-format json`):
/// `{"time":"2026-12-06T14:21:10.123Z","level":"info","logger":"vendormatch.server","message":"request",
/// "vm.request.id":"7","vm.method":"Shortlist","vm.tenant":null,…}`. Metadata keys are kept as they are
/// (namespaced, `vm.…`); integers and floating-point values are JSON numbers, `LogNull` is `null`, nested
/// metadata becomes arrays and objects.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// A handler writing to standard error.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            standardErrorLock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
        }
    }

    private static let standardErrorLock = NIOLock()

    /// A handler handing each line (without its newline) to `write`: for tests.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata { all.merge(explicit) { _, new in new } }
        var fields: [(String, JSONValue)] = [
            ("time", .string(Self.timestamp())), ("level", .string(event.level.rawValue)), ("logger", .string(label)),
            ("message", .string("\(event.message)")),
        ]
        fields += all.sorted { $0.key < $1.key }.map { ($0.key, Self.json($0.value)) }
        var line: [UInt8] = []
        JSONValue.object(fields).write(to: &line)
        line.append(UInt8(ascii: "\n"))
        write(String(decoding: line, as: UTF8.self))
    }

    private static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case let .string(s): return .string(s)
        case let .stringConvertible(v):
            switch v {
            case is LogNull: return .null
            case let b as Bool: return .bool(b)
            case let i as any BinaryInteger: return .number(Double(i))
            case let d as Double where d.isFinite: return .number(d)
            default: return .string(v.description)
            }
        case let .array(values): return .array(values.map(json))
        case let .dictionary(entries): return .object(entries.sorted { $0.key < $1.key }.map { ($0.key, json($0.value)) })
        }
    }

    /// UTC, milliseconds: `2026-12-06T14:21:10.123Z`.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var t = tm()
        gmtime_r(&seconds, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}
