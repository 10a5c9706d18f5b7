import FieldModels
import Foundation
import LocalStore
import SyncEngine

/// The questionnaires this laptop holds, as the agent may use them: signed by the server this
/// laptop enrolled with (checked every time, `FormSeal`), meant for the agent's role and area,
/// readable by this version of FieldSync.
struct LaptopForm {
    var record: FormRecord
    var plan: FormPlan

    var title: String { language == .en ? (plan.form.title.en) : plan.form.title.id }
}

enum LaptopForms {
    /// Every form version held, each with why it cannot be used (nil when it can).
    static func all(_ replica: LocalReplica) throws -> [(record: FormRecord, problem: LocalizedText?)] {
        let authority = try replica.authority()
        return try replica.records(FormRecord.self, area: "").map(\.record).sorted { ($0.formID, $0.version) < ($1.formID, $1.version) }.map { record in
            (record, problem(record, authority: authority, agent: replica.agent))
        }
    }

    /// Why `record` cannot be used; `audience` false leaves aside whom it is meant for (a
    /// response already given to it is shown and continued by any agent of its area).
    static func problem(_ record: FormRecord, authority: Data?, agent: Agent, audience: Bool = true) -> LocalizedText? {
        guard let authority else {
            return LocalizedText(id: "laptop belum terdaftar ke server (field enroll), tanda tangan kuesioner tidak bisa diperiksa",
                                 en: "this laptop is not enrolled with a server (field enroll), so the questionnaire's signature cannot be checked")
        }
        guard FormSeal.verify(record, authority: authority) else {
            return LocalizedText(id: "tanda tangan server tidak cocok: isi kuesioner berubah setelah diterbitkan; tidak akan diisi",
                                 en: "the server's signature does not match: the questionnaire changed after it was published; it will not be filled in")
        }
        guard let form = record.form, (try? FormPlan(form)) != nil else {
            return LocalizedText(id: "isi kuesioner tidak terbaca oleh versi FieldSync ini; perbarui FieldSync",
                                 en: "this version of FieldSync cannot read the questionnaire; update FieldSync")
        }
        guard !audience || record.isFor(role: agent.role, area: agent.areaID) else {
            return LocalizedText(id: "ditujukan untuk peran atau wilayah lain", en: "meant for another role or area")
        }
        return nil
    }

    /// The form `text` names: a form record id (`F-…`), or a form id (its newest usable version).
    static func find(_ text: String, _ replica: LocalReplica) throws -> LaptopForm {
        let held = try all(replica)
        let wanted = text.trimmingWhitespace()
        let matches = held.filter { $0.record.id == wanted.uppercased() || $0.record.formID == wanted }
        guard !matches.isEmpty else {
            throw CLIError("Kuesioner '\(wanted)' tidak ada di laptop ini. Lihat: field form list (kuesioner baru datang lewat field sync).",
                           "Questionnaire '\(wanted)' is not on this laptop. See: field form list (new ones arrive by field sync).",
                           field: "form", code: Exit.notFound)
        }
        let usable = matches.filter { $0.problem == nil }
        guard let chosen = usable.max(by: { FormVersions.less($0.record.version, $1.record.version) }) else {
            let reason = matches[0].problem!
            throw CLIError("Kuesioner '\(wanted)' tidak bisa diisi: \(reason.id).", "Questionnaire '\(wanted)' cannot be filled in: \(reason.en).",
                           field: "form", code: Exit.refused)
        }
        return LaptopForm(record: chosen.record, plan: try FormPlan(chosen.record.form!))
    }

    /// The form version a response was given to, checked as `find` checks.
    static func of(_ response: FormResponse, _ replica: LocalReplica) throws -> LaptopForm {
        guard let record = try replica.record(FormRecord.self, id: response.form)?.record else {
            throw CLIError("Kuesioner \(response.formID) versi \(response.formVersion) tidak ada di laptop ini; sinkronkan dulu (field sync).",
                           "Questionnaire \(response.formID) version \(response.formVersion) is not on this laptop; sync first (field sync).",
                           field: "form", code: Exit.notFound)
        }
        if let reason = problem(record, authority: try replica.authority(), agent: replica.agent, audience: false) {
            throw CLIError("Kuesioner \(record.formID) tidak bisa diisi: \(reason.id).", "Questionnaire \(record.formID) cannot be filled in: \(reason.en).",
                           field: "form", code: Exit.refused)
        }
        return LaptopForm(record: record, plan: try FormPlan(record.form!))
    }
}
