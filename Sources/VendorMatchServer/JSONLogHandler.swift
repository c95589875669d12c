import Foundation
import Logging
import NIOConcurrencyHelpers

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
        var line = "{\"time\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        Self.appendString(label, to: &line)
        line += ",\"message\":"
        Self.appendString("\(event.message)", to: &line)
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            line += ","
            Self.appendString(key, to: &line)
            line += ":"
            Self.append(value, to: &line)
        }
        line += "}\n"
        write(line)
    }

    private static func append(_ value: Logger.MetadataValue, to line: inout String) {
        switch value {
        case let .string(s):
            appendString(s, to: &line)
        case let .stringConvertible(v):
            switch v {
            case is LogNull: line += "null"
            case let i as any BinaryInteger: line += "\(i)"
            case let d as Double where d.isFinite: line += "\(d)"
            case let b as Bool: line += b ? "true" : "false"
            default: appendString(v.description, to: &line)
            }
        case let .array(values):
            line += "["
            for (i, v) in values.enumerated() {
                if i > 0 { line += "," }
                append(v, to: &line)
            }
            line += "]"
        case let .dictionary(entries):
            line += "{"
            for (i, (k, v)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { line += "," }
                appendString(k, to: &line)
                line += ":"
                append(v, to: &line)
            }
            line += "}"
        }
    }

    /// `s` as a JSON string literal.
    static func appendString(_ s: String, to line: inout String) {
        line += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                line += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
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
