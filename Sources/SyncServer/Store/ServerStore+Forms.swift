import FieldModels
import Foundation
import SyncEngine

/// Questionnaires the Dinas publishes (`field-server form add`) and the responses that come
/// back. A form version is written as the server's own change (`writeOwn`), signed over its
/// definition (`FormSeal`), and pulled by every laptop inside its audience.
extension ServerStore {
    enum FormPublication: Equatable {
        case published, unchanged
        /// The same form id and version is already published with other content.
        case versionTaken
    }

    /// Publishes one version of a questionnaire for `audience` (a kota or a kecamatan) and
    /// `roles` (every role when empty).
    func publishForm(_ form: FormDefinition, audience: String, roles: Set<AgentRole>, now: Int64) async throws -> (FormPublication, FormRecord) {
        var record = FormRecord(definition: form, audience: audience, roles: roles)
        record.signature = try FormSeal.sign(record, key: authority.key)
        if let held = try await forms(includeRemoved: true).first(where: { $0.id == record.id }) {
            guard held.definition == record.definition else { return (.versionTaken, held) }
            if held.audience == record.audience, held.roles == record.roles, !(try await isRemoved(record.id)) { return (.unchanged, held) }
        }
        try await writeOwn(record.id, type: .form, area: audience, .fields(record.fields),
                           audit: "questionnaire \(form.formID) version \(form.version) published", now: now)
        return (.published, record)
    }

    /// Withdraws a form version: laptops stop offering it; responses already given stay.
    func withdrawForm(_ id: String, now: Int64) async throws -> Bool {
        guard let form = try await forms().first(where: { $0.id == id }) else { return false }
        return try await !writeOwn(id, type: .form, area: form.audience, .delete, audit: "questionnaire \(form.formID) version \(form.version) withdrawn",
                                   now: now).isEmpty
    }

    /// The published form versions (withdrawn ones only with `includeRemoved`), by form id and version.
    func forms(includeRemoved: Bool = false) async throws -> [FormRecord] {
        let records: [FormRecord] = try await database.transaction { db in
            let ids = try await db.query("SELECT record_id FROM merged_records WHERE record_type = ?\(includeRemoved ? "" : " AND status <> 'deleted'")",
                                         [.text(RecordType.form.rawValue)]).map { try $0.text("record_id") }
            let live = try await self.liveVersions(of: ids, in: db, opening: nil)
            return ids.map { FormRecord(id: $0, fields: MergeRules.fields(live[$0] ?? [:])) }
        }
        return records.sorted { ($0.formID, $0.version) < ($1.formID, $1.version) }
    }

    private func isRemoved(_ id: String) async throws -> Bool {
        try await database.transaction { db in
            try await db.query("SELECT status FROM merged_records WHERE record_id = ?", [.text(id)]).first?.text("status") == "deleted"
        }
    }

    /// Refuses an answer its questionnaire does not allow (`AnswerCheck`), reading the forms
    /// and the responses' form ids the batch does not carry from the merged state.
    func checkAnswers(_ changes: [Change], in db: any SQLConnection) async throws {
        let lookups = AnswerCheck.responsesToLookUp(changes)
        var stored: [String: String] = [:]
        for chunk in lookups.sorted().chunked(400) {
            let rows = try await db.query("""
                SELECT record_id, value FROM merged_versions WHERE field = 'form'
                AND record_id IN (\(Array(repeating: "?", count: chunk.count).joined(separator: ", ")))
                """, chunk.map(SQLValue.text))
            for row in rows { if let value = try row["value"].string.map(Self.decoded)?.text { stored[try row.text("record_id")] = value } }
        }
        let needed = AnswerCheck.formsNeeded(changes, stored: stored)
        var forms: [String: FormRecord] = [:]
        if !needed.isEmpty {
            let live = try await liveVersions(of: needed.sorted(), in: db, opening: nil)
            for (id, fields) in live { forms[id] = FormRecord(id: id, fields: MergeRules.fields(fields)) }
        }
        try AnswerCheck.check(changes, storedForm: { stored[$0] }, form: { forms[$0] })
    }

    /// The responses to form `formID` (every version, or one), answers opened.
    func formResponses(formID: String, version: String? = nil) async throws -> [FormResponse] {
        try await mergedRecords(FormResponse.self, opening: nil).filter { $0.formID == formID && (version == nil || $0.formVersion == version) }
    }

    /// Every response by the form record it answers (read once, for tables of all forms).
    func responsesByForm() async throws -> [String: [FormResponse]] {
        Dictionary(grouping: try await mergedRecords(FormResponse.self, opening: nil), by: \.form)
    }
}
