import FieldModels
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import Mustache
import NIOCore
import SyncEngine

/// A staff member's session on the Dinas pages, kept in the store (`SQLPersistDriver`).
struct WebSession: Codable, Sendable {
    var username: String
    var name: String
    var role: StaffRole
    /// The token every form of the session carries, against cross-site requests.
    var csrf: String
}

/// The Dinas pages under `/dinas`: server-rendered HTML in Bahasa Indonesia (Mustache templates
/// shipped as resources), no script, no outside address. Staff log in with a password checked
/// against its bcrypt hash; the session lives in the store, expires after `sessionLength`, and
/// every form carries its CSRF token (the login form a cookie's, double-submitted).
struct DinasPages: Sendable {
    let store: ServerStore
    /// The store the pages and exports read: a hot standby's when the server reads off one.
    let reads: ServerStore
    let now: @Sendable () -> Int64
    let sessions: SessionStorage<WebSession>

    static let sessionLength: Duration = .seconds(8 * 3600)
    static let csrfCookie = "fieldsync_csrf"
    static let sessionCookie = "fieldsync_dinas"

    /// Whether cookies are marked `Secure`: when the server speaks https itself.
    let secure: Bool

    init(store: ServerStore, now: @escaping @Sendable () -> Int64, secureCookies: Bool = false) {
        self.store = store
        reads = store.reading
        self.now = now
        secure = secureCookies
        sessions = SessionStorage(SQLPersistDriver(database: store.database, now: now), configuration: .init(
            sessionCookieParameters: .init(name: Self.sessionCookie, path: "/dinas", secure: secureCookies, sameSite: .strict), keyPrefix: "dinas."))
    }

    /// The templates and the stylesheet shipped with the server, read once.
    static let resources: (library: MustacheLibrary, css: String)? = {
        guard let folder = Bundle.module.url(forResource: "web", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path),
              let css = try? String(contentsOf: folder.appendingPathComponent("gaya.css"), encoding: .utf8) else { return nil }
        var templates: [String: MustacheTemplate] = [:]
        for name in names where name.hasSuffix(".mustache") {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8),
                  let template = try? MustacheTemplate(string: text) else { return nil }
            templates[String(name.dropLast(".mustache".count))] = template
        }
        return (MustacheLibrary(templates: templates), css)
    }()

    func add(to router: Router<SyncRequestContext>) {
        router.get("/dinas") { _, _ in Response.redirect(to: "/dinas/cakupan", type: .normal) }
        router.get("/dinas/gaya.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Self.resources?.css ?? "")))
        }
        router.get("/dinas/masuk") { request, _ in try self.loginPage(status: .ok, message: nil, username: "", language: self.language(request)) }
        router.post("/dinas/masuk") { request, context in try await self.login(request, source: context.source) }
        router.post("/dinas/keluar") { request, _ in
            guard try await self.authorised(request, as: CSRFForm.self) != nil else { return Self.toLogin }
            var response = Response.redirect(to: "/dinas/masuk", type: .normal)
            if let cookie = try? await self.sessions.delete(request: request) { response.headers[values: .setCookie].append(cookie.description) }
            return response
        }
        addReports(to: router)
        addConflicts(to: router)
        addSPM(to: router)
        addExports(to: router)
        addStaff(to: router)
        addForms(to: router)
        router.get("/dinas/cakupan") { request, _ in
            guard let session = await self.session(request) else { return Self.toLogin }
            return try await self.coveragePage(session, quietDays: Int(request.uri.queryParameters["diam"] ?? "") ?? 14, language: self.language(request))
        }
    }

    // MARK: Sessions

    static var toLogin: Response { Response.redirect(to: "/dinas/masuk", type: .normal) }

    static let languageCookie = "fieldsync_lang"

    /// The language of the pages for this request: `?lang=` when given (then remembered in a
    /// cookie by `page`), else the remembered one, else Bahasa Indonesia.
    func language(_ request: Request) -> Language {
        Language(tag: request.uri.queryParameters["lang"].map(String.init) ?? request.cookies[Self.languageCookie].map { String($0.value) })
    }

    /// `id` or `en` by `language`.
    static func text(_ language: Language, _ id: String, _ en: String) -> String { language == .en ? en : id }

    /// The request's session, while its staff account is active (disabling one ends its sessions).
    func session(_ request: Request) async -> WebSession? {
        guard let session = try? await sessions.load(request: request),
              let member = try? await store.staff(session.username), member.disabledAt == nil else { return nil }
        return session
    }

    /// The session and the posted form, when the form carries the session's CSRF token; nil
    /// without a session. A wrong or missing token is refused with 403.
    func authorised<Form: Decodable & CSRFCarrying>(_ request: Request, as form: Form.Type) async throws -> (WebSession, Form)? {
        guard let session = await session(request) else { return nil }
        guard let form = try? await Self.form(request, as: Form.self), Self.same(form.csrf, session.csrf) else {
            throw HTTPError(.forbidden, message: "CSRF")
        }
        return (session, form)
    }

    private func login(_ request: Request, source: String) async throws -> Response {
        let language = self.language(request)
        guard let form = try? await Self.form(request, as: LoginForm.self) else {
            return try loginPage(status: .badRequest, message: Self.text(language, "Isi nama pengguna dan kata sandi.", "Fill in the user name and the password."),
                                 username: "", language: language)
        }
        guard let cookie = request.cookies[Self.csrfCookie]?.value, Self.same(form.csrf, String(cookie)) else {
            return try loginPage(status: .forbidden, message: Self.text(language, "Formulir kedaluwarsa atau bukan dari halaman ini. Coba masuk lagi.",
                                                                        "The form expired or did not come from this page. Log in again."),
                                 username: form.pengguna, language: language)
        }
        let member: StaffMember?
        do {
            member = try await store.login(username: form.pengguna.trimmingCharacters(in: .whitespaces), password: form.sandi, source: source, now: now())
        } catch let error as ServerError where error.code == .tooManyAttempts {
            return try loginPage(status: .tooManyRequests, message: error.text[language], username: form.pengguna, language: language)
        }
        guard let member else {
            return try loginPage(status: .unauthorized, message: Self.text(language, "Nama pengguna atau kata sandi salah.", "Wrong user name or password."),
                                 username: form.pengguna, language: language)
        }
        let session = WebSession(username: member.username, name: member.name, role: member.role, csrf: Self.token())
        let sessionCookie = try await sessions.save(session: session, expiresIn: Self.sessionLength)
        var response = Response.redirect(to: "/dinas/cakupan", type: .normal)
        response.headers[values: .setCookie].append(sessionCookie.description)
        return response
    }

    private func loginPage(status: HTTPResponse.Status, message: String?, username: String, language: Language) throws -> Response {
        let token = Self.token()
        var values: [String: Any] = ["judul": Self.text(language, "Masuk", "Log in"), "csrf": token, "pengguna": username, "bahasa": language.rawValue]
        if let message { values["pesan"] = message }
        var response = try Self.page("masuk", status: status, values)
        let cookie = Cookie(name: Self.csrfCookie, value: token, path: "/dinas", secure: secure, httpOnly: true, sameSite: .strict)
        response.headers[values: .setCookie].append(cookie.description)
        return response
    }

    // MARK: Pages

    private func coveragePage(_ session: WebSession, quietDays: Int, language: Language) async throws -> Response {
        let never = Self.text(language, "belum pernah", "never")
        let coverage = try await reads.coverage(now: now(), quietDays: max(0, quietDays))
        let quiet = Set(coverage.quiet)
        let rows: [[String: Any]] = coverage.kelurahan.map { row in
            ["kecamatan": row.kecamatan, "nama": row.name, "kode": row.id, "rumahTangga": row.records["household"] ?? 0,
             "orang": row.records["person"] ?? 0, "entri": row.records["socialmap"] ?? 0, "kunjungan": row.records["visit"] ?? 0,
             "layanan": row.records["service"] ?? 0, "adaPSM": row.psmData]
        }
        let devices: [[String: Any]] = coverage.devices.map { device in
            ["id": device.id, "petugas": device.agent, "sinkron": device.lastSync.map(Self.jakartaTime) ?? never,
             "terbaru": device.newestChange.map(Self.jakartaTime) ?? "-",
             "jalur": device.relayed ? Self.text(language, "lewat relai", "relayed") : Self.text(language, "langsung", "direct"),
             "hari": device.quietDays.map { Self.text(language, "\($0) hari", "\($0) days") } ?? never, "diam": quiet.contains(device.id)]
        }
        let regions = try await reads.regions()
        let kecamatan = regions.filter { $0.level == "kecamatan" }.map { ($0.id, $0.name) }
        let heat = Self.heatTable(kecamatan.map { kec in
            (kec.1, coverage.kelurahan.filter { RegionPath.parent(of: $0.id) == kec.0 }.map { ($0.name, $0.records["household"] ?? 0) })
        }, language: language)
        let summary = Self.text(language, "\(coverage.kelurahan.count) kelurahan · \(coverage.withoutPSM.count) tanpa data PSM · \(coverage.quiet.count) perangkat diam",
                                "\(coverage.kelurahan.count) kelurahan · \(coverage.withoutPSM.count) without PSM data · \(coverage.quiet.count) quiet devices")
        return try Self.page("cakupan", status: .ok, await self.frame(session, language: language, title: Self.text(language, "Cakupan data", "Data coverage"),
                                                              menu: "menuCakupan").merging([
            "peta": heat, "kelurahan": rows, "perangkat": devices, "hariDiam": max(0, quietDays), "ringkasan": summary,
        ]) { $1 })
    }

    /// What every page of a session shows around its content; where its data was read, when
    /// the server reads off a standby.
    func frame(_ session: WebSession, language: Language, title: String, menu: String) async -> [String: Any] {
        var values: [String: Any] = ["judul": title, menu: true, "admin": session.role == .admin, "bahasa": language.rawValue,
                                     "petugas": ["nama": session.name, "peran": session.role.name[language], "csrf": session.csrf]]
        if let standby = store.standby {
            let status = await standby.status()
            values["sumber"] = ["teks": status.text(language), "tertinggal": status.standby == nil || status.behindBytes > 0]
        }
        return values
    }

    /// A page from its template, in the language `values["bahasa"]` names (remembered in a cookie).
    static func page(_ template: String, status: HTTPResponse.Status, _ values: [String: Any]) throws -> Response {
        let language = Language(tag: values["bahasa"] as? String)
        var values = values
        values["t"] = WebText.table(language)
        values["bahasa"] = language.rawValue
        guard let resources, let html = resources.library.render(values, withTemplate: template) else {
            throw ServerError.internalFailure("the page templates are not installed")
        }
        var response = Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ], body: .init(byteBuffer: ByteBuffer(string: html)))
        response.headers[values: .setCookie].append(Cookie(name: languageCookie, value: language.rawValue, path: "/dinas", httpOnly: true,
                                                           sameSite: .strict).description)
        return response
    }

    // MARK: Forms

    static func form<Form: Decodable>(_ request: Request, as type: Form.Type) async throws -> Form {
        let body = try await request.body.collect(upTo: 64 * 1024)
        return try URLEncodedFormDecoder().decode(type, from: String(buffer: body))
    }

    static func token() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// Compares two tokens in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        !a.isEmpty && ServerStore.sameBytes(Data(a.utf8), Data(b.utf8))
    }

    static func jakartaTime(_ milliseconds: Int64) -> String {
        AuditCommand.time(milliseconds, zone: "Asia/Jakarta", format: "yyyy-MM-dd HH:mm")
    }
}

protocol CSRFCarrying { var csrf: String { get } }

struct CSRFForm: Decodable, CSRFCarrying { var csrf: String }

struct LoginForm: Decodable, CSRFCarrying {
    var csrf: String
    var pengguna: String
    var sandi: String
}
