import Crypto
import FieldModels
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import SyncServer
import SyncEngine
import Testing
import WireCodec

/// Calls a router in process, signing as a device.
struct Caller {
    let client: any TestClientProtocol

    func post(_ path: String, _ body: some Encodable, as device: TestDevice?, signWith key: Curve25519.Signing.PrivateKey? = nil,
              gzip: Bool = false) async throws -> TestResponse {
        let json = try JSONEncoder().encode(body)
        return try await post(path, raw: json, as: device, signWith: key, gzip: gzip)
    }

    func post(_ path: String, raw json: Data, as device: TestDevice?, signWith key: Curve25519.Signing.PrivateKey? = nil,
              gzip: Bool = false) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let device {
            let signed = try RequestSignature.headers(method: "POST", path: path, device: device.id, nonce: try await nonce(), body: json,
                                                      key: key ?? device.key)
            for (name, value) in signed { headers[HTTPField.Name(name)!] = value }
        }
        var body = json
        if gzip {
            body = try Gzip.compress(json)
            headers[.contentEncoding] = "gzip"
        }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    /// A fresh nonce from the server.
    func nonce() async throws -> String {
        let response = try await client.execute(uri: "/v1/nonce", method: .post, body: ByteBuffer(string: "{}"))
        return try decode(NonceResponse.self, response).nonce
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: response.body))
    }

    func errorCode(_ response: TestResponse) throws -> String {
        try decode(ErrorBody.self, response).error.code
    }

    /// Every page of a pull, from nothing known.
    func pullAll(as device: TestDevice, knowledge: VersionVector = VersionVector(), pageSize: Int) async throws -> [[Change]] {
        var pages: [[Change]] = []
        var request = PullRequest(knowledge: knowledge, maxChanges: pageSize)
        while true {
            let response = try await post("/v1/pull", request, as: device)
            #expect(response.status == .ok)
            let page = try decode(PullResponse.self, response)
            pages.append(page.changes)
            guard let next = page.next else { return pages }
            request = PullRequest(knowledge: knowledge, upTo: page.upTo, after: next, maxChanges: pageSize)
        }
    }
}

@Suite("Sync server router: enrolment, signatures, scopes, idempotent batches, paged pulls")
struct RouterTests {
    static let psm = AgentProfile(id: "A-PSM", name: "Siti", role: .psm, area: Sample.srondol)
    static let tksk = AgentProfile(id: "A-TKSK", name: "Bambang", role: .tksk, area: "33.74.11")
    static let dinas = AgentProfile(id: "A-DINAS", name: "Operator", role: .dinas, area: "33.74")
    static let pkh = AgentProfile(id: "A-PKH", name: "Dewi", role: .pkhPendamping, area: "33.74.11", families: ["H-1"])

    /// A store with the four agents, one enrolled device each, and the router's client.
    func withServer(_ kind: StoreKind, _ body: @Sendable (ServerStore, Caller, [String: TestDevice]) async throws -> Void) async throws {
        let store = try await kind.openStore()
        var devices: [String: TestDevice] = [:]
        for agent in [Self.psm, Self.tksk, Self.dinas, Self.pkh] {
            try await store.addAgent(agent, now: 0)
            var device = TestDevice(agent: agent)
            try await device.enroll(in: store)
            devices[agent.id] = device
        }
        let app = Application(router: SyncRoutes(store: store, now: { 5_000 }).router())
        let frozen = devices
        try await app.test(.router) { client in try await body(store, Caller(client: client), frozen) }
        await store.database.close()
    }

    @Test("An enrolment code works once; a wrong or spent code is refused with a JSON error", arguments: StoreKind.available)
    func enrolmentCodeIsSingleUse(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, _ in
            let code = try await store.issueCode(for: Self.psm.id, now: 1_000)
            let device = TestDevice(agent: Self.psm)
            let request = EnrollRequest(code: code.lowercased(), publicKey: device.publicKey, deviceName: "laptop", replica: device.replica)
            let first = try await caller.post("/v1/enroll", request, as: nil)
            #expect(first.status == .ok)
            let answer = try caller.decode(EnrollResponse.self, first)
            #expect(answer.scope == SyncScope(kind: .area, area: Sample.srondol))
            let again = try await caller.post("/v1/enroll", EnrollRequest(code: code, publicKey: TestDevice(agent: Self.psm).publicKey,
                                                                         deviceName: "other", replica: .random()), as: nil)
            #expect(again.status == .forbidden)
            #expect(try caller.errorCode(again) == "invalid_code")
            let bad = try await caller.post("/v1/enroll", raw: Data("{\"code\": 5}".utf8), as: nil)
            #expect(bad.status == .badRequest)
            #expect(try caller.errorCode(bad) == "bad_json")
        }
    }

    @Test("Unsigned, forged and revoked requests are refused", arguments: StoreKind.available)
    func signaturesAndRevocation(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let psm = devices[Self.psm.id]!
            let session = SessionRequest(replica: psm.replica)
            #expect(try await caller.post("/v1/session", session, as: psm).status == .ok)
            let unsigned = try await caller.post("/v1/session", session, as: nil)
            #expect(unsigned.status == .unauthorized)
            #expect(try caller.errorCode(unsigned) == "unsigned")
            let forged = try await caller.post("/v1/session", session, as: psm, signWith: Curve25519.Signing.PrivateKey())
            #expect(forged.status == .unauthorized)
            #expect(try caller.errorCode(forged) == "bad_signature")
            try await store.revoke(psm.id, now: 9_000)
            let revoked = try await caller.post("/v1/session", session, as: psm)
            #expect(revoked.status == .forbidden)
            #expect(try caller.errorCode(revoked) == "device_revoked")
        }
    }

    @Test("A batch with one change outside the agent's scope is refused whole", arguments: StoreKind.available)
    func outsideScopeRefusesWholeBatch(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let psm = devices[Self.psm.id]!
            let mine = Sample.household("H-1", area: Sample.srondol, replica: psm.replica, start: 1, agent: Self.psm.id)
            let other = Sample.household("H-2", area: Sample.pudak, replica: psm.replica, start: UInt64(mine.count + 1), agent: Self.psm.id)
            let refused = try await caller.post("/v1/push", try psm.push("b-1", mine + other), as: psm)
            #expect(refused.status == .forbidden)
            #expect(try caller.errorCode(refused) == "outside_scope")
            #expect(try await store.vector() == VersionVector())
            let accepted = try await caller.post("/v1/push", try psm.push("b-2", mine), as: psm)
            #expect(try caller.decode(PushResponse.self, accepted).accepted == mine.count)
        }
    }

    @Test("The same batch twice is applied once; a batch id or a dot reused for other content is refused", arguments: StoreKind.available)
    func idempotentBatches(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let psm = devices[Self.psm.id]!
            let changes = Sample.household("H-1", members: 2, area: Sample.srondol, replica: psm.replica, start: 1, agent: Self.psm.id)
            let first = try caller.decode(PushResponse.self, try await caller.post("/v1/push", try psm.push("b-1", changes), as: psm))
            let second = try caller.decode(PushResponse.self, try await caller.post("/v1/push", try psm.push("b-1", changes), as: psm))
            #expect(first == PushResponse(batch: "b-1", accepted: changes.count, duplicate: false))
            #expect(second == PushResponse(batch: "b-1", accepted: changes.count, duplicate: true))
            // The same changes in a new batch (a retry after a lost answer): nothing new.
            let third = try caller.decode(PushResponse.self, try await caller.post("/v1/push", try psm.push("b-2", changes), as: psm))
            #expect(third.accepted == 0)
            #expect(try await store.vector() == VersionVector([psm.replica: UInt64(changes.count)]))
            let reusedID = try await caller.post("/v1/push", try psm.push("b-1", Array(changes.prefix(2))), as: psm)
            #expect(reusedID.status == .conflict)
            #expect(try caller.errorCode(reusedID) == "batch_reused")
            var rewound = changes[0]
            rewound.value = .text("Jl. Lain")
            let reusedDot = try await caller.post("/v1/push", try psm.push("b-3", [rewound]), as: psm)
            #expect(reusedDot.status == .conflict)
            #expect(try caller.errorCode(reusedDot) == "dot_reused")
        }
    }

    // Found by schemathesis signing its requests (scripts/api-check): a counter above Int64.max
    // trapped the server when it was bound into SQL.
    @Test("Counters beyond a SQL integer are refused as bad JSON, in a push and in a pull", arguments: StoreKind.available)
    func oversizedCountersAreRefused(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let psm = devices[Self.psm.id]!
            let huge = Sample.household("H-1", area: Sample.srondol, replica: psm.replica, start: Dot.maxCounter + 1, agent: Self.psm.id)
            let push = try await caller.post("/v1/push", try psm.push("b-1", huge), as: psm)
            #expect(push.status == .badRequest)
            #expect(try caller.errorCode(push) == "bad_json")
            let knowledge = try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector([psm.replica: .max])), as: psm)
            #expect(knowledge.status == .badRequest)
            let after = try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector(), upTo: VersionVector(),
                                                                     after: Dot(psm.replica, .max)), as: psm)
            #expect(after.status == .badRequest)
            #expect(try await store.vector() == VersionVector())
            let highest = Sample.household("H-2", area: Sample.srondol, replica: psm.replica, start: Dot.maxCounter - 4, agent: Self.psm.id)
            let accepted = try await caller.post("/v1/push", try psm.push("b-2", highest), as: psm)
            #expect(try caller.decode(PushResponse.self, accepted).accepted == highest.count)
            #expect(try await caller.pullAll(as: devices[Self.dinas.id]!, pageSize: 10).joined().count == highest.count)
        }
    }

    @Test("Pulls come in pages that never split a transaction, and only from the agent's scope", arguments: StoreKind.available)
    func pagedPullsStayInScope(kind: StoreKind) async throws {
        try await withServer(kind) { _, caller, devices in
            let dinas = devices[Self.dinas.id]!
            var all: [Change] = []
            for (index, area) in [Sample.srondol, Sample.pudak, Sample.tembalang, Sample.srondol, Sample.pudak].enumerated() {
                all += Sample.household("H-\(index)", members: index % 3 + 1, area: area, replica: dinas.replica,
                                        start: UInt64(all.count + 1), agent: Self.dinas.id)
            }
            #expect(try await caller.post("/v1/push", try dinas.push("all", all), as: dinas).status == .ok)
            for (agent, areas) in [(Self.psm.id, [Sample.srondol]), (Self.tksk.id, [Sample.srondol, Sample.pudak]),
                                   (Self.dinas.id, [Sample.srondol, Sample.pudak, Sample.tembalang])] {
                let pages = try await caller.pullAll(as: devices[agent]!, pageSize: 4)
                let received = pages.flatMap { $0 }
                #expect(Set(received) == Set(all.filter { areas.contains($0.area) }), "\(agent)")
                #expect(received.count == Set(received.map(\.dot)).count, "no change twice")
                let sizes = Dictionary(grouping: all, by: \.transaction).mapValues(\.count)
                for page in pages {
                    for (transaction, changes) in Dictionary(grouping: page, by: \.transaction) {
                        #expect(changes.count == sizes[transaction], "transaction \(transaction) whole in one page")
                    }
                }
            }
        }
    }

    @Test("A PKH pendamping reads and writes only its assigned families", arguments: StoreKind.available)
    func pkhFamilies(kind: StoreKind) async throws {
        try await withServer(kind) { _, caller, devices in
            let dinas = devices[Self.dinas.id]!, pkh = devices[Self.pkh.id]!
            let assigned = Sample.household("H-1", members: 2, area: Sample.srondol, replica: dinas.replica, start: 1, agent: Self.dinas.id)
            let other = Sample.household("H-2", members: 1, area: Sample.srondol, replica: dinas.replica,
                                         start: UInt64(assigned.count + 1), agent: Self.dinas.id)
            #expect(try await caller.post("/v1/push", try dinas.push("d", assigned + other), as: dinas).status == .ok)
            let received = try await caller.pullAll(as: pkh, pageSize: 100).flatMap { $0 }
            #expect(Set(received) == Set(assigned))
            func visit(_ counter: UInt64, person: String) -> Change {
                Change(dot: Dot(pkh.replica, counter), transaction: Dot(pkh.replica, counter), recordType: .person, recordID: person,
                       area: Sample.srondol, field: "status", value: .text("pindah"), supersedes: [], lamport: 99, wallTime: 0, agent: Self.pkh.id)
            }
            let ok = try await caller.post("/v1/push", try pkh.push("p1", [visit(1, person: "P-1M0")]), as: pkh)
            #expect(ok.status == .ok)
            let refused = try await caller.post("/v1/push", try pkh.push("p2", [visit(2, person: "P-2M0")]), as: pkh)
            #expect(refused.status == .forbidden)
            #expect(try caller.errorCode(refused) == "outside_scope")
        }
    }

    @Test("Bodies may be gzip; an oversized or inflating-too-far body is refused with 413", arguments: StoreKind.available)
    func compressedAndBoundedBodies(kind: StoreKind) async throws {
        try await withServer(kind) { _, caller, devices in
            let psm = devices[Self.psm.id]!
            let changes = Sample.household("H-1", members: 20, area: Sample.srondol, replica: psm.replica, start: 1, agent: Self.psm.id)
            let packed = try await caller.post("/v1/push", try psm.push("gz", changes), as: psm, gzip: true)
            #expect(try caller.decode(PushResponse.self, packed).accepted == changes.count)
            let bomb = Data(repeating: 0x20, count: WireProtocol.maxInflatedBytes + 1024)
            let refused = try await caller.post("/v1/push", raw: bomb, as: psm, gzip: true)
            #expect(refused.status == .contentTooLarge)
            #expect(try caller.errorCode(refused) == "body_too_large")
        }
    }

    @Test("A pull continued with its first page's upTo ignores later pushes; the next pull brings them", arguments: StoreKind.available)
    func pullSnapshotIsStable(kind: StoreKind) async throws {
        try await withServer(kind) { _, caller, devices in
            let dinas = devices[Self.dinas.id]!, psm = devices[Self.psm.id]!
            let first = Sample.household("H-1", members: 3, area: Sample.srondol, replica: dinas.replica, start: 1, agent: "A-DINAS")
            _ = try await caller.post("/v1/push", try dinas.push("1", first), as: dinas)
            let page = try caller.decode(PullResponse.self, try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector(), maxChanges: 1), as: psm))
            let later = Sample.household("H-9", area: Sample.srondol, replica: dinas.replica, start: UInt64(first.count + 1), agent: "A-DINAS")
            _ = try await caller.post("/v1/push", try dinas.push("2", later), as: dinas)
            let rest = try caller.decode(PullResponse.self, try await caller.post(
                "/v1/pull", PullRequest(knowledge: VersionVector(), upTo: page.upTo, after: page.next, maxChanges: 100), as: psm))
            #expect(Set(page.changes + rest.changes) == Set(first))
            #expect(rest.next == nil)
            let fresh = try caller.decode(PullResponse.self, try await caller.post(
                "/v1/pull", PullRequest(knowledge: VersionVector().union(page.upTo), maxChanges: 100), as: psm))
            #expect(Set(fresh.changes) == Set(later))
        }
    }

    @Test("A device learns the server's counters only for its agent's replicas, the replicas it names, and those with changes in its scope",
          arguments: StoreKind.available)
    func sessionAndPullDiscloseLittle(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let dinas = devices[Self.dinas.id]!, psm = devices[Self.psm.id]!, pkh = devices[Self.pkh.id]!
            // Two other writers: one only ever in Bulusan (outside the PSM's scope), one in Srondol Kulon.
            var bulusanWriter = TestDevice(agent: Self.dinas), srondolWriter = TestDevice(agent: Self.dinas)
            try await bulusanWriter.enroll(in: store)
            try await srondolWriter.enroll(in: store)
            let far = Sample.household("H-9", area: Sample.tembalang, replica: bulusanWriter.replica, start: 1, agent: Self.dinas.id)
            let near = Sample.household("H-8", area: Sample.srondol, replica: srondolWriter.replica, start: 1, agent: Self.dinas.id)
            #expect(try await caller.post("/v1/push", try bulusanWriter.push("far", far), as: bulusanWriter).status == .ok)
            #expect(try await caller.post("/v1/push", try srondolWriter.push("near", near), as: srondolWriter).status == .ok)

            let bare = try caller.decode(SessionResponse.self, try await caller.post("/v1/session", SessionRequest(replica: psm.replica), as: psm))
            #expect(Set(bare.serverVector.counters.keys).isSubset(of: [psm.replica]), "no other replica's activity")
            let named = try caller.decode(SessionResponse.self, try await caller.post(
                "/v1/session", SessionRequest(replica: psm.replica, replicas: [srondolWriter.replica]), as: psm))
            #expect(named.serverVector.counters == [srondolWriter.replica: UInt64(near.count)])
            #expect(named.own.map(\.replica) == [psm.replica])

            let page = try caller.decode(PullResponse.self, try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector()), as: psm))
            #expect(Set(page.upTo.counters.keys) == [srondolWriter.replica], "upTo names only replicas with changes in scope")
            #expect(page.certificates.map(\.replica) == [srondolWriter.replica])
            let families = try caller.decode(PullResponse.self, try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector()), as: pkh))
            #expect(families.upTo.counters.isEmpty, "H-1 holds nothing yet: the PKH scope shows no replica")
            let all = try caller.decode(PullResponse.self, try await caller.post("/v1/pull", PullRequest(knowledge: VersionVector()), as: dinas))
            #expect(Set(all.upTo.counters.keys) == [srondolWriter.replica, bulusanWriter.replica])
        }
    }

    @Test("Enrolment codes: a new code voids the older ones, an expired code fails, and wrong codes make a source wait, longer each time",
          arguments: StoreKind.available)
    func enrolmentCodesCannotBeGuessed(kind: StoreKind) async throws {
        let store = try await kind.openStore()
        try await store.addAgent(Self.psm, now: 0)
        func attempt(_ code: String, at now: Int64, from source: String = "10.0.0.9") async -> String {
            let device = TestDevice(agent: Self.psm)
            do {
                _ = try await store.enroll(EnrollRequest(code: code, publicKey: device.publicKey, deviceName: "x", replica: device.replica),
                                           source: source, now: now)
                return "ok"
            } catch let error as ServerError {
                return error.code.rawValue + (error.retryAfter.map { ":\($0)" } ?? "")
            } catch {
                return "\(error)"
            }
        }
        let old = try await store.issueCode(for: Self.psm.id, now: 1_000)
        let current = try await store.issueCode(for: Self.psm.id, now: 2_000, validFor: 60_000)
        #expect(try await store.liveCodes(agent: Self.psm.id, now: 3_000).count == 1)
        #expect(await attempt(old, at: 3_000, from: "10.0.0.1") == "invalid_code", "issuing a new code voided the old one")
        #expect(await attempt(current, at: 62_001, from: "10.0.0.1") == "invalid_code", "expired")

        let fresh = try await store.issueCode(for: Self.psm.id, now: 100_000)
        var results: [String] = []
        for index in 0..<9 { results.append(await attempt("WRNG-C0DE-\(String(format: "%04d", index))", at: 100_000 + Int64(index))) }
        #expect(results.prefix(5).allSatisfy { $0 == "invalid_code" })
        #expect(results[5].hasPrefix("too_many_attempts:"), "the sixth wrong code in a row waits: \(results)")
        #expect(await attempt(fresh, at: 100_100).hasPrefix("too_many_attempts"), "even the right code waits its turn")
        #expect(await attempt(fresh, at: 100_100, from: "10.0.0.10") == "ok", "another address is not held up")
        let again = try await store.issueCode(for: Self.psm.id, now: 200_000)
        #expect(await attempt("WRNG-C0DE-XXXX", at: 200_000) == "invalid_code", "after the minute, one more try")
        let waited = await attempt(again, at: 200_001)
        #expect(waited == "too_many_attempts:120", "the wait doubles: \(waited)")
        #expect(await attempt(again, at: 320_001) == "ok")
        let failures = try await store.auditEntries(kind: "code_failed")
        #expect(failures.filter { $0.source == "10.0.0.9" }.count == 6 && failures.count == 8)
        #expect(try await store.auditEntries(kind: "enrolled").count == 2)
        await store.database.close()
    }

    @Test("A signed request is good once: a recorded push or pull sent again is refused, and a stale or made-up nonce too",
          arguments: StoreKind.available)
    func replaysAreRefused(kind: StoreKind) async throws {
        try await withServer(kind) { store, caller, devices in
            let psm = devices[Self.psm.id]!
            func recorded(_ path: String, _ body: some Encodable) async throws -> (Data, HTTPFields) {
                let json = try JSONEncoder().encode(body)
                var headers: HTTPFields = [.contentType: "application/json"]
                for (name, value) in try RequestSignature.headers(method: "POST", path: path, device: psm.id, nonce: try await caller.nonce(),
                                                                  body: json, key: psm.key) {
                    headers[HTTPField.Name(name)!] = value
                }
                return (json, headers)
            }
            func send(_ path: String, _ request: (Data, HTTPFields)) async throws -> TestResponse {
                try await caller.client.execute(uri: path, method: .post, headers: request.1, body: ByteBuffer(bytes: request.0))
            }
            let push = try await recorded("/v1/push", try psm.push("b-1", Sample.household("H-1", area: Sample.srondol, replica: psm.replica,
                                                                                              start: 1, agent: Self.psm.id)))
            let first = try await send("/v1/push", push)
            #expect(first.status == .ok)
            #expect(first.headers[HTTPField.Name(RequestSignature.nextNonceHeader)!] != nil, "each answer brings the next nonce")
            let vector = try await store.vector()
            let again = try await send("/v1/push", push)
            #expect(again.status == .unauthorized)
            #expect(try caller.errorCode(again) == "replayed")
            #expect(try await store.vector() == vector)

            let pull = try await recorded("/v1/pull", PullRequest(knowledge: VersionVector()))
            #expect(try await send("/v1/pull", pull).status == .ok)
            let replayed = try await send("/v1/pull", pull)
            #expect(replayed.status == .unauthorized, "a recorded pull reads nothing")
            #expect(try caller.errorCode(replayed) == "replayed")

            let nonce = store.issueNonce(now: 5_000)
            await #expect(throws: ServerError.self) { try await store.consumeNonce(nonce, now: 5_000 + ServerStore.nonceLifetime + 1) }
            var madeUp = Array(nonce)
            madeUp[20] = madeUp[20] == "A" ? "B" : "A"
            await #expect(throws: ServerError.self) { try await store.consumeNonce(String(madeUp), now: 5_000) }
            try await store.consumeNonce(nonce, now: 5_001)
        }
    }

    @Test("Key rotation: 10,000 sealed NIKs are sealed again in place, every one reads back, the old key opens none",
          arguments: StoreKind.available)
    func keyRotationLosesNothing(kind: StoreKind) async throws {
        let store = try await kind.openStore()
        try await store.addAgent(Self.dinas, now: 0)
        var dinas = TestDevice(agent: Self.dinas)
        try await dinas.enroll(in: store)
        let persons = Int(ProcessInfo.processInfo.environment["FIELDSYNC_ROTATION_RECORDS"] ?? "") ?? 10_000
        var niks: [String: String] = [:]
        var counter: UInt64 = 1
        for batch in 0..<(persons / 100) {
            var changes: [Change] = []
            let transaction = Dot(dinas.replica, counter)
            for index in 0..<100 {
                let person = "P-R\(batch)N\(index)"
                let nik = String(format: "3374%06d%06d", batch, index)
                niks[person] = nik
                for (field, value) in [("name", "Warga \(index)"), ("nik", nik)] {
                    changes.append(Change(dot: Dot(dinas.replica, counter), transaction: transaction, recordType: .person, recordID: person,
                                          area: Sample.srondol, field: field, value: .text(value), supersedes: [], lamport: counter,
                                          wallTime: 0, agent: Self.dinas.id))
                    counter += 1
                }
            }
            _ = try await store.push(try dinas.push("rotation-\(batch)", changes), device: try #require(try await store.device(dinas.id)),
                                     agent: Self.dinas, now: 10)
        }
        let old = store.key
        let fresh = ServerKey.random()
        #expect(try await store.rotate(to: fresh) == persons)
        let rotated = ServerStore(database: store.database, authority: store.authority, key: fresh)
        var read: [String: String] = [:]
        var request = PullRequest(knowledge: VersionVector(), maxChanges: 2_000)
        while true {
            let page = try await rotated.pull(request, scope: SyncScope(kind: .all))
            for change in page.changes where change.field == "nik" { read[change.recordID] = change.value.text }
            guard let next = page.next else { break }
            request = PullRequest(knowledge: VersionVector(), upTo: page.upTo, after: next, maxChanges: 2_000)
        }
        #expect(read == niks, "every sealed NIK reads back under the new key")
        #expect(try await rotated.records(withNumber: niks["P-R3N7"]!) == ["P-R3N7"], "the blind index follows the new key")
        let opened = try await store.database.transaction { db in
            var count = 0
            for row in try await db.query("SELECT replica, counter, body FROM changes WHERE body LIKE 's1:%'") {
                let dot = Dot(ReplicaID(try row.text("replica")), UInt64(try row.int("counter")))
                if (try? rotated.change(fromBody: try row.text("body"), dot: dot, with: old)) != nil { count += 1 }
            }
            return count
        }
        #expect(opened == 0, "the old key opens none")
        await store.database.close()
    }
}

