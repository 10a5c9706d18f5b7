/// The shape of every field a record of each kind may have: what kind of value it holds and
/// how long it may be. The grammar (`Grammar`) and this schema decide what any door accepts;
/// the record rules (`RecordRules`) then judge whether the content makes sense.
///
/// ```swift
/// RecordType.person.schema.spec(for: "name")          // text, at most 120, one line
/// RecordType.household.schema.spec(for: "members/P-7KQ2M9X4TD1B")   // a set element
/// RecordType.household.schema.spec(for: "../../etc")  // nil: no such field
/// ```
public struct FieldSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Free or short text; line breaks only when `multiline`.
        case text(max: Int, multiline: Bool)
        /// A short code (`L`, `pindah`, `kepala`, `2026-11`): ASCII letters, digits, `-`, `_`, `.`.
        case code(max: Int)
        /// A calendar date, `YYYY-MM-DD`.
        case date
        /// The id of a record of this type.
        case reference(RecordType)
        /// A region path.
        case area
        /// A replica id.
        case replica
        case integer(ClosedRange<Int>)
        case bool
        /// One of a fixed list of codes, or (`multiple`) several of them joined with commas,
        /// sorted: `fisik,sensorik-netra`.
        case choice(Set<String>, multiple: Bool)
        /// A place, `LAT,LON,ACCURACY,SOURCE` inside Indonesia (`GeoPoint`).
        case location
        /// A SHA-256 digest in lower-case hex: the content address of an attachment.
        case digest
        /// Counts of a monthly report, `key:count,…` (`ReportTally`).
        case tally
        /// A wall-clock moment in Asia/Jakarta, `YYYY-MM-DD HH:MM` (`LocalMoment`).
        case moment
    }

    public var kind: Kind
    /// Whether the field may be cleared (null or empty text).
    public var nullable: Bool

    public init(_ kind: Kind, nullable: Bool = true) {
        self.kind = kind
        self.nullable = nullable
    }

    public static func text(_ max: Int) -> FieldSpec { FieldSpec(.text(max: max, multiline: false)) }
    public static func notes(_ max: Int) -> FieldSpec { FieldSpec(.text(max: max, multiline: true)) }
    public static func code(_ max: Int) -> FieldSpec { FieldSpec(.code(max: max)) }
    public static let date = FieldSpec(.date)
    public static let area = FieldSpec(.area)
    public static let location = FieldSpec(.location)
    public static let flag = FieldSpec(.bool, nullable: false)
    public static func reference(_ type: RecordType) -> FieldSpec { FieldSpec(.reference(type)) }
    public static func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, multiple: Bool = false) -> FieldSpec
    where T.RawValue == String {
        FieldSpec(.choice(Set(T.allCases.map(\.rawValue)), multiple: multiple))
    }
}

/// The fields of one kind of record: plain fields, and set-valued fields whose elements are
/// stored one per key (`members/<person id>`, `needs/<service>`).
public struct RecordSchema: Sendable {
    public var fields: [String: FieldSpec]
    /// Set name → the grammar of its elements (an element is always a `true`/`false` flag).
    public var sets: [String: FieldSpec.Kind]
    /// Whether the record also holds questionnaire answers (`FormResponse.answerSpec`).
    public var answers = false

    public init(fields: [String: FieldSpec], sets: [String: FieldSpec.Kind], answers: Bool = false) {
        self.fields = fields
        self.sets = sets
        self.answers = answers
    }

    /// The spec of `field` on this kind of record, or nil when it has no such field. The
    /// tombstone marker `_deleted` belongs to every kind.
    public func spec(for field: String) -> FieldSpec? {
        if field == "_deleted" { return .flag }
        if let spec = fields[field] { return spec }
        if answers, let spec = FormResponse.answerSpec(field) { return spec }
        guard let slash = field.firstIndex(of: "/") else { return nil }
        let name = String(field[..<slash]), element = String(field[field.index(after: slash)...])
        guard let kind = sets[name], FieldSchemaCheck.fits(.text(element), kind) else { return nil }
        return .flag
    }
}

extension RecordType {
    /// What fields this kind of record has.
    public var schema: RecordSchema {
        switch self {
        case .household:
            RecordSchema(fields: ["noKK": .code(20), "address": .text(200), "rt": .code(5), "rw": .code(5), "kelurahan": .area, "movedTo": .area,
                                  "regionCode": .code(13), "dtks": .code(40), "phone": .code(16), "location": .location],
                         sets: ["members": .reference(.person), "photos": .digest])
        case .person:
            RecordSchema(fields: [
                "nik": .code(20), "name": .text(120), "sex": .code(2), "birthDate": .date, "relationship": .code(20),
                "status": .code(20), "household": .reference(.household), "kelurahan": .area, "movedTo": .area, "healthNotes": .notes(4000),
                "birthPlace": .text(80), "marital": .choice(MaritalStatus.self), "occupation": .text(80),
                "education": .choice(Education.self), "dtks": .code(40), "programmes": .choice(SocialProgramme.self, multiple: true),
                "bpjs": .code(16), "phone": .code(16), "disability": .choice(DisabilityType.self, multiple: true), "deathDate": .date,
            ], sets: ["photos": .digest])
        case .socialMap:
            RecordSchema(fields: [
                "kind": .code(10), "category": .code(60), "person": .reference(.person), "household": .reference(.household),
                "label": .text(200), "evidence": .notes(4000), "assessmentDate": .date, "notes": .notes(4000), "kelurahan": .area, "movedTo": .area,
            ], sets: [:])
        case .visit:
            RecordSchema(fields: [
                "date": .date, "agent": .reference(.agent), "household": .reference(.household), "person": .reference(.person),
                "purpose": .text(200), "findings": .notes(4000), "referral": .code(40), "referralStatus": .code(40),
                "followUpDate": .date, "kelurahan": .area, "movedTo": .area, "location": .location, "needsMet": FieldSpec(.bool),
            ], sets: ["needs": .code(max: 40), "photos": .digest])
        case .report:
            RecordSchema(fields: [
                "agent": .reference(.agent), "agentName": .text(120), "period": .code(7), "figures": FieldSpec(.tally), "lastMonth": .notes(8000),
                "nextMonthPlan": .notes(8000), "evaluation": .notes(8000), "status": .choice(ReportStatus.self),
                "submittedOn": .date, "approvedBy": .text(120), "approverID": .text(60), "approvedOn": .date,
                "decisionReason": .notes(2000), "decidedBy": .text(120), "decidedOn": .date, "kelurahan": .area,
                "totals": FieldSpec(.tally),
            ], sets: ["included": .reference(.report), "missing": .area])
        case .agent:
            RecordSchema(fields: [
                "name": .text(120), "role": .code(20), "area": .area, "ntr": .text(60), "ntrValidFrom": .date, "ntrValidUntil": .date,
                "registration": .code(10),
            ], sets: [:])
        case .service:
            RecordSchema(fields: [
                "service": .choice(ServiceKind.self), "person": .reference(.person), "household": .reference(.household),
                "requestedBy": .text(120), "receivedBy": .reference(.agent), "completeAt": FieldSpec(.moment),
                "status": .choice(ServiceStatus.self), "reason": .notes(2000), "outcome": .notes(2000), "notes": .notes(4000),
                "visit": .reference(.visit), "kelurahan": .area, "movedTo": .area,
            ], sets: ["requirements": .code(max: 40), "families": .reference(.household)])
        case .holiday:
            RecordSchema(fields: ["kota": .area, "date": .date, "name": .text(120), "nameEn": .text(120)], sets: [:])
        case .form:
            RecordSchema(fields: ["formID": .code(64), "version": .code(40), "title": .text(200), "audience": .area,
                                  "roles": .choice(AgentRole.self, multiple: true), "definition": .text(FormRecord.maxDefinitionBytes),
                                  "signature": .code(128)], sets: [:])
        case .response:
            RecordSchema(fields: ["form": .reference(.form), "formID": .code(64), "formVersion": .code(40), "household": .reference(.household),
                                  "person": .reference(.person), "agent": .reference(.agent), "kelurahan": .area, "movedTo": .area,
                                  "startedOn": .date, "completedOn": .date],
                         sets: ["instances": .code(max: 80), "photos": .digest], answers: true)
        case .device:
            RecordSchema(fields: ["replica": FieldSpec(.replica), "name": .text(80),
                                  "retiredAt": FieldSpec(.integer(0...Int(Int64.max)))], sets: [:])
        }
    }
}

/// Whether a value fits a field's spec.
public enum FieldSchemaCheck {
    /// What is wrong with `value` as a value of `spec`, or nil when it fits.
    public static func problem(_ value: FieldValue, _ spec: FieldSpec) -> LocalizedText? {
        if value == .null || value == .text("") {
            return spec.nullable ? nil : LocalizedText(id: "tidak boleh kosong", en: "may not be empty")
        }
        if case .text(let max, let multiline) = spec.kind, case .text(let text) = value {
            return Grammar.textProblem(text, maxLength: max, multiline: multiline)?.text
        }
        return fits(value, spec.kind) ? nil : LocalizedText(id: "bukan \(describe(spec.kind).id)", en: "is not \(describe(spec.kind).en)")
    }

    static func fits(_ value: FieldValue, _ kind: FieldSpec.Kind) -> Bool {
        switch (kind, value) {
        case (.text(let max, let multiline), .text(let text)):
            return Grammar.textProblem(text, maxLength: max, multiline: multiline) == nil
        case (.code(let max), .text(let text)):
            let bytes = Array(text.utf8)
            return !bytes.isEmpty && bytes.count <= max && bytes.allSatisfy {
                Grammar.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
            }
        case (.date, .text(let text)):
            return text.utf8.count == 10 && CivilDate(text) != nil
        case (.reference(let type), .text(let text)):
            return Grammar.isRecordID(text, type: type)
        case (.area, .text(let text)):
            return Grammar.isAreaPath(text)
        case (.replica, .text(let text)):
            return Grammar.isReplicaID(text)
        case (.integer(let range), .int(let number)):
            return range.contains(number)
        case (.bool, .bool):
            return true
        case (.choice(let allowed, let multiple), .text(let text)):
            let elements = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard multiple || elements.count == 1 else { return false }
            return elements == elements.sorted() && Set(elements).count == elements.count && elements.allSatisfy(allowed.contains)
        case (.location, .text(let text)):
            return GeoPoint(text)?.description == text
        case (.digest, .text(let text)):
            return Grammar.isDigest(text)
        case (.tally, .text(let text)):
            return ReportTally(text)?.description == text
        case (.moment, .text(let text)):
            return LocalMoment(text)?.description == text
        default:
            return false
        }
    }

    static func describe(_ kind: FieldSpec.Kind) -> LocalizedText {
        switch kind {
        case .text: LocalizedText(id: "teks", en: "text")
        case .code(let max): LocalizedText(id: "kode (huruf, angka, - _ ., paling banyak \(max))", en: "a code (letters, digits, - _ ., at most \(max))")
        case .date: LocalizedText(id: "tanggal TTTT-BB-HH", en: "a date YYYY-MM-DD")
        case .reference(let type): LocalizedText(id: "id \(type.name.id) (\(type.idPrefix)-…)", en: "a \(type.name.en) id (\(type.idPrefix)-…)")
        case .area: LocalizedText(id: "kode wilayah Kemendagri (mis. 33.74.11.1006)", en: "a Kemendagri region code (e.g. 33.74.11.1006)")
        case .replica: LocalizedText(id: "id replika", en: "a replica id")
        case .integer(let range): LocalizedText(id: "bilangan bulat \(range.lowerBound)…\(range.upperBound)", en: "an integer \(range.lowerBound)…\(range.upperBound)")
        case .bool: LocalizedText(id: "true/false", en: "true/false")
        case .location: LocalizedText(id: "titik di Indonesia LINTANG,BUJUR,AKURASI,SUMBER", en: "a point in Indonesia LAT,LON,ACCURACY,SOURCE")
        case .digest: LocalizedText(id: "SHA-256 heksadesimal", en: "a hex SHA-256 digest")
        case .tally: LocalizedText(id: "hitungan kunci:jumlah,… terurut", en: "counts key:count,… sorted")
        case .moment: LocalizedText(id: "waktu TTTT-BB-HH JJ:MM", en: "a time YYYY-MM-DD HH:MM")
        case .choice(let allowed, let multiple):
            LocalizedText(id: "\(multiple ? "beberapa dari" : "salah satu dari"): \(allowed.sorted().joined(separator: ", "))",
                          en: "\(multiple ? "some of" : "one of"): \(allowed.sorted().joined(separator: ", "))")
        }
    }
}
