import FieldModels
import Foundation
import Hummingbird
import SyncEngine

/// `/dinas/staf`: the staff accounts, for admins only: add one, disable one (its sessions end).
extension DinasPages {
    func addStaff(to router: Router<SyncRequestContext>) {
        router.get("/dinas/staf") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            let language = self.language(request)
            let done = request.uri.queryParameters["selesai"].map { Self.text(language, "Akun \($0) diperbarui.", "Account \($0) updated.") }
            return try await self.staffPage(session, notice: done, problem: nil, status: session.role == .admin ? .ok : .forbidden, language: language)
        }
        router.post("/dinas/staf/tambah") { request, _ in
            guard let (session, form) = try await self.authorised(request, as: NewStaffForm.self) else { return Self.toLogin }
            let language = self.language(request)
            guard session.role == .admin else { return try await self.staffPage(session, notice: nil, problem: nil, status: .forbidden, language: language) }
            guard let role = StaffRole(rawValue: form.peran) else {
                return try await self.staffPage(session, notice: nil, problem: Self.text(language, "Peran tidak dikenal.", "Unknown role."),
                                                status: .badRequest, language: language)
            }
            do {
                try await self.store.addStaff(username: form.pengguna.trimmingCharacters(in: .whitespaces), name: form.nama, role: role,
                                              password: form.sandi, now: self.now())
            } catch let error as ServerError {
                return try await self.staffPage(session, notice: nil, problem: error.text[language], status: error.status, language: language)
            }
            return Response.redirect(to: "/dinas/staf?selesai=\(form.pengguna)", type: .normal)
        }
        router.post("/dinas/staf/nonaktifkan") { request, _ in
            guard let (session, form) = try await self.authorised(request, as: StaffForm.self) else { return Self.toLogin }
            let language = self.language(request)
            guard session.role == .admin else { return try await self.staffPage(session, notice: nil, problem: nil, status: .forbidden, language: language) }
            guard form.pengguna != session.username else {
                return try await self.staffPage(session, notice: nil, problem: Self.text(language, "Akun Anda sendiri tidak dinonaktifkan dari sini.",
                                                                                         "Your own account is not disabled from here."),
                                                status: .conflict, language: language)
            }
            _ = try await self.store.disableStaff(form.pengguna, now: self.now())
            return Response.redirect(to: "/dinas/staf?selesai=\(form.pengguna)", type: .normal)
        }
    }

    private func staffPage(_ session: WebSession, notice: String?, problem: String?, status: HTTPResponse.Status,
                           language: Language) async throws -> Response {
        var values = await self.frame(session, language: language, title: Self.text(language, "Akun staf", "Staff accounts"), menu: "menuStaf")
        guard session.role == .admin else {
            values["galat"] = Self.text(language, "Halaman ini hanya untuk admin.", "This page is for admins only.")
            values["akun"] = [[String: Any]]()
            return try Self.page("staf", status: .forbidden, values)
        }
        values["akun"] = try await store.staff().map { member -> [String: Any] in
            ["pengguna": member.username, "nama": member.name, "peran": member.role.name[language],
             "status": member.disabledAt == nil ? Self.text(language, "aktif", "active") : Self.text(language, "nonaktif", "disabled"), "aktif": member.disabledAt == nil && member.username != session.username,
             "csrf": session.csrf]
        }
        values["csrf"] = session.csrf
        values["bolehKelola"] = true
        if let notice { values["pesan"] = notice }
        if let problem { values["galat"] = problem }
        return try Self.page("staf", status: status, values)
    }
}

struct NewStaffForm: Decodable, CSRFCarrying {
    var csrf: String
    var pengguna: String
    var nama: String
    var peran: String
    var sandi: String
}

struct StaffForm: Decodable, CSRFCarrying {
    var csrf: String
    var pengguna: String
}
