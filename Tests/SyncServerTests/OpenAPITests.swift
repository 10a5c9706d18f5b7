import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SyncServer
import SyncEngine
import Testing

/// Keeps `/openapi.yaml` true: it names exactly the routes the server answers, and the fields
/// it marks required are in the real answers.
@Suite("OpenAPI document matches the server")
struct OpenAPITests {
    /// `path → [method]` as the document lists them.
    static func documentedOperations() -> [String: [String]] {
        var out: [String: [String]] = [:]
        var current: String?
        for line in OpenAPIDocument.yaml.split(separator: "\n") {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
            } else if let path = current, line.hasPrefix("    "), !line.hasPrefix("     "), line.hasSuffix(":") {
                out[path, default: []].append(line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: ""))
            } else if !line.hasPrefix(" ") {
                current = nil
            }
        }
        return out
    }

    /// The `required:` list of a component schema.
    static func required(_ schema: String) -> [String] {
        let lines = OpenAPIDocument.yaml.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(of: "    \(schema):") else { return [] }
        for line in lines[(start + 1)...].prefix(3) where line.contains("required: [") {
            let inside = line.split(separator: "[")[1].split(separator: "]")[0]
            return inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return []
    }

    @Test("Every documented operation exists, and an undocumented address is a JSON 404")
    func documentedRoutesExist() async throws {
        let store = try await StoreKind.sqlite.openStore()
        let app = Application(router: SyncRoutes(store: store).router())
        let operations = Self.documentedOperations()
        #expect(Set(operations.keys) == ["/openapi.yaml", "/v1/info", "/v1/enroll", "/v1/session", "/v1/push", "/v1/pull", "/v1/digests", "/v1/nonce",
                                         "/v1/attachments/offer", "/v1/attachments/chunk/{digest}/{offset}", "/v1/attachments/want", "/v1/attachments/fetch"])
        try await app.test(.router) { client in
            for (path, methods) in operations {
                for method in methods {
                    let response = try await client.execute(uri: path, method: method == "get" ? .get : .post, body: ByteBuffer(string: "{}"))
                    #expect(response.status != .notFound && response.status != .methodNotAllowed, "\(method) \(path)")
                    #expect(response.status.code < 500, "\(method) \(path)")
                }
            }
            let missing = try await client.execute(uri: "/v1/nothing", method: .get)
            #expect(missing.status == .notFound)
            let body = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: missing.body))
            #expect(body.error.code == "not_found")
        }
        await store.database.close()
    }

    @Test("Real answers carry every field the document marks required")
    func answersFitSchemas() async throws {
        let store = try await StoreKind.sqlite.openStore()
        let agent = AgentProfile(id: "A-1", name: "Siti", role: .psm, area: "33.74.11.1006")
        try await store.addAgent(agent, now: 0)
        let template = TestDevice(agent: agent)
        let code = try await store.issueCode(for: agent.id, now: 0)
        let app = Application(router: SyncRoutes(store: store, now: { 1 }).router())
        try await app.test(.router) { client in
            let caller = Caller(client: client)
            var device = template
            func keys(_ response: TestResponse) throws -> Set<String> {
                Set(try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]).keys)
            }
            let info = try await client.execute(uri: "/v1/info", method: .get)
            #expect(try keys(info).isSuperset(of: Self.required("ServerInfo")))
            let enrolled = try await caller.post("/v1/enroll", EnrollRequest(code: code, publicKey: device.publicKey, deviceName: "x",
                                                                               replica: device.replica), as: nil)
            #expect(try keys(enrolled).isSuperset(of: Self.required("EnrollResponse")))
            device.id = try caller.decode(EnrollResponse.self, enrolled).device
            let session = try await caller.post("/v1/session", SessionRequest(replica: device.replica), as: device)
            #expect(try keys(session).isSuperset(of: Self.required("SessionResponse")))
            let push = try await caller.post("/v1/push", try device.push("b", Sample.household(
                "H-1", area: agent.area, replica: device.replica, start: 1, agent: agent.id)), as: device)
            #expect(try keys(push).isSuperset(of: Self.required("PushResponse")))
            let pull = try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector()), as: device)
            #expect(try keys(pull).isSuperset(of: Self.required("PullResponse")))
            let page = try #require(try JSONSerialization.jsonObject(with: Data(buffer: pull.body)) as? [String: Any])
            let change = try #require(page["changes"] as? [[String: Any]])
            #expect(Set(change[0].keys).isSuperset(of: Self.required("Change")))
            let seal = try #require(page["seals"] as? [[String: Any]])
            #expect(Set(seal[0].keys).isSuperset(of: Self.required("OriginSeal")))
            let certificate = try #require(page["certificates"] as? [[String: Any]])
            #expect(Set(certificate[0].keys).isSuperset(of: Self.required("ReplicaCertificate")))
            let digests = try await caller.post("/v1/digests", DigestsRequest(replica: device.replica, after: 0), as: device)
            #expect(try keys(digests).isSuperset(of: Self.required("DigestsResponse")))
            #expect(try caller.decode(DigestsResponse.self, digests).digests.count == change.count)
            let refused = try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector()), as: nil)
            #expect(try keys(refused) == ["error"])
            #expect(!Self.required("Change").isEmpty && !Self.required("PullResponse").isEmpty)
        }
        await store.database.close()
    }

    @Test("Every error code is one of ErrorCode, and the document lists them all as an enum")
    func errorCodesAreAClosedSet() throws {
        let line = try #require(OpenAPIDocument.yaml.split(separator: "\n").first { $0.contains("code: {type: string, enum: [") })
        let listed = line.split(separator: "[")[1].split(separator: "]")[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(listed == ErrorCode.allCases.map(\.rawValue))
        #expect(Set(listed).count == listed.count)
    }
}

