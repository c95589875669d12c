import NIOCore
import PostgresNIO
import VendorMatchCore
import VendorMatchStore

/// An import's records on their way into PostgreSQL by `COPY … FROM STDIN` (text format), inside the
/// import's transaction.
///
/// Each kind's rows are written into a buffer in COPY's text format and sent with one `COPY` every
/// `flushBytes`, without waiting: the next buffer fills (the importer checking and encoding records on
/// this thread) while PostgreSQL ingests the previous one, so the two processes' work overlaps. A table that was empty when the import began receives its rows directly (the importer has
/// already rejected duplicate ids within a file, so nothing can conflict); a table that holds records
/// receives them through a temporary staging table (`ON COMMIT DROP`) merged with one
/// `INSERT … SELECT … ON CONFLICT (id) DO UPDATE` upsert, so re-importing a record replaces it. A kind is
/// finished (sent and merged) before the next kind's first row, so case studies and referrals always find
/// their vendors.
struct ImportCopy {
    /// Where one kind's rows go.
    enum Route {
        /// Straight into the table: it was empty when the import began.
        case direct
        /// Through a staging table, then upserted.
        case staged
    }

    /// The columns of each kind's table and its upsert clause.
    struct Layout {
        var table: String
        var columns: [String]

        var staging: String { "vm_import_" + table }

        var upsert: String {
            let set = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            let list = columns.joined(separator: ", ")
            return "INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(staging) ON CONFLICT (id) DO UPDATE SET \(set)"
        }

        static func of(_ kind: RecordKind) -> Layout {
            switch kind {
            case .vendors: return Layout(table: "vendors", columns: ["id", "name", "json"])
            case .caseStudies: return Layout(table: "case_studies", columns: ["id", "vendor_id", "client_industry", "client_size", "json"])
            case .referrals: return Layout(table: "referrals", columns: ["id", "vendor_id", "referrer_type", "buyer_org", "json"])
            }
        }
    }

    /// Bytes of COPY text buffered before they are sent.
    var flushBytes = 4 << 20
    private var routes: [RecordKind: Route] = [:]
    private var current: RecordKind?
    private var buffer = ByteBuffer()
    /// The `COPY` sent last, not waited for yet.
    private var inFlight: EventLoopFuture<Void>?
    /// Where the copies run (`stop()` it when the import ends).
    let copyThread = CopyThread()

    /// Chooses how `kind`'s rows go, from the ids its table held when the import began (the first call for a
    /// kind decides).
    mutating func route(_ kind: RecordKind, existing: Set<String>) {
        if routes[kind] == nil { routes[kind] = existing.isEmpty ? .direct : .staged }
    }

    /// Adds one record's row, finishing the previous kind first when the kind changes.
    mutating func add(_ record: ParsedRecord, json: [UInt8], _ s: BlockingPostgres.Session) throws {
        let kind: RecordKind
        switch record {
        case .vendor: kind = .vendors
        case .caseStudy: kind = .caseStudies
        case .referral: kind = .referrals
        }
        if kind != current {
            try finish(s)
            current = kind
            if routes[kind] == nil { routes[kind] = .staged }
            if routes[kind] == .staged {
                let layout = Layout.of(kind)
                try s.execute(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE \(layout.staging) (LIKE \(layout.table)) ON COMMIT DROP"))
            }
        }
        switch record {
        case let .vendor(v):
            Self.appendRow([.text(v.id), .text(v.name), .bytes(json)], to: &buffer)
        case let .caseStudy(c):
            Self.appendRow([.text(c.id), .text(c.vendorID), .text(c.clientIndustry), c.clientSize.map { .text($0.label) } ?? .null, .bytes(json)], to: &buffer)
        case let .referral(r):
            Self.appendRow([.text(r.id), .text(r.vendorID), .text(r.referrerType.rawValue), r.buyerOrg.map { .text($0) } ?? .null, .bytes(json)], to: &buffer)
        }
        if buffer.readableBytes >= flushBytes { try send(s) }
    }

    /// Sends what is buffered and merges the staged kind, if any: call once after the last record.
    mutating func finish(_ s: BlockingPostgres.Session) throws {
        guard let kind = current else { return }
        try send(s)
        try waitForCopy()
        if routes[kind] == .staged {
            let layout = Layout.of(kind)
            try s.execute(PostgresQuery(unsafeSQL: layout.upsert))
            try s.execute(PostgresQuery(unsafeSQL: "DROP TABLE \(layout.staging)"))
        }
        current = nil
    }

    /// Sends the buffer once the previous `COPY` is done (its error, if any, is thrown here).
    private mutating func send(_ s: BlockingPostgres.Session) throws {
        guard let kind = current, buffer.readableBytes > 0 else { return }
        try waitForCopy()
        let layout = Layout.of(kind)
        inFlight = s.startCopy(into: routes[kind] == .direct ? layout.table : layout.staging, columns: layout.columns, data: buffer, on: copyThread)
        buffer = ByteBuffer()
        buffer.reserveCapacity(flushBytes + flushBytes / 8)
    }

    private mutating func waitForCopy() throws {
        defer { inFlight = nil }
        try inFlight?.wait()
    }

    // MARK: COPY's text format

    /// One column's value.
    enum Field {
        case text(String)
        case bytes([UInt8])
        case null
    }

    /// Appends one row: fields separated by tabs, a newline at the end, `\N` for NULL, and backslash,
    /// tab, newline and carriage return escaped with a backslash (PostgreSQL's `COPY` text format).
    static func appendRow(_ fields: [Field], to buffer: inout ByteBuffer) {
        for (i, field) in fields.enumerated() {
            if i > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch field {
            case .null:
                buffer.writeStaticString("\\N")
            case let .bytes(bytes):
                bytes.withUnsafeBufferPointer { appendEscaped($0, to: &buffer) }
            case var .text(text):
                text.withUTF8 { appendEscaped($0, to: &buffer) }
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to buffer: inout ByteBuffer) {
        var runStart = 0
        for i in 0..<bytes.count {
            let escaped: UInt8
            switch bytes[i] {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default: continue
            }
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<i]))
            buffer.writeInteger(UInt8(ascii: "\\"))
            buffer.writeInteger(escaped)
            runStart = i + 1
        }
        buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
    }
}
