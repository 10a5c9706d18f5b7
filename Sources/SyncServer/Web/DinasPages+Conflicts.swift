import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// `/dinas/konflik`: the conflicts waiting for a person, by area, each value with its author,
/// device and time; an operator or admin settles one.
extension DinasPages {
    func addConflicts(to router: Router<SyncRequestContext>) {
        router.get("/dinas/konflik") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            let area = request.uri.queryParameters["wilayah"].map(String.init) ?? ""
            let language = self.language(request)
            let notice = request.uri.queryParameters["selesai"].map {
                Self.text(language, "Konflik \($0) diselesaikan; laptop menerimanya pada sinkronisasi berikutnya.",
                          "Conflict \($0) settled; the laptops receive it at their next sync.")
            }
            return try await self.conflictsPage(session, area: area, notice: notice, problem: nil, status: .ok, language: language)
        }
        router.post("/dinas/konflik/selesaikan") { request, _ in
            guard let (session, form) = try await self.authorised(request, as: ResolutionForm.self) else { return Self.toLogin }
            let language = self.language(request)
            guard session.role != .viewer, let member = try await self.store.staff(session.username) else {
                return try await self.conflictsPage(session, area: "", notice: nil,
                                                    problem: Self.text(language, "Akun pembaca tidak dapat menyelesaikan konflik; minta operator.",
                                                                       "A viewer account cannot settle conflicts; ask an operator."),
                                                    status: .forbidden, language: language)
            }
            let chosen = form.pilihan.flatMap(Self.dot)
            do {
                try await self.store.resolveConflict(form.id, field: form.bidang, chosen: chosen,
                                                     keep: form.simpan.map { $0 == "pertahankan" }, by: member, now: self.now())
                return Response.redirect(to: "/dinas/konflik?selesai=\(form.id)", type: .normal)
            } catch let error as ServerError {
                return try await self.conflictsPage(session, area: "", notice: nil, problem: error.text[language], status: error.status, language: language)
            }
        }
    }

    /// `replica:counter`, as the form carries a version.
    static func dot(_ text: String) -> Dot? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let counter = UInt64(parts[1]) else { return nil }
        return Dot(ReplicaID(String(parts[0])), counter)
    }

    static func shown(_ value: FieldValue, _ language: Language = .id) -> String {
        switch value {
        case .null: text(language, "(kosong)", "(empty)")
        case .text(let value): value.isEmpty ? text(language, "(kosong)", "(empty)") : value
        case .int(let number): String(number)
        case .bool(let flag): flag ? text(language, "ya", "yes") : text(language, "tidak", "no")
        }
    }

    private func conflictsPage(_ session: WebSession, area: String, notice: String?, problem: String?,
                               status: HTTPResponse.Status, language: Language) async throws -> Response {
        let scope = area.trimmingCharacters(in: .whitespaces)
        let queue = try await reads.conflictQueue(area: scope.isEmpty ? nil : RegionDirectory.dotted(scope) ?? scope)
        var names: [String: String] = [:]
        for region in try await reads.regions() { names[region.id] = region.name }
        let decides = session.role != .viewer
        let items: [[String: Any]] = queue.map { item in
            let deleting = item.conflict.field == Change.deletedField
            return ["jenis": item.type.name[language], "id": item.record, "wilayah": names[item.area] ?? item.area,
                    "bidang": deleting ? Self.text(language, "dihapus di satu laptop, diubah di laptop lain", "deleted on one laptop, edited on another")
                        : item.conflict.field, "kodeBidang": item.conflict.field,
                    "hapus": deleting, "bisa": decides, "csrf": session.csrf,
                    "versi": item.versions.map { version -> [String: Any] in
                        ["dot": "\(version.version.dot.replica.rawValue):\(version.version.dot.counter)",
                         "nilai": deleting ? (version.version.value == .bool(true) ? Self.text(language, "dihapus", "deleted")
                                                  : Self.text(language, "dipertahankan", "kept")) : Self.shown(version.version.value, language),
                         "petugas": version.version.agent, "perangkat": version.device, "waktu": Self.jakartaTime(version.version.wallTime)]
                    }]
        }
        var values = await self.frame(session, language: language, title: Self.text(language, "Konflik data", "Data conflicts"), menu: "menuKonflik")
        values["konflik"] = items
        values["ringkasan"] = Self.text(language, "\(items.count) konflik menunggu keputusan", "\(items.count) conflicts waiting for a decision")
        values["wilayah"] = scope
        if let notice { values["pesan"] = notice }
        if let problem { values["galat"] = problem }
        return try Self.page("konflik", status: status, values)
    }
}

struct ResolutionForm: Decodable, CSRFCarrying {
    var csrf: String
    var id: String
    var bidang: String
    var pilihan: String?
    var simpan: String?
}
