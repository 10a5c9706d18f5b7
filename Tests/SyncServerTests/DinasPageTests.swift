import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import SyncServer
import SyncEngine
import Testing

/// The Dinas pages' door: staff log in with a bcrypt-checked password, the session lives in
/// the store (two server instances share it), every form carries its CSRF token, sessions end
/// at logout, at expiry and when the account is disabled, and failed logins are limited.
@Suite("Dinas pages: login, sessions in the store, CSRF", .serialized)
struct DinasPageTests {
    final class TestClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Int64 = 1_800_000_000_000
        var now: Int64 { lock.withLock { value } }
        func advance(_ milliseconds: Int64) { lock.withLock { value += milliseconds } }
    }

    /// A browser's cookie jar, enough for these pages.
    struct Browser {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]

        mutating func get(_ path: String) async throws -> TestResponse {
            let response = try await client.execute(uri: path, method: .get, headers: cookieHeader)
            keep(response)
            return response
        }

        mutating func post(_ path: String, _ form: [String: String]) async throws -> TestResponse {
            var headers = cookieHeader
            headers[.contentType] = "application/x-www-form-urlencoded"
            let body = form.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
            let response = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
            keep(response)
            return response
        }

        var cookieHeader: HTTPFields {
            cookies.isEmpty ? [:] : [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        }

        mutating func keep(_ response: TestResponse) {
            for line in response.headers[values: .setCookie] {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else { continue }
                if line.contains("Expires=Thu, 01 Jan 1970") || line.contains("Max-Age=0") || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
        }

        /// The CSRF token a page's form carries.
        static func token(_ response: TestResponse) throws -> String {
            let html = String(buffer: response.body)
            let range = try #require(html.range(of: #"name="csrf" value="[0-9a-f]{64}""#, options: .regularExpression))
            return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }

        /// Logs in through the login page.
        mutating func login(_ username: String, _ password: String) async throws -> TestResponse {
            let page = try await get("/dinas/masuk")
            return try await post("/dinas/masuk", ["csrf": try Self.token(page), "pengguna": username, "sandi": password])
        }
    }

    static let password = "rahasia-dinas-1"

    @Test("A login makes a session another server process honours; a form without its token is refused; logout, expiry and a disabled account end it",
          arguments: StoreKind.available)
    func sessions(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addStaff(username: "rina", name: "Rina Wulandari", role: .operator, password: Self.password, now: 0)
            let clock = TestClock()
            let first = Application(router: SyncRoutes(store: store, now: { clock.now }).router())
            let second = Application(router: SyncRoutes(store: store, now: { clock.now }).router())
            try await first.test(.router) { one in
                try await second.test(.router) { other in
                    var browser = Browser(client: one)
                    let away = try await browser.get("/dinas/cakupan")
                    #expect(away.status == .seeOther && away.headers[.location] == "/dinas/masuk")

                    // The login form's token must match its cookie.
                    let page = try await browser.get("/dinas/masuk")
                    #expect(page.status == .ok && String(buffer: page.body).contains("Kata sandi"))
                    var stranger = Browser(client: one)
                    let forged = try await stranger.post("/dinas/masuk", ["csrf": try Browser.token(page), "pengguna": "rina", "sandi": Self.password])
                    #expect(forged.status == .forbidden && stranger.cookies["fieldsync_dinas"] == nil, "a token without its cookie")
                    let wrong = try await browser.login("rina", "salah-sekali-123")
                    #expect(wrong.status == .unauthorized && String(buffer: wrong.body).contains("kata sandi salah"))
                    let done = try await browser.login("rina", Self.password)
                    #expect(done.status == .seeOther && done.headers[.location] == "/dinas/cakupan")
                    let cookie = try #require(browser.cookies["fieldsync_dinas"])
                    #expect(done.headers[values: .setCookie].contains { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })

                    // Another server process over the same store knows the session.
                    var elsewhere = Browser(client: other, cookies: browser.cookies)
                    let coverage = try await elsewhere.get("/dinas/cakupan")
                    #expect(coverage.status == .ok && String(buffer: coverage.body).contains("Srondol Kulon") && String(buffer: coverage.body).contains("Rina Wulandari"))
                    let keys = try await store.database.transaction { db in try await db.query("SELECT key FROM web_store").map { try $0.text("key") } }
                    #expect(!keys.contains { $0.contains(cookie) || $0.contains("dinas.") }, "the store keeps digests, never the cookie")

                    let noToken = try await elsewhere.post("/dinas/keluar", ["csrf": String(repeating: "0", count: 64)])
                    #expect(noToken.status == .forbidden)
                    #expect(try await elsewhere.get("/dinas/cakupan").status == .ok, "a refused logout leaves the session")
                    let out = try await elsewhere.post("/dinas/keluar", ["csrf": try Browser.token(coverage)])
                    #expect(out.status == .seeOther)
                    #expect(try await browser.get("/dinas/cakupan").status == .seeOther, "logged out on every process")

                    _ = try await browser.login("rina", Self.password)
                    #expect(try await browser.get("/dinas/cakupan").status == .ok)
                    clock.advance(8 * 3_600_000 + 60_000)
                    #expect(try await browser.get("/dinas/cakupan").status == .seeOther, "expired after eight hours")

                    _ = try await browser.login("rina", Self.password)
                    #expect(try await browser.get("/dinas/cakupan").status == .ok)
                    #expect(try await store.disableStaff("rina", now: clock.now))
                    #expect(try await browser.get("/dinas/cakupan").status == .seeOther, "a disabled account's sessions end")
                    #expect(try await browser.login("rina", Self.password).status == .unauthorized)
                }
            }
        }
    }

    @Test("Failed logins from one address are limited, then refused even with the right password; accounts are checked at the door",
          arguments: StoreKind.available)
    func limits(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addStaff(username: "budi", name: "Budi", role: .viewer, password: Self.password, now: 0)
            await #expect(throws: ServerError.self) { try await store.addStaff(username: "budi", name: "B", role: .viewer, password: Self.password, now: 0) }
            await #expect(throws: ServerError.self) { try await store.addStaff(username: "Budi Santoso", name: "B", role: .viewer, password: Self.password, now: 0) }
            await #expect(throws: ServerError.self) { try await store.addStaff(username: "pendek", name: "P", role: .viewer, password: "123", now: 0) }
            let clock = TestClock()
            try await Application(router: SyncRoutes(store: store, now: { clock.now }).router()).test(.router) { client in
                var browser = Browser(client: client)
                for attempt in 0..<ServerStore.maxFailedLogins {
                    #expect(try await browser.login(attempt % 2 == 0 ? "budi" : "tidak-ada", "salah-\(attempt)-xxxx").status == .unauthorized)
                }
                let limited = try await browser.login("budi", Self.password)
                #expect(limited.status == .tooManyRequests && String(buffer: limited.body).contains("15 menit"))
                clock.advance(ServerStore.loginWindow + 1)
                #expect(try await browser.login("budi", Self.password).status == .seeOther)
            }
        }
    }

    @Test("Only an admin manages accounts on the page: adds one who can then log in, disables one whose session ends; others are refused",
          arguments: StoreKind.available)
    func staffPage(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addStaff(username: "adi", name: "Adi", role: .admin, password: Self.password, now: 0)
            try await store.addStaff(username: "vina", name: "Vina", role: .viewer, password: Self.password, now: 0)
            let clock = TestClock()
            try await Application(router: SyncRoutes(store: store, now: { clock.now }).router()).test(.router) { client in
                var viewer = Browser(client: client)
                _ = try await viewer.login("vina", Self.password)
                let refused = try await viewer.get("/dinas/staf")
                #expect(refused.status == .forbidden && !String(buffer: refused.body).contains("Tambah akun"))
                #expect(!String(buffer: try await viewer.get("/dinas/cakupan").body).contains("Akun staf"), "no menu entry for a viewer")
                let sneaky = try await viewer.post("/dinas/staf/tambah", ["csrf": try Browser.token(try await viewer.get("/dinas/cakupan")), "pengguna": "mallory",
                                                                          "nama": "M", "peran": "admin", "sandi": "rahasia-mallory"])
                #expect(sneaky.status == .forbidden)

                var admin = Browser(client: client)
                _ = try await admin.login("adi", Self.password)
                let page = try await admin.get("/dinas/staf")
                #expect(page.status == .ok && String(buffer: page.body).contains("vina"))
                let token = try Browser.token(page)
                let short = try await admin.post("/dinas/staf/tambah", ["csrf": token, "pengguna": "budi", "nama": "Budi", "peran": "operator", "sandi": "pendek"])
                #expect(short.status == .badRequest && String(buffer: short.body).contains("minimal 10"))
                #expect(try await admin.post("/dinas/staf/tambah", ["csrf": token, "pengguna": "budi", "nama": "Budi", "peran": "operator",
                                                                    "sandi": "rahasia-budi-1"]).status == .seeOther)
                var budi = Browser(client: client)
                #expect(try await budi.login("budi", "rahasia-budi-1").status == .seeOther)
                #expect(try await admin.post("/dinas/staf/nonaktifkan", ["csrf": token, "pengguna": "vina"]).status == .seeOther)
                #expect(try await viewer.get("/dinas/cakupan").status == .seeOther, "the disabled account's session ends")
                #expect(try await admin.post("/dinas/staf/nonaktifkan", ["csrf": token, "pengguna": "adi"]).status == .conflict)
                #expect(try await store.staff().map(\.username) == ["adi", "budi", "vina"],
                        "nobody else was added")
            }
        }
    }

    @Test("Served over https, the login and session cookies are marked Secure; over plain HTTP they are not", arguments: StoreKind.available)
    func secureCookies(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.addStaff(username: "rina", name: "Rina", role: .viewer, password: Self.password, now: 0)
            for secure in [true, false] {
                try await Application(router: SyncRoutes(store: store, secureCookies: secure).router()).test(.router) { client in
                    var browser = Browser(client: client)
                    let page = try await browser.get("/dinas/masuk")
                    let done = try await browser.post("/dinas/masuk", ["csrf": try Browser.token(page), "pengguna": "rina", "sandi": Self.password])
                    let cookies = page.headers[values: .setCookie].filter { $0.hasPrefix("fieldsync_csrf=") }
                        + done.headers[values: .setCookie].filter { $0.hasPrefix("fieldsync_dinas=") }
                    #expect(cookies.count == 2 && cookies.allSatisfy { $0.contains("; Secure") == secure }, "\(secure): \(cookies)")
                }
            }
        }
    }
}

