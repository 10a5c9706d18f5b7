import ArgumentParser
import FieldModels
import Foundation

/// `field-server audit`: what happened, for the Dinas to review.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Jejak audit: pendaftaran, kode salah, pencabutan, pemindahan, batch ditolak / The audit trail.",
        discussion: """
            Kolom: waktu (UTC), jenis, petugas, perangkat, alamat asal, keterangan. Tidak pernah berisi NIK, No. KK atau nama.
            Jenis: \(ServerStore.AuditKind.allCases.map(\.rawValue).joined(separator: ", ")).
            Contoh: field-server audit --kind code_failed --since 2026-12-01
            """)
    @OptionGroup var store: StoreOptions
    @Option(help: "Hanya petugas ini.") var agent: String?
    @Option(help: "Hanya perangkat ini.") var device: String?
    @Option(help: "Hanya jenis ini.") var kind: String?
    @Option(help: "Sejak tanggal (YYYY-MM-DD, UTC).") var since: String?
    @Option(help: "Paling banyak baris.") var limit = 1_000

    func run() async throws {
        if let kind, ServerStore.AuditKind(rawValue: kind) == nil {
            store.fail(store.text("--kind \"\(kind)\" tidak dikenal; pilih: \(ServerStore.AuditKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                                  "--kind \"\(kind)\" is unknown; choose: \(ServerStore.AuditKind.allCases.map(\.rawValue).joined(separator: ", "))."))
        }
        var from: Int64?
        if let since {
            guard let date = CivilDate(since) else {
                store.fail(store.text("--since \"\(since)\" bukan tanggal YYYY-MM-DD.", "--since \"\(since)\" is not a date YYYY-MM-DD."))
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
            from = Int64(start.timeIntervalSince1970 * 1000)
        }
        try await store.withStore { server in
            store.table(try await server.auditEntries(agent: agent, device: device, kind: kind, since: from, limit: limit).map {
                [Self.time($0.at), $0.kind, $0.agent ?? "-", $0.device ?? "-", $0.source ?? "-", $0.detail]
            }, whenEmpty: "Tidak ada catatan yang cocok.", "No matching entries.")
        }
    }

    /// Milliseconds since 1970 as `YYYY-MM-DD HH:MM:SS` UTC.
    static func time(_ millis: Int64) -> String { time(millis, zone: "UTC", format: "yyyy-MM-dd HH:mm:ss") }

    /// Milliseconds since 1970 as wall-clock text in `zone`.
    static func time(_ millis: Int64, zone: String, format: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = format
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
    }
}
