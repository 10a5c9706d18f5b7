import Crypto
@testable import FieldCLI
import FieldModels
import Foundation
@testable import LocalStore
import SyncEngine
import Testing

/// Replays every `hostile/*.json` case (format in `hostile/README.md`) through a real
/// `field-server` on loopback, SQLite and (in CI) PostgreSQL: each must be refused with its
/// status and code, and leave the store's rows and vector as they were. The cases a laptop
/// can judge on its own are fed to a replica receiving from a peer too: refused, nothing kept.
@Suite("Hostile input refused at every door", .serialized)
struct HostileTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("hostile")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }

    @Test("There are at least 40 hostile cases, each naming its request, the one thing wrong and the refusal")
    func enoughCases() throws {
        #expect(Self.files.count >= 40)
        for file in Self.files {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.directory.appendingPathComponent(file))) as? [String: Any])
            #expect(object["description"] as? String != nil, "\(file)")
            let expect = try #require(object["expect"] as? [String: Any], "\(file)")
            #expect(expect["status"] as? Int != nil, "\(file)")
            #expect((expect["code"] as? String).flatMap(ErrorCode.init(rawValue:)) != nil, "\(file): the code is one of ErrorCode")
            if let peer = expect["peer"] as? String { #expect(ErrorCode(rawValue: peer) != nil, "\(file)") }
        }
    }

    /// The world a case runs in: a server with an honest PSM's household in Srondol Kulon and
    /// the Dinas's in Bulusan, and the intruder, an enrolled PSM of Srondol Kulon.
    struct World {
        let server: ServerHarness
        let intruder: Intruder
        let siti: Intruder
        let srondolHousehold: String
        let bulusanHousehold: String

        init(_ store: ServerHarness.Store) throws {
            server = try ServerHarness(store)
            intruder = try Intruder(server, agent: "A-MALLORY", code: try server.addAgent(id: "A-MALLORY", role: "psm", area: HostileCase.srondol))
            siti = try Intruder(server, agent: "A-SITI", code: try server.addAgent(id: "A-SITI", role: "psm", area: HostileCase.srondol))
            let dinas = try Intruder(server, agent: "A-DINAS", code: try server.addAgent(id: "A-DINAS", role: "dinas", area: "33.74"))
            let mine = siti.household(area: HostileCase.srondol, counter: 1)
            try #require(try siti.push(mine, seals: siti.seal(mine)) == nil)
            let theirs = dinas.household(area: HostileCase.bulusan, counter: 1)
            try #require(try dinas.push(theirs, seals: dinas.seal(theirs)) == nil)
            srondolHousehold = mine[0].recordID
            bulusanHousehold = theirs[0].recordID
        }

        func placeholders(person: String) -> [String: String] {
            ["$OWN_REPLICA": intruder.replica.rawValue, "$SITI_REPLICA": siti.replica.rawValue,
             "$SRONDOL_HOUSEHOLD": srondolHousehold, "$BULUSAN_HOUSEHOLD": bulusanHousehold, "$PERSON": person,
             "$7MB": String(repeating: "a", count: 7_000_000)]
        }
    }

    @Test("Every hostile case is refused by the server with its code, and nothing moves", arguments: ServerHarness.Store.available)
    func serverRefusesEveryCase(store: ServerHarness.Store) async throws {
        let world = try World(store)
        var refusedAtPeer = 0
        for file in Self.files {
            let hostile = try HostileCase(file: Self.directory.appendingPathComponent(file))
            let before = try await StoreCounts.of(world.server)
            let (body, sealed) = try hostile.body(in: world)
            let answer = try hostile.send(body, in: world)
            #expect(answer.status == hostile.status && answer.code == hostile.code,
                    "\(file): expected \(hostile.status) \(hostile.code), got \(answer.status) \(answer.code)")
            #expect(try await StoreCounts.of(world.server) == before, "\(file): the store moved")
            if let expected = hostile.peer, let sealed {
                try Self.peerRefuses(sealed, expected: expected, in: world, file: file)
                refusedAtPeer += 1
            }
        }
        #expect(refusedAtPeer >= 20, "the replica-side half covers the grammar and origin cases")
        // The intruder's honest batch still goes through: the refusals were for what was wrong.
        let honest = world.intruder.household(area: HostileCase.srondol, counter: 1)
        #expect(try world.intruder.push(honest, seals: world.intruder.seal(honest)) == nil)
        #expect(world.server.stop() == 0)
    }

    /// A laptop receiving `batch` from a peer refuses it with `expected` and keeps nothing.
    static func peerRefuses(_ batch: SealedBatch, expected: String, in world: World, file: String) throws {
        let replica = try LocalReplica.create(at: .inMemory, passphrase: "peer", agent: Agent(id: "A-PEER", name: "Peer", role: .tksk,
                                              areaID: "33.74.11"), kdf: .testing, stateDirectory: nil)
        try replica.trust(authority: world.intruder.enrolment.authority,
                          certificates: [world.intruder.enrolment.certificate, world.siti.enrolment.certificate])
        let before = try replica.count("change_log")
        do {
            try replica.receive(batch)
            Issue.record("\(file): a replica took what the server refused")
        } catch let error as StoreError {
            #expect((error.cause as? Refusal)?.code.rawValue == expected, "\(file): the replica refused with \(error)")
        }
        #expect(try replica.count("change_log") == before, "\(file): the replica kept something")
    }
}

/// One `hostile/*.json` file.
struct HostileCase {
    static let srondol = "33.74.11.1006"
    static let bulusan = "33.74.10.1004"

    var request: String
    var edits: [[String: Any]]
    var explicitBody: Any?
    var reseal: Bool
    var sign: String
    var status: Int
    var code: String
    var peer: String?

    init(file: URL) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        request = object["request"] as? String ?? "push"
        edits = object["edits"] as? [[String: Any]] ?? []
        explicitBody = object["body"]
        reseal = object["reseal"] as? Bool ?? true
        sign = object["sign"] as? String ?? "device"
        let expect = try #require(object["expect"] as? [String: Any])
        status = try #require(expect["status"] as? Int)
        code = try #require(expect["code"] as? String)
        peer = expect["peer"] as? String
    }

    /// The JSON body to send, and for a push whose changes still decode, the batch as a peer
    /// would forward it.
    func body(in world: HostileTests.World) throws -> (Data, SealedBatch?) {
        let base = world.intruder.household(area: Self.srondol, counter: 1)
        let person = base.first { $0.recordType == .person }!.recordID
        let values = world.placeholders(person: person)
        if let explicitBody {
            return (try JSONSerialization.data(withJSONObject: Self.substitute(explicitBody, values), options: [.fragmentsAllowed]), nil)
        }
        let request = PushRequest(batch: "hostile-" + UUID().uuidString, changes: base, seals: try world.intruder.seal(base))
        var object = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(request))
        for edit in edits { object = try Self.apply(edit, to: object, values: values) }
        guard var push = object as? [String: Any], let changesJSON = push["changes"],
              let changes = try? JSONDecoder().decode([Change].self, from: JSONSerialization.data(withJSONObject: changesJSON)) else {
            return (try JSONSerialization.data(withJSONObject: object), nil)
        }
        var seals = (try? JSONDecoder().decode([OriginSeal].self, from: JSONSerialization.data(withJSONObject: push["seals"] ?? []))) ?? []
        if reseal, push["seals"] != nil, !changes.isEmpty {
            seals = try world.intruder.seal(changes)
            push["seals"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(seals))
        }
        return (try JSONSerialization.data(withJSONObject: push), SealedBatch(changes: changes, seals: seals))
    }

    /// Sends `body`; the status and code of the answer (200 and "" when it was taken).
    func send(_ body: Data, in world: HostileTests.World) throws -> (status: Int, code: String) {
        let signer: (String, Curve25519.Signing.PrivateKey)? = switch sign {
        case "none": nil
        case "other-key": (world.intruder.device, Curve25519.Signing.PrivateKey())
        default: (world.intruder.device, world.intruder.key)
        }
        let transport = try HTTPTransport(server: world.server.url, signer: signer, retries: 0)
        do {
            struct Anything: Decodable {}
            let _: Anything = try transport.call("/v1/" + request, json: body)
            return (200, "")
        } catch let refusal as RemoteRefusal {
            return (refusal.status, refusal.code)
        }
    }

    static func substitute(_ value: Any, _ values: [String: String]) -> Any {
        switch value {
        case let text as String:
            return values.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        case let list as [Any]:
            return list.map { substitute($0, values) }
        case let object as [String: Any]:
            return object.mapValues { substitute($0, values) }
        default:
            return value
        }
    }

    /// One edit: `set` a path to `to`, `remove` a path, `flip` a bit of a base64 value, or
    /// `repeat` an element of a list until it holds `times`.
    static func apply(_ edit: [String: Any], to root: Any, values: [String: String]) throws -> Any {
        let (key, path): (String, String) = try {
            for key in ["set", "remove", "flip", "repeat"] { if let path = edit[key] as? String { return (key, path) } }
            throw HostileError.badEdit(edit.description)
        }()
        return try update(root, at: path.split(separator: ".").map(String.init)) { old in
            switch key {
            case "set": return substitute(edit["to"] ?? NSNull(), values)
            case "remove": return nil
            case "flip":
                guard let text = old as? String, var bytes = Data(base64Encoded: text), !bytes.isEmpty else { throw HostileError.badEdit(path) }
                bytes[bytes.startIndex] ^= 0x01
                return bytes.base64EncodedString()
            default:
                guard let list = old as? [Any], let first = list.first, let times = edit["times"] as? Int else { throw HostileError.badEdit(path) }
                return Array(repeating: first, count: times)
            }
        }
    }

    private static func update(_ node: Any, at path: [String], _ change: (Any?) throws -> Any?) throws -> Any {
        guard let head = path.first else { return try change(node) ?? NSNull() }
        let rest = Array(path.dropFirst())
        if var list = node as? [Any], let index = Int(head), list.indices.contains(index) {
            if !rest.isEmpty {
                list[index] = try update(list[index], at: rest, change)
            } else if let new = try change(list[index]) {
                list[index] = new
            } else {
                list.remove(at: index)
            }
            return list
        }
        guard var object = node as? [String: Any] else { throw HostileError.badEdit(path.joined(separator: ".")) }
        if rest.isEmpty {
            object[head] = try change(object[head])
        } else {
            object[head] = try update(object[head] ?? [String: Any](), at: rest, change)
        }
        return object
    }

    enum HostileError: Error { case badEdit(String) }
}
