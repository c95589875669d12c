/// A rooted tree of codes read from a taxonomy TSV (`code<TAB>parent<TAB>title`, parent `-` for a top level).
///
/// Top-level codes have depth 1; a virtual root sits above them at depth 0, so two codes of different
/// top levels are at tree distance `depth(a) + depth(b)`.
public struct CodeTree: Sendable {
    public struct Node: Sendable, Equatable {
        public var code: String
        public var parent: String?
        public var title: String
        public var depth: Int
    }

    public private(set) var nodes: [String: Node] = [:]
    /// Codes in file order.
    public private(set) var codes: [String] = []
    public private(set) var children: [String: [String]] = [:]

    public init() {}

    /// Parses the TSV text; the header line is skipped. Parents must precede their children.
    public init(tsv: String, name: String) throws(VMError) {
        var lineNumber = 0
        for rawLine in tsv.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if lineNumber == 1 || line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3 else {
                throw VMError(.invalidInput, "\(name):\(lineNumber): expected 3 tab-separated fields")
            }
            let parent = fields[1] == "-" ? nil : fields[1]
            let depth: Int
            if let parent {
                guard let p = nodes[parent] else {
                    throw VMError(.invalidInput, "\(name):\(lineNumber): unknown parent \(parent)")
                }
                depth = p.depth + 1
                children[parent, default: []].append(fields[0])
            } else {
                depth = 1
            }
            nodes[fields[0]] = Node(code: fields[0], parent: parent, title: fields[2], depth: depth)
            codes.append(fields[0])
        }
    }

    public func contains(_ code: String) -> Bool { nodes[code] != nil }
    public func title(of code: String) -> String? { nodes[code]?.title }
}
