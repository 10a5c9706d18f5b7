import Foundation
import SyncEngine

/// The replica's counter when its changes last left the laptop (a push, a peer, a bundle),
/// kept outside the database file (under `~/.local/state/fieldsync` by default). A database
/// restored from an old backup has a lower counter than its mark: it would mint dots its peers
/// may already hold for other changes, so it takes a new replica id when opened. Dots written
/// after the last departure were never seen elsewhere; minting them again is harmless.
public struct HighWaterMark: Sendable {
    let file: URL?

    init(directory: String?, replica: ReplicaID) {
        file = directory.map { URL(fileURLWithPath: $0).appendingPathComponent(replica.rawValue + ".counter") }
    }

    /// `$FIELD_STATE_DIR`, else `$XDG_STATE_HOME/fieldsync`, else `~/.local/state/fieldsync`.
    public static var defaultDirectory: String {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["FIELD_STATE_DIR"], !dir.isEmpty { return dir }
        let base = env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
        return base + "/fieldsync"
    }

    func read() -> UInt64 {
        guard let file, let data = try? Data(contentsOf: file) else { return 0 }
        return UInt64(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Raises the mark; never lowers it. Best effort: a lost update only weakens the check.
    func record(_ counter: UInt64) {
        guard let file, counter > read() else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                 attributes: [.posixPermissions: 0o700])
        try? Data(String(counter).utf8).write(to: file, options: .atomic)
    }
}
