import Foundation
import Glibc

/// PostgreSQL clusters a test starts and stops itself, on loopback ports, as the `postgres`
/// user (initdb refuses root): the tests of replication and failover. Needs root and Debian's
/// PostgreSQL server packages (`scripts/install-deps`).
public enum PostgresTools {
    /// The newest installed server's programs.
    public static let bin: String = {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.last.map { "\(root)/\($0)/bin" } ?? "\(root)/15/bin"
    }()

    public static var available: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: bin + "/initdb") }

    /// A port nothing listens on now (the kernel's choice for a socket bound to port 0).
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
            }
        }
        guard bound else { throw ClusterError.failed("no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `runuser -u postgres` of `arguments`, with the signals the test process blocks unblocked
    /// again (pg_autoctl stops its services with SIGINT; inherited, a blocked SIGINT made it
    /// wait forever).
    public static func command(_ arguments: [String]) -> [String] {
        ["/usr/bin/python3", "-c", "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
            + "[signal.signal(s, signal.SIG_DFL) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE)]; "
            + "os.execv(sys.argv[1], sys.argv[1:])",
         "/usr/sbin/runuser", "-u", "postgres", "--", "env", "PATH=\(bin):/usr/bin:/bin"] + arguments
    }

    /// Runs `arguments` as `postgres` to the end; its output through a file, not a pipe (a
    /// PostgreSQL it starts would keep a pipe open). Spawned and waited for directly: in an
    /// async test, Foundation's `Process.waitUntilExit` never saw `runuser` end after `pg_ctl start`.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("postgres-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: file) }
        let pid = try spawn(command(arguments), output: file.path)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exited, (try? String(contentsOf: file, encoding: .utf8)) ?? "")
    }

    /// Starts `command` with stdin from /dev/null and stdout and stderr appended to `output`.
    public static func spawn(_ command: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard result == 0 else { throw ClusterError.failed("cannot start \(command[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    /// `run`, failing with its output when the command fails.
    public static func require(_ arguments: [String]) throws {
        let result = try run(arguments)
        guard result.status == 0 else { throw ClusterError.failed("\(arguments.joined(separator: " ")): \(result.output)") }
    }

    /// `kill -9` of `root` and every process descended from it, children first found: a
    /// keeper renames its processes (`pg_autoctl: start/stop postgres`), so a search by the
    /// command line misses them, and left alive they restart the PostgreSQL just killed.
    public static func killTree(_ root: pid_t) {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // After "pid (name) state ppid": the name may hold spaces and parentheses.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = pid_t(fields[1]) { children[parent, default: []].append(pid) }
        }
        var tree: [pid_t] = []
        var next = [root]
        while let pid = next.popLast() {
            tree.append(pid)
            next += children[pid] ?? []
        }
        for pid in tree { kill(pid, SIGKILL) }
        for pid in tree { waitpid(pid, nil, WNOHANG) }
    }

    /// Whether process `pid` has ended (gone, or a zombie not yet reaped), read from /proc: a
    /// bounded wait on a server that does not depend on Foundation's reaping of its child.
    public static func ended(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
    }

    /// One statement through psql as `user`; nil when the server cannot be reached or refuses it.
    public static func query(_ sql: String, port: Int, user: String, database: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = ["-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database, "-Atc", sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// A folder the `postgres` user owns, for clusters and their logs.
    public static func folder(_ prefix: String) throws -> URL {
        let directory = URL(fileURLWithPath: "/tmp/\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.ownerAccountName: "postgres", .posixPermissions: 0o700], ofItemAtPath: directory.path)
        return directory
    }
}

public enum ClusterError: Error, CustomStringConvertible {
    case failed(String)
    public var description: String { if case .failed(let text) = self { text } else { "" } }
}

/// A primary and a hot standby streaming from it (asynchronous streaming replication from a
/// base backup), with a database `fieldsync` owned by the superuser `fieldsync`; stopped and
/// removed when released.
public final class StreamingPair: @unchecked Sendable {
    public let directory: URL
    public let ports: [Int]

    public init() throws {
        directory = try PostgresTools.folder("fieldsync-standby")
        ports = [try PostgresTools.freePort(), try PostgresTools.freePort()]
        try PostgresTools.require(["initdb", "-D", data(0), "-U", "fieldsync", "--auth=trust", "-E", "UTF8"])
        try start(0)
        try PostgresTools.require(["createdb", "-h", "127.0.0.1", "-p", String(ports[0]), "-U", "fieldsync", "fieldsync"])
        // The standby: a base backup of the primary that follows it (-R writes the connection).
        try PostgresTools.require(["pg_basebackup", "-h", "127.0.0.1", "-p", String(ports[0]), "-U", "fieldsync", "-D", data(1),
                                   "-R", "-X", "stream", "-c", "fast"])
        try start(1)
    }

    func data(_ node: Int) -> String { directory.appendingPathComponent(node == 0 ? "primary" : "standby").path }

    private func start(_ node: Int) throws {
        try PostgresTools.require(["pg_ctl", "-D", data(node), "-l", directory.appendingPathComponent("node\(node).log").path, "-w",
                                   "-o", "-k \(directory.path) -c listen_addresses=127.0.0.1 -p \(ports[node]) -c fsync=off -c hot_standby=on", "start"])
    }

    /// Both hosts, primary first, as libpq writes them.
    public var url: String { "postgres://fieldsync@127.0.0.1:\(ports[0]),127.0.0.1:\(ports[1])/fieldsync" }

    public func query(_ sql: String, node: Int) -> String? {
        PostgresTools.query(sql, port: ports[node], user: "fieldsync", database: "fieldsync")
    }

    /// Stops one node at once (`pg_ctl -m immediate`).
    public func stop(node: Int) {
        _ = try? PostgresTools.run(["pg_ctl", "-D", data(node), "-m", "immediate", "-w", "stop"])
    }

    /// Stops both nodes and removes their folder.
    public func shutdown() {
        stop(node: 1)
        stop(node: 0)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { shutdown() }
}
