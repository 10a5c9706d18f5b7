import FieldModels

/// The retired devices a replica knows of, each with the last counter it used, read from the
/// `Device` records it holds (which sync like any record).
///
/// A replica that holds every change of every retired device it knows of exchanges its version
/// vector without their entries, naming the whole set by one 64-bit digest. A peer that knows
/// the same set (same digest) reads those entries back; any other peer treats them as unknown
/// and resends (harmless: receiving is idempotent). So vectors shrink as devices retire, and a
/// new laptop, whose vector has no digest, still receives every change it lacks.
public struct Retirements: Sendable, Hashable {
    public private(set) var finalCounters: [ReplicaID: UInt64]

    public init(_ finalCounters: [ReplicaID: UInt64] = [:]) {
        self.finalCounters = finalCounters
    }

    /// From the current versions of the `D-…` records: `retiredAt` as shown, when set.
    public init(devices: [String: [String: [FieldVersion]]]) {
        var counters: [ReplicaID: UInt64] = [:]
        for (id, live) in devices where id.hasPrefix(RecordType.device.idPrefix + "-") {
            guard MergeRules.status(live) == .alive,
                  let replica = live["replica"].flatMap({ MergeRules.shown("replica", $0) })?.text,
                  let final = live["retiredAt"].flatMap({ MergeRules.shown("retiredAt", $0) })?.int, final >= 0 else { continue }
            counters[ReplicaID(replica)] = UInt64(final)
        }
        self.init(counters)
    }

    /// FNV-1a over the sorted `replica:counter;` pairs; 0 for no retirements.
    public var digest: UInt64 {
        guard !finalCounters.isEmpty else { return 0 }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (replica, counter) in finalCounters.sorted(by: { $0.key < $1.key }) {
            for byte in "\(replica.rawValue):\(counter);".utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return hash == 0 ? 1 : hash
    }

    /// The vector to exchange: retired entries folded into the digest once all are held.
    public func fold(_ full: VersionVector) -> VersionVector {
        guard !finalCounters.isEmpty, finalCounters.allSatisfy({ full[$0.key] >= $0.value }) else { return full }
        var folded = full
        for replica in finalCounters.keys { folded.remove(replica) }
        folded.retiredDigest = digest
        return folded
    }

    /// A peer's exchanged vector with the entries it folded read back, when it folded the same
    /// set this replica knows; otherwise as sent (what it folded counts as unknown).
    public func unfold(_ exchanged: VersionVector) -> VersionVector {
        guard exchanged.retiredDigest != 0, exchanged.retiredDigest == digest else {
            return VersionVector(exchanged.counters, beyond: exchanged.beyond)
        }
        var full = VersionVector(exchanged.counters, beyond: exchanged.beyond)
        for (replica, final) in finalCounters { full.advance(replica, to: final) }
        return full
    }

    /// The `Device` record that retires `replica` after its change number `finalCounter`.
    public static func record(retiring replica: ReplicaID, finalCounter: UInt64, name: String = "") -> (id: String, fields: FieldMap) {
        let device = Device(replica: replica.rawValue, name: name, retiredAt: Int(finalCounter))
        return (device.id, device.fields)
    }
}
