import FieldModels

/// A replica held in memory: the reference implementation of the merge, used by the scenario
/// and property tests (and a model of what `LocalReplica` does in SQL).
///
/// ```swift
/// let a = MemoryReplica(ReplicaID("aaaa")), b = MemoryReplica(ReplicaID("bbbb"))
/// try a.write("H-1", type: .household, area: "33.74.11.1006", fields: ["address": .text("Jl. A")], wallTime: 0)
/// try Sync.untilQuiet([a, b])
/// ```
public final class MemoryReplica: WritableReplica {
    public private(set) var replicaID: ReplicaID
    public let agent: String
    /// Issues this replica's certificate (and a new one when a restored copy takes a new id);
    /// every memory replica made with the same authority trusts the others' seals.
    public let authority: CertificateAuthority
    private let signer: OriginSigner
    private(set) var log: [Dot: Change] = [:]
    private var seals: [Dot: StoredSeal] = [:]
    private var certificates: [ReplicaID: ReplicaCertificate] = [:]
    private var superseded = Set<Dot>()
    private var live: [String: [String: [Dot: FieldVersion]]] = [:]
    private var vector = VersionVector()
    private var counter: UInt64 = 0
    private var clock = LogicalClock()

    /// The authority memory replicas share unless told otherwise: a test model's trust domain.
    public static let sharedAuthority = CertificateAuthority()

    public init(_ replicaID: ReplicaID, agent: String = "A-TEST", authority: CertificateAuthority = MemoryReplica.sharedAuthority) {
        self.replicaID = replicaID
        self.agent = agent
        self.authority = authority
        self.signer = OriginSigner(key: .init())
        certify()
    }

    /// Has the authority certify the current replica id for this replica's key.
    private func certify() {
        let certificate = try! authority.issue(replica: replicaID, device: "DV-" + replicaID.rawValue, agent: agent,
                                               publicKey: signer.publicKey, issuedAt: 0)
        certificates[replicaID] = certificate
    }

    /// The certificate of the replica this one writes as.
    public var certificate: ReplicaCertificate { certificates[replicaID]! }

    /// The vector this replica exchanges (retired devices folded in once all their changes are held).
    public func versionVector() throws -> VersionVector { retirements().fold(try fullVersionVector()) }

    public func fullVersionVector() throws -> VersionVector {
        var full = vector
        full.beyond = Set(log.keys.filter { !vector.contains($0) })
        return full
    }

    public func changes(notIn vector: VersionVector) throws -> SealedBatch {
        let known = retirements().unfold(vector)
        let delta = log.values.filter { !known.contains($0.dot) }.sorted { ($0.transaction, $0.dot) < ($1.transaction, $1.dot) }
        let byTransaction = Dictionary(grouping: delta, by: \.transaction)
        return SealedBatch(changes: delta,
                           seals: byTransaction.keys.sorted().compactMap { seals[$0]?.wire(sending: byTransaction[$0]!) },
                           certificates: Set(delta.map(\.dot.replica)).sorted().compactMap { certificates[$0] })
    }

    /// The retired devices this replica knows of.
    public func retirements() -> Retirements {
        Retirements(devices: live.filter { $0.key.hasPrefix("D-") }.mapValues { $0.mapValues { Array($0.values) } })
    }

    public func receive(_ batch: SealedBatch) throws {
        let admitted = try Admission.check(batch, authority: authority.publicKey, held: { log[$0] != nil },
                                           certificate: { certificates[$0] })
        for certificate in admitted.certificates { certificates[certificate.replica] = certificate }
        for seal in admitted.seals { seals[seal.transaction] = seal }
        apply(admitted.changes)
    }

    /// Applies changes already admitted (received, or written here).
    private func apply(_ changes: [Change]) {
        var writers = Set<ReplicaID>()
        for change in changes where log[change.dot] == nil {
            log[change.dot] = change
            for old in change.supersedes {
                superseded.insert(old)
                for field in live[change.recordID]?.keys.map({ $0 }) ?? [] {
                    live[change.recordID]?[field]?[old] = nil
                }
            }
            if !superseded.contains(change.dot) {
                live[change.recordID, default: [:]][change.field, default: [:]][change.dot] = FieldVersion(change)
            }
            clock.observe(change.lamport)
            writers.insert(change.dot.replica)
        }
        for replica in writers {
            var next = vector[replica]
            while log[Dot(replica, next + 1)] != nil { next += 1 }
            vector.advance(replica, to: next)
        }
    }

    public func snapshot() throws -> ReplicaSnapshot {
        var records: [String: (type: RecordType, area: String, live: [String: [FieldVersion]])] = [:]
        let latest = Dictionary(grouping: log.values, by: \.recordID).mapValues { changes in
            changes.max { ($0.lamport, $0.dot) < ($1.lamport, $1.dot) }!
        }
        for (id, change) in latest {
            let fields = (live[id] ?? [:]).mapValues { Array($0.values) }.filter { !$0.value.isEmpty }
            records[id] = (change.recordType, Placement.area(of: fields) ?? change.area, fields)
        }
        return ReplicaSnapshot(records: records)
    }

    /// The current versions of a record's fields.
    public func liveVersions(of recordID: String) -> [String: [FieldVersion]] {
        (live[recordID] ?? [:]).mapValues { Array($0.values) }.filter { !$0.value.isEmpty }
    }

    @discardableResult
    public func compact(seenBy vectors: [VersionVector]) throws -> [String] {
        let snapshot = try snapshot()
        let retirements = retirements()
        let vectors = vectors.map(retirements.unfold)
        let byRecord = Dictionary(grouping: log.values, by: \.recordID)
        var forgotten: [String] = []
        for (id, changes) in byRecord.sorted(by: { $0.key < $1.key }) {
            guard let status = snapshot.records[id]?.status,
                  MergeRules.isCompactable(status: status, dots: changes.map(\.dot), seenBy: vectors) else { continue }
            for change in changes {
                log[change.dot] = nil
                superseded.remove(change.dot)
            }
            live[id] = nil
            forgotten.append(id)
        }
        let transactions = Set(log.values.map(\.transaction))
        seals = seals.filter { transactions.contains($0.key) }
        return forgotten
    }

    // MARK: Local writes

    /// Writes some fields of a record (a partial write: fields not named are left alone).
    @discardableResult
    public func write(_ recordID: String, type: RecordType, area: String, fields: FieldMap, wallTime: Int64) throws -> [Change] {
        let edits = MergeRules.edits(writing: fields, over: liveVersions(of: recordID), removingAbsentSetElements: false)
        return try commit(edits, recordID: recordID, type: type, area: area, wallTime: wallTime)
    }

    /// Deletes a record with a tombstone that replaces every version this replica holds of it.
    @discardableResult
    public func delete(_ recordID: String, wallTime: Int64) throws -> [Change] {
        guard let existing = latestChange(of: recordID) else { return [] }
        return try commit(MergeRules.tombstone(over: liveVersions(of: recordID)), recordID: recordID, type: existing.recordType,
                          area: area(of: recordID, latest: existing), wallTime: wallTime)
    }

    /// Settles a conflict on one field: a change that supersedes exactly the versions now current.
    @discardableResult
    public func resolve(_ recordID: String, field: String, value: FieldValue, wallTime: Int64) throws -> [Change] {
        guard let existing = latestChange(of: recordID) else { return [] }
        let area = area(of: recordID, latest: existing)
        let edits = Placement.settled(MergeRules.resolution(of: field, to: value, over: liveVersions(of: recordID)) { log[$0] }, area: area)
        return try commit(edits, recordID: recordID, type: existing.recordType, area: area, wallTime: wallTime)
    }

    /// A record's area: its place as shown, else its latest change's (`Placement`).
    private func area(of recordID: String, latest: Change) -> String {
        Placement.area(of: liveVersions(of: recordID)) ?? latest.area
    }

    /// The change that names a record's type: the latest by Lamport time, then dot.
    private func latestChange(of recordID: String) -> Change? {
        log.values.filter { $0.recordID == recordID }.max { ($0.lamport, $0.dot) < ($1.lamport, $1.dot) }
    }

    private func commit(_ edits: [MergeRules.Edit], recordID: String, type: RecordType, area: String,
                        wallTime: Int64) throws -> [Change] {
        guard !edits.isEmpty else { return [] }
        let lamport = clock.tick()
        var changes: [Change] = []
        for (field, value, supersedes) in edits {
            counter += 1
            let dot = Dot(replicaID, counter)
            changes.append(Change(dot: dot, transaction: changes.first?.dot ?? dot, recordType: type, recordID: recordID,
                                  area: area, field: field, value: value, supersedes: supersedes, lamport: lamport,
                                  wallTime: wallTime, agent: agent))
        }
        seals[changes[0].transaction] = try signer.seal(changes)
        apply(changes)
        return changes
    }

    // MARK: Backups

    private init(_ replicaID: ReplicaID, agent: String, authority: CertificateAuthority, signer: OriginSigner) {
        self.replicaID = replicaID
        self.agent = agent
        self.authority = authority
        self.signer = signer
    }

    /// A copy of this replica as a backup file would hold it.
    public func backup() -> MemoryReplica {
        let copy = MemoryReplica(replicaID, agent: agent, authority: authority, signer: signer)
        copy.log = log
        copy.seals = seals
        copy.certificates = certificates
        copy.superseded = superseded
        copy.live = live
        copy.vector = vector
        copy.counter = counter
        copy.clock = clock
        return copy
    }

    /// Opens a restored backup: the file's history has rewound, so its counters would repeat dots
    /// peers already hold. It takes a new replica id before writing anything (its old changes
    /// keep their dots; peers send back the ones made after the backup).
    public func restored(newID: ReplicaID) -> MemoryReplica {
        let copy = backup()
        copy.replicaID = newID
        copy.counter = 0
        copy.certify()
        return copy
    }
}
