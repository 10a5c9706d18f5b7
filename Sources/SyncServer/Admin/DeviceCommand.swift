import ArgumentParser
import FieldModels
import Foundation

/// `field-server device …`: enrolled laptops.
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device", abstract: "Daftar dan cabut perangkat / List and revoke devices.",
        subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Daftar perangkat terdaftar.",
            discussion: "Kolom: perangkat, petugas, status, nama, sinkron langsung terakhir, perubahan terbaru darinya lewat jalur apa pun (UTC).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                let newest = try await server.newestChanges()
                store.table(try await server.devices().map {
                    [$0.id, $0.agentID, $0.revokedAt == nil ? store.text("aktif", "active") : store.text("dicabut", "revoked"), $0.name,
                     $0.lastSeenAt.map(AuditCommand.time) ?? "-", newest[$0.id].map(AuditCommand.time) ?? "-"]
                }, whenEmpty: "Belum ada perangkat terdaftar. Di laptop petugas: field enroll --server URL --code KODE (kode dari agent add atau agent code).",
                   "No devices enrolled yet. On the agent's laptop: field enroll --server URL --code CODE (the code from agent add or agent code).")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cabut perangkat (laptop hilang atau diganti): ia tak bisa sinkron lagi.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Id perangkat (DV-…).") var id: String

        func run() async throws {
            try await store.withStore { server in
                guard try await server.revoke(id, now: Clock.now) else {
                    throw ServerError(.unknownDevice, .notFound, id: "Tidak ada perangkat \(id).", en: "No device \(id).")
                }
                print(store.text("Perangkat \(id) dicabut.", "Device \(id) revoked."))
            }
        }
    }
}
