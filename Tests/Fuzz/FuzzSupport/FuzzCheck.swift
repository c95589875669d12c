import Foundation

/// Fails the fuzz run when an invariant does not hold: prints why and aborts, which libFuzzer reports
/// as a crash and saves the input as `crash-…`.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line) {
    guard !condition else { return }
    FileHandle.standardError.write(Data("invariant failed at \(file):\(line): \(message())\n".utf8))
    abort()
}

/// The bytes libFuzzer hands over, read front to back: a few leading bytes choose the variant to test.
public struct FuzzInput {
    public private(set) var bytes: ArraySlice<UInt8>

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = size > 0 && data != nil ? ArraySlice(UnsafeBufferPointer(start: data, count: size)) : []
    }

    /// The next byte (0 once the input is used up).
    public mutating func byte() -> UInt8 {
        guard let b = bytes.first else { return 0 }
        bytes = bytes.dropFirst()
        return b
    }
}
