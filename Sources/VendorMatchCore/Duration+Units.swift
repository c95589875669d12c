/// A `Duration` in the units the code prints or passes on (deadlines in whole milliseconds, NIO's
/// nanoseconds, report figures in fractional seconds or milliseconds).
extension Duration {
    /// Fractional seconds.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// Fractional milliseconds.
    public var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
    /// Whole milliseconds, rounded down.
    public var wholeMilliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    /// Whole nanoseconds, rounded down.
    public var wholeNanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
