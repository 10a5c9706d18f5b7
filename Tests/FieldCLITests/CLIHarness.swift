import Foundation
import Testing
import GRDB
@testable import LocalStore
import SyncEngine

/// Runs the built `field` binary against a replica file of its own, as a user would.
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
        func jsonObject() throws -> [String: Any] { try #require(try json() as? [String: Any]) }
        func jsonArray() throws -> [[String: Any]] { try #require(try json() as? [[String: Any]]) }
    }

    let directory: URL
    var passphrase = "rahasia-srondol-42"
    /// The network namespace its commands run in (where its server is), if not this one.
    var namespace: String?
    var database: String { directory.appendingPathComponent("replica.sqlite").path }
    /// High-water marks of this test's replicas (never the user's ~/.local/state).
    var stateDirectory: String { directory.appendingPathComponent("state").path }

    /// The replica file opened in this process, as the CLI would open it.
    func openReplica() throws -> LocalReplica {
        try LocalReplica.open(at: .file(database), passphrase: passphrase, stateDirectory: stateDirectory)
    }

    /// What the agents of a test kecamatan agreed on for their bundles.
    static let bundlePassphrase = "kecamatan-banyumanik-2026"

    /// Lets the replica exchange sealed changes with memory replicas, as enrolment would with a
    /// server: it trusts their shared authority, which certifies this replica's id and key.
    func certifyForMemoryPeers() throws {
        let replica = try openReplica()
        let authority = MemoryReplica.sharedAuthority
        try replica.trust(authority: authority.publicKey, certificates: [
            try authority.issue(replica: replica.replicaID, device: "DV-CLI", agent: replica.agent.id,
                                publicKey: replica.devicePublicKey, issuedAt: 0),
        ])
    }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fieldsync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The `field` executable beside the test bundle (`.build/<triple>/debug/field`).
    static let executable: URL = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("field")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/field")
    }()

    /// `data/kota-semarang-wilayah.csv`, shipped with the repository.
    static let semarangCSV = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/kota-semarang-wilayah.csv").path

    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["FIELD_LANG"] = nil
        env["FIELD_DB"] = database
        env["FIELD_PASSPHRASE"] = passphrase
        env["FIELD_BUNDLE_PASSPHRASE"] = Self.bundlePassphrase
        env["FIELD_STATE_DIR"] = stateDirectory
        for (key, value) in extra { env[key] = value }
        return env
    }

    func process(_ arguments: [String], env: [String: String] = [:]) -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = environment(env)
        process.currentDirectoryURL = directory
        if let namespace { ServerHarness.enter(namespace, process) }
        return process
    }

    @discardableResult
    func run(_ arguments: String..., env: [String: String] = [:]) throws -> Result {
        try run(arguments, env: env)
    }

    func run(_ arguments: [String], env: [String: String] = [:]) throws -> Result {
        try Self.capture(process(arguments, env: env))
    }

    /// Runs `field` under libfaketime, its clock set to `date` (`2026-12-16 09:00:00`, UTC
    /// unless `TZ` in `env` says otherwise).
    func run(at date: String, _ arguments: [String], env: [String: String] = [:]) throws -> Result {
        let process = self.process(arguments, env: env)
        process.arguments = [date, Self.executable.path] + arguments
        process.executableURL = URL(fileURLWithPath: Self.faketime)
        return try Self.capture(process)
    }

    static let faketime = "/usr/bin/faketime"
    static var hasFaketime: Bool { FileManager.default.isExecutableFile(atPath: faketime) }

    /// Runs a prepared process to its end, collecting its output.
    static func capture(_ process: Process) throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a system tool (`mount`, `ip`), requiring it to succeed.
    static func tool(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let result = try capture(process)
        try #require(result.status == 0, "\(path) \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    /// A PSM replica for Srondol Kulon with the Kota Semarang regions (fast KDF for tests).
    func initPSM(area: String = "Srondol Kulon") throws -> Result {
        try run("init", "--name", "Siti Aminah", "--role", "psm", "--area", area, "--ntr", "NTR-3374-0012",
                "--regions", Self.semarangCSV, "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10")
    }
}

extension LocalReplica {
    func count(_ table: String) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}

extension CLI {
    /// Adds a household at `address` with a random No. KK and the given `--member` values
    /// (in `kelurahan` when given); returns its id.
    func addHousehold(_ address: String, kelurahan: String? = nil, members: [String] = []) throws -> String {
        var arguments = ["household", "add", "--kk", "337406120315" + String(format: "%04d", Int.random(in: 1...9999)),
                         "--address", address, "--rt", "1", "--rw", "2", "--json"]
        if let kelurahan { arguments += ["--kelurahan", kelurahan] }
        for member in members { arguments += ["--member", member] }
        let result = try run(arguments)
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try result.jsonObject()["id"] as? String)
    }

    /// Each household listed, by id, with its address.
    func addresses() throws -> [String: String] {
        let rows = try run("household", "list", "--json").jsonArray()
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["address"] as? String ?? "") })
    }

    /// Whether `script` (util-linux) is there to give `field` a pseudo-terminal.
    static let hasScript = FileManager.default.isExecutableFile(atPath: "/usr/bin/script")

    /// Runs `field` under `script`, which gives it a pseudo-terminal. Each answer is typed once
    /// its prompt has appeared (nil: at once), as a person would. stdout and stderr arrive
    /// together, as on a screen, in `stdout`.
    func atTerminal(_ arguments: [String], dialog: [(prompt: String?, answer: String)],
                    env: [String: String] = [:]) throws -> CLI.Result {
        let command = ([CLI.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        process.environment = environment(env)
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var transcript = ""
        var searchFrom = transcript.startIndex
        for (prompt, answer) in dialog {
            if let prompt {
                while transcript[searchFrom...].range(of: prompt) == nil {
                    let chunk = output.fileHandleForReading.availableData
                    if chunk.isEmpty { break }
                    transcript += String(decoding: chunk, as: UTF8.self)
                }
                if let found = transcript.range(of: prompt, range: searchFrom..<transcript.endIndex) { searchFrom = found.upperBound }
            }
            input.fileHandleForWriting.write(Data((answer + "\n").utf8))
        }
        transcript += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: transcript, stderr: "")
    }

    func atTerminal(_ arguments: [String], answers: [String]) throws -> CLI.Result {
        try atTerminal(arguments, dialog: answers.map { (nil, $0) })
    }
}
