/// What a replica has seen: for each replica, the highest counter up to which it holds every
/// change (no gaps), plus the dots it holds beyond such a gap (after an out-of-order or cut
/// delivery; normally none), so a peer sends exactly what it lacks. Holds one entry per
/// replica that wrote, except retired ones: once a
/// replica holds every change of every retired device it knows of, it exchanges the vector
/// without their entries and names them all by one `retiredDigest` (see `Retirements`).
public struct VersionVector: Sendable, Hashable, Codable {
    public private(set) var counters: [ReplicaID: UInt64]
    /// Stands for the entries of retired devices folded out of `counters`; 0 when none are.
    public var retiredDigest: UInt64
    /// Dots held above the gap-free counters.
    public var beyond: Set<Dot>

    public init(_ counters: [ReplicaID: UInt64] = [:], retiredDigest: UInt64 = 0, beyond: Set<Dot> = []) {
        self.counters = counters.filter { $0.value > 0 }
        self.retiredDigest = retiredDigest
        self.beyond = beyond
    }

    private enum CodingKeys: String, CodingKey { case counters, retiredDigest, beyond }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        counters = try container.decode([ReplicaID: UInt64].self, forKey: .counters)
        for (replica, counter) in counters {
            _ = try Dot.checkedCounter(counter, at: container.codingPath + [CodingKeys.counters, replica.codingKey])
        }
        retiredDigest = try container.decode(UInt64.self, forKey: .retiredDigest)
        beyond = try container.decode(Set<Dot>.self, forKey: .beyond)
    }

    public subscript(replica: ReplicaID) -> UInt64 {
        counters[replica] ?? 0
    }

    public func contains(_ dot: Dot) -> Bool { dot.counter <= self[dot.replica] || beyond.contains(dot) }

    /// Raises the entry for `replica` to at least `counter`.
    public mutating func advance(_ replica: ReplicaID, to counter: UInt64) {
        if counter > self[replica] { counters[replica] = counter }
    }

    /// Adds one held dot: the entry advances over it and any dots beyond that now follow
    /// without a gap; a dot after a gap joins `beyond`.
    public mutating func insert(_ dot: Dot) {
        guard !contains(dot) else { return }
        guard dot.counter == self[dot.replica] + 1 else {
            beyond.insert(dot)
            return
        }
        var counter = dot.counter
        while beyond.remove(Dot(dot.replica, counter + 1)) != nil { counter += 1 }
        counters[dot.replica] = counter
    }

    /// Drops an entry (for a retired device).
    public mutating func remove(_ replica: ReplicaID) {
        counters[replica] = nil
    }

    /// The entry-wise maximum.
    public func merging(_ other: VersionVector) -> VersionVector {
        VersionVector(counters.merging(other.counters, uniquingKeysWith: max))
    }

    /// Whether every entry is at least the other's.
    public func dominates(_ other: VersionVector) -> Bool {
        other.counters.allSatisfy { self[$0.key] >= $0.value }
    }

    /// Everything either vector holds: entry-wise maximum counters, and the dots beyond them
    /// that neither counter covers. Both must be exact claims (no folded retirements).
    public func union(_ other: VersionVector) -> VersionVector {
        let counters = counters.merging(other.counters, uniquingKeysWith: max)
        var out = VersionVector(counters)
        out.beyond = beyond.union(other.beyond).filter { $0.counter > out[$0.replica] }
        return out
    }
}
