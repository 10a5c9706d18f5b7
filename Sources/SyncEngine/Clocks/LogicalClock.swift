/// A Lamport clock: orders changes without trusting any laptop's wall clock.
///
/// ```swift
/// var clock = LogicalClock()
/// let t1 = clock.tick()          // 1
/// clock.observe(41)              // a peer's change at 41
/// let t2 = clock.tick()          // 42
/// ```
public struct LogicalClock: Sendable, Hashable, Codable {
    public private(set) var time: UInt64

    public init(time: UInt64 = 0) {
        self.time = time
    }

    /// The time for a new local event: later than everything seen so far.
    public mutating func tick() -> UInt64 {
        time += 1
        return time
    }

    /// Takes in a time seen on a received change.
    public mutating func observe(_ other: UInt64) {
        time = max(time, other)
    }
}
