import FieldModels
import Foundation

/// The one check every door applies to changes it is given, before anything is stored: the
/// server on a push, a replica on what it receives from the server or a peer. First the
/// grammar of each change (`grammarProblem`), then its origin: each transaction must carry a
/// seal that the certificate of the replica named by its dots verifies, and each change must
/// name that certificate's agent. The server adds what only it knows (scopes, record areas,
/// revocations); see `ServerStore.push`.
public enum Admission {
    /// Most dots one change may supersede (a tombstone replaces every version of its record).
    public static let maxSupersedes = 10_000

    /// What is wrong with one change's shape, or nil: ids, area, counters, field and value.
    public static func grammarProblem(_ change: Change) -> Refusal? {
        guard Grammar.isReplicaID(change.dot.replica.rawValue) else {
            return Refusal(.badReplicaID, change: change, id: "id replika tidak sah (1–32 huruf atau angka ASCII).",
                           en: "the replica id is not valid (1–32 ASCII letters or digits).")
        }
        guard change.dot.counter >= 1 else {
            return Refusal(.badCounter, change: change, id: "penghitung harus 1 atau lebih.", en: "the counter must be 1 or more.")
        }
        guard change.transaction.replica == change.dot.replica, change.transaction.counter >= 1,
              change.transaction.counter <= change.dot.counter else {
            return Refusal(.badTransaction, change: change, id: "transaksi harus dimulai oleh replika yang sama, pada penghitung yang sama atau lebih awal.",
                           en: "the transaction must start at the same replica, at the same or an earlier counter.")
        }
        guard Grammar.isRecordID(change.recordID, type: change.recordType) else {
            return Refusal(.badRecordID, change: change, id: "id data tidak sah untuk \(change.recordType.name.id) (\(change.recordType.idPrefix)- lalu 1–32 huruf/angka ASCII).",
                           en: "the record id is not valid for a \(change.recordType.name.en) (\(change.recordType.idPrefix)- then 1–32 ASCII letters/digits).")
        }
        let cityWide = change.recordType == .device
        if !cityWide, Self.isProtocol2Area(change.area) {
            return Refusal(.badArea, change: change,
                           id: "wilayah '\(Grammar.shown(change.area))' ditulis dengan id wilayah lama (protokol 2); sekarang wilayah memakai kode Kemendagri (mis. 33.74.11.1006). Perbarui FieldSync di laptop ini: saat dibuka, replikanya dipindahkan ke kode itu.",
                           en: "the area '\(Grammar.shown(change.area))' is written as an old region id (protocol 2); areas are Kemendagri codes now (e.g. 33.74.11.1006). Update FieldSync on this laptop: when it opens, its replica moves to the codes.")
        }
        guard cityWide ? change.area.isEmpty : Grammar.isAreaPath(change.area) else {
            return Refusal(.badArea, change: change, id: "wilayah '\(Grammar.shown(change.area))' bukan kode wilayah Kemendagri yang sah (mis. 33.74.11.1006).",
                           en: "the area '\(Grammar.shown(change.area))' is not a valid Kemendagri region code (e.g. 33.74.11.1006).")
        }
        if change.isPlace, change.value != .text(change.area) {
            return Refusal(.badArea, change: change, field: change.field, id: "kelurahan yang ditulis harus sama dengan wilayah yang disebut perubahan ini.",
                           en: "the kelurahan written must be the area this change states.")
        }
        if change.isDeparture, change.value == .text(change.area) {
            return Refusal(.badArea, change: change, field: change.field, id: "kepindahan harus menyebut wilayah asal dan menulis wilayah tujuan yang lain.",
                           en: "a move must state the area left and write another area it goes to.")
        }
        guard Grammar.isAgentID(change.agent) else {
            return Refusal(.badAgentID, change: change, id: "id petugas tidak sah.", en: "the agent id is not valid.")
        }
        guard let spec = change.recordType.schema.spec(for: change.field) else {
            return Refusal(.unknownField, change: change, field: change.field, id: "\(change.recordType.name.id) tidak punya kolom ini.",
                           en: "a \(change.recordType.name.en) has no such field.")
        }
        if let problem = FieldSchemaCheck.problem(change.value, spec) {
            return Refusal(.badValue, change: change, field: change.field, id: "nilai \(problem.id).", en: "the value \(problem.en).")
        }
        if change.recordType == .report, let problem = ReportRights.grammarProblem(id: change.recordID, field: change.field, value: change.value) {
            let code: ErrorCode = MonthlyReport.authorship(of: change.recordID) == nil ? .badRecordID : .badValue
            return Refusal(code, change: change, field: change.field, id: "\(problem.id).", en: "\(problem.en).")
        }
        if change.recordType == .holiday, let problem = RegionalHoliday.grammarProblem(id: change.recordID, field: change.field, value: change.value) {
            let code: ErrorCode = RegionalHoliday.parts(of: change.recordID) == nil ? .badRecordID : .badValue
            return Refusal(code, change: change, field: change.field, id: "\(problem.id).", en: "\(problem.en).")
        }
        guard change.supersedes.count <= maxSupersedes,
              change.supersedes.allSatisfy({ Grammar.isReplicaID($0.replica.rawValue) && $0.counter >= 1 }) else {
            return Refusal(.badValue, change: change, field: "supersedes", id: "daftar versi yang diganti tidak sah.",
                           en: "the list of replaced versions is not valid.")
        }
        guard change.lamport >= 1, change.lamport <= Dot.maxCounter else {
            return Refusal(.badCounter, change: change, id: "waktu Lamport harus 1 sampai 2^63−1.", en: "the Lamport time must be 1 to 2^63−1.")
        }
        return nil
    }

    /// Whether `area` has the shape of a region id from before ids were codes
    /// (`3374/banyumanik/srondol-kulon`): a 4-digit kota code, then slugs after slashes.
    static func isProtocol2Area(_ area: String) -> Bool {
        let parts = area.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.count <= 3 && parts[0].count == 4 && parts[0].allSatisfy { ("0"..."9").contains($0) }
            && parts.dropFirst().allSatisfy { !$0.isEmpty && $0 == Substring(RegionPath.slug(String($0))) }
    }

    /// What passed: the changes not held before, the seals of their transactions with every
    /// group digest (to keep), and the certificates first learnt from the batch.
    public struct Admitted: Sendable {
        public var changes: [Change]
        public var seals: [StoredSeal]
        public var certificates: [ReplicaCertificate]
    }

    /// Checks `batch`: the grammar of every change, then the origin of every transaction that
    /// brings a change not held (`held`), and that city-wide records come from the server
    /// (`checkCityWide`). A replica's certificate is the one the receiver knows
    /// (`certificate`), or one in the batch issued by `authority`. The first problem refuses
    /// the whole batch.
    /// `legacy` gives the region ids of before codes, read only for a seal that does not match
    /// the changes as they are (see `LegacyAreas`).
    public static func check(_ batch: SealedBatch, authority: Data?, held: (Dot) throws -> Bool,
                             certificate: (ReplicaID) throws -> ReplicaCertificate?,
                             legacy: () throws -> LegacyAreas = { .none }) throws -> Admitted {
        try checkGrammar(batch.changes)
        let admitted = try checkOrigins(batch, authority: authority, held: held, certificate: certificate, legacy: legacy)
        try checkCityWide(admitted.changes, authority: authority) { replica in
            try admitted.certificates.first { $0.replica == replica } ?? certificate(replica)
        }
        return admitted
    }

    /// The grammar half of `check`: refuses the first change whose shape is wrong.
    public static func checkGrammar(_ changes: [Change]) throws {
        for change in changes {
            if let refusal = grammarProblem(change) { throw refusal }
        }
    }

    /// The origin half of `check`, for changes whose grammar passed.
    public static func checkOrigins(_ batch: SealedBatch, authority: Data?, held: (Dot) throws -> Bool,
                                    certificate: (ReplicaID) throws -> ReplicaCertificate?,
                                    legacy: () throws -> LegacyAreas = { .none }) throws -> Admitted {
        var legacyAreas: LegacyAreas?
        var byTransaction: [Dot: [Change]] = [:]
        var fresh: [Change] = []
        var seen: [Dot: Change] = [:]
        for change in batch.changes {
            if let twin = seen[change.dot] {
                guard twin == change else {
                    throw Refusal(.badTransaction, change: change, id: "dot yang sama muncul dua kali dengan isi berbeda.",
                                  en: "the same dot comes twice with different content.")
                }
                continue
            }
            seen[change.dot] = change
            byTransaction[change.transaction, default: []].append(change)
            if try !held(change.dot) { fresh.append(change) }
        }
        let freshTransactions = Set(fresh.map(\.transaction))
        var seals: [Dot: OriginSeal] = [:]
        for seal in batch.seals where freshTransactions.contains(seal.transaction) { seals[seal.transaction] = seal }
        var certificates: [ReplicaID: ReplicaCertificate] = [:]
        var learnt: [ReplicaCertificate] = []
        var admitted: [StoredSeal] = []
        for transaction in freshTransactions.sorted() {
            let changes = byTransaction[transaction] ?? []
            let first = changes[0]
            guard let seal = seals[transaction] else {
                throw Refusal(.unsealed, change: first, id: "transaksi \(transaction) datang tanpa segel asalnya.",
                              en: "transaction \(transaction) comes without its origin seal.")
            }
            let replica = transaction.replica
            if certificates[replica] == nil {
                if let known = try certificate(replica) {
                    certificates[replica] = known
                } else if let authority, let offered = batch.certificates.first(where: { $0.replica == replica && $0.isIssued(by: authority) }) {
                    certificates[replica] = offered
                    learnt.append(offered)
                }
            }
            guard let owner = certificates[replica] else {
                throw Refusal(.unknownOrigin, change: first, id: "replika \(Grammar.shown(replica.rawValue)) tidak terdaftar pada perangkat mana pun.",
                              en: "replica \(Grammar.shown(replica.rawValue)) is not registered to any device.")
            }
            var groups = Array(OriginSeal.groups(changes).values) + seal.withheld
            var verified = owner.verifies(seal, groups: groups)
            if !verified {
                // Sealed before region ids were codes? Then it verifies as it was written.
                if legacyAreas == nil { legacyAreas = try legacy() }
                if let signed = legacyAreas?.signedGroups(of: changes) {
                    groups = signed + seal.withheld
                    verified = owner.verifies(seal, groups: groups)
                }
            }
            guard verified else {
                throw Refusal(.badOriginSignature, change: first,
                              id: "segel transaksi \(transaction) tidak cocok dengan isinya atau bukan dari perangkat \(owner.device).",
                              en: "the seal of transaction \(transaction) does not match its content or is not from device \(owner.device).")
            }
            if let stranger = changes.first(where: { $0.agent != owner.agent }) {
                throw Refusal(.agentMismatch, change: stranger, id: "penulisnya tercatat \(Grammar.shown(stranger.agent)), tetapi replika ini milik perangkat petugas \(owner.agent).",
                              en: "it names \(Grammar.shown(stranger.agent)) as its author, but this replica belongs to a device of \(owner.agent).")
            }
            admitted.append(StoredSeal(transaction: transaction, signature: seal.signature, groups: groups))
        }
        return Admitted(changes: fresh, seals: admitted, certificates: learnt)
    }

    /// Refuses a change of a city-wide record (`RecordType.isCityWide`: a regional holiday)
    /// whose origin replica is not the sync server's own: its certificate must carry the
    /// authority's key (`authority`), which only the server holds. A peer laptop, even a Dinas
    /// one, cannot move every deadline of the kota. `certificate` gives each origin's.
    public static func checkCityWide(_ changes: [Change], authority: Data?,
                                     certificate: (ReplicaID) throws -> ReplicaCertificate?) throws {
        for change in changes where change.recordType.isCityWide {
            guard let authority, let owner = try certificate(change.dot.replica), owner.publicKey == authority else {
                throw Refusal(.serverOnly, change: change,
                              id: "\(change.recordType.name.id) hanya ditulis server Dinas Sosial (field-server \(change.recordType.rawValue)), bukan perangkat lapangan.",
                              en: "a \(change.recordType.name.en.lowercased()) is written only by the Dinas Sosial's server (field-server \(change.recordType.rawValue)), not by a field device.")
            }
        }
    }
}
