import ArgumentParser
import FieldModels
import Foundation
import SyncEngine

/// `field-server agent …`: the Dinas operator's agents and their enrolment codes.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Kelola petugas dan kode pendaftaran / Manage agents and enrolment codes.",
        subcommands: [Add.self, List.self, Move.self, Code.self, Codes.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tambah petugas dan cetak kode pendaftaran sekali pakai.",
            discussion: """
                Wilayah mengikuti peran, sebagai kode Kemendagri atau nama: PSM satu kelurahan (33.74.11.1006), \
                TKSK satu kecamatan (33.74.11), Dinas seluruh kota (33.74). Pendamping PKH memakai --families.
                Contoh: field-server agent add --name "Siti Aminah" --role psm --area 33.74.10.1004
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Id petugas (bawaan: dibuat, A-…).") var id: String?
        @Option(help: "Nama petugas.") var name: String
        @Option(help: "Peran: psm, psm-koordinator, tksk, pkh-pendamping, dinas.") var role: String
        @Option(help: "Wilayah tugas: kode Kemendagri seperti 33.74.10.1004, atau nama wilayah (Bulusan).") var area: String
        @Option(help: "Untuk pendamping PKH: id rumah tangga dampingan, dipisah koma.") var families: String?
        @Option(help: "Masa berlaku kode pendaftaran, dalam hari.") var codeDays = 7

        func run() async throws {
            guard let role = AgentRole(rawValue: role.lowercased()) else {
                store.fail(store.text("--role \"\(self.role)\" tidak dikenal; pilih salah satu: \(AgentRole.allCases.map(\.rawValue).joined(separator: ", ")).",
                                      "--role \"\(self.role)\" is unknown; choose one of: \(AgentRole.allCases.map(\.rawValue).joined(separator: ", "))."))
            }
            let list = (families ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if let id, !Grammar.isAgentID(id) {
                store.fail(store.text("--id \"\(Grammar.shown(id))\" bukan id petugas: A- lalu 1–32 huruf atau angka, mis. A-SITI01.",
                                      "--id \"\(Grammar.shown(id))\" is not an agent id: A- then 1–32 letters or digits, e.g. A-SITI01."))
            }
            if let bad = list.first(where: { !Grammar.isRecordID($0, type: .household) }) {
                store.fail(store.text("--families: \"\(Grammar.shown(bad))\" bukan id rumah tangga (H-…).",
                                      "--families: \"\(Grammar.shown(bad))\" is not a household id (H-…)."))
            }
            if role == .pkhPendamping && list.isEmpty {
                store.fail(store.text("Pendamping PKH perlu --families (id rumah tangga dampingan, dipisah koma).",
                                      "A PKH pendamping needs --families (assigned household ids, comma-separated)."))
            }
            try await store.withStore { server in
                let area = try await AreaCheck.resolved(area, role: role, server: server, store: store)
                try await AreaCheck.requireKnown(area, role: role, server: server, store: store)
                let agent = AgentProfile(id: id ?? RecordID.make(.agent), name: name, role: role, area: area, families: list)
                let now = Clock.now
                try await server.addAgent(agent, now: now)
                let code = try await server.issueCode(for: agent.id, now: now, validFor: Int64(codeDays) * 86_400_000)
                print(store.text("Petugas \(agent.id) (\(agent.name), \(role.rawValue), \(agent.scope)) ditambahkan.",
                                 "Agent \(agent.id) (\(agent.name), \(role.rawValue), \(agent.scope)) added."))
                print(store.text("Kode pendaftaran (sekali pakai, \(codeDays) hari): \(code)",
                                 "Enrolment code (single use, \(codeDays) days): \(code)"))
                print(store.text("Di laptop petugas: field enroll --server URL --code \(code)",
                                 "On the agent's laptop: field enroll --server URL --code \(code)"))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Daftar petugas / List agents.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                store.table(try await server.agents().map { [$0.id, $0.role.rawValue, $0.scope.description, $0.name] },
                            whenEmpty: "Belum ada petugas. Tambahkan: field-server agent add --name NAMA --role psm --area KODE-KELURAHAN",
                            "No agents yet. Add one: field-server agent add --name NAME --role psm --area KELURAHAN-CODE")
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pindahkan petugas ke wilayah lain.",
            discussion: "Pada sinkronisasi berikutnya laptop petugas menerima data wilayah baru dan menghapus data sensitif wilayah lama yang sudah ada di server.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Id petugas.") var id: String
        @Option(help: "Wilayah tugas yang baru: jalur wilayah atau kode Kemendagri.") var area: String
        @Option(help: "Untuk pendamping PKH: daftar rumah tangga dampingan yang baru.") var families: String?

        func run() async throws {
            try await store.withStore { server in
                guard let agent = try await server.agent(id) else { throw ServerStore.noSuchAgent(id) }
                let area = try await AreaCheck.resolved(area, role: agent.role, server: server, store: store)
                try await AreaCheck.requireKnown(area, role: agent.role, server: server, store: store)
                let list = families.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
                let moved = try await server.moveAgent(id, to: area, families: list, now: Clock.now)
                print(store.text("Petugas \(id) kini bertugas di \(moved.scope).", "Agent \(id) now covers \(moved.scope)."))
            }
        }
    }

    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Buat kode pendaftaran sekali pakai yang baru untuk petugas.",
            discussion: "Kode lama petugas itu yang belum dipakai menjadi batal.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Id petugas.") var id: String
        @Option(help: "Masa berlaku, dalam hari.") var days = 7

        func run() async throws {
            try await store.withStore { server in
                let code = try await server.issueCode(for: id, now: Clock.now, validFor: Int64(days) * 86_400_000)
                print(code)
            }
        }
    }

    struct Codes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Daftar kode pendaftaran yang masih berlaku / List enrolment codes still valid.",
            discussion: "Hanya sidik kode yang disimpan, bukan kodenya. Kolom: petugas, sidik, dibuat, berlaku sampai.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Id petugas (bawaan: semua).") var id: String?

        func run() async throws {
            try await store.withStore { server in
                store.table(try await server.liveCodes(agent: id, now: Clock.now).map {
                    [$0.agent, $0.fingerprint, $0.issuedAt.map(AuditCommand.time) ?? "-", AuditCommand.time($0.expiresAt)]
                }, whenEmpty: "Tidak ada kode yang masih berlaku. Buat satu: field-server agent code ID",
                   "No code is still valid. Make one: field-server agent code ID")
            }
        }
    }
}

/// Checks an area against the role's level and the region table.
enum AreaCheck {
    /// The region `text` names: its Kemendagri code (`33.74.10.1004`, dots optional), or a name
    /// the region table holds once at the role's level (`Bulusan`).
    static func resolved(_ text: String, role: AgentRole, server: ServerStore, store: StoreOptions) async throws -> String {
        let given = text.trimmingCharacters(in: .whitespaces)
        if let code = RegionDirectory.dotted(given) { return try validated(code, role: role, store: store) }
        let level = ["kota", "kecamatan", "kelurahan"][role.areaDepth - 1]
        let named = try await server.regions().filter { $0.level == level && RegionPath.slug($0.name) == RegionPath.slug(given) }
        switch named.count {
        case 1: return named[0].id
        case 0:
            store.fail(store.text("--area \"\(given)\": tidak ada \(level) bernama begitu di tabel wilayah server. Tulis kodenya (mis. 33.74.10.1004). Lihat: field-server region list",
                                  "--area \"\(given)\": the server's region table has no \(level) of that name. Give its code (e.g. 33.74.10.1004). See: field-server region list"))
        default:
            let options = named.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
            store.fail(store.text("--area \"\(given)\": ada beberapa \(level) bernama begitu (\(options)). Tulis kodenya.",
                                  "--area \"\(given)\": several \(level)s have that name (\(options)). Give its code."))
        }
    }

    static func validated(_ area: String, role: AgentRole, store: StoreOptions) throws -> String {
        guard Grammar.isAreaPath(area), RegionPath.depth(of: area) == role.areaDepth else {
            let example = ["33.74", "33.74.10", "33.74.10.1004"][role.areaDepth - 1]
            let what = ["kota", "kecamatan", "kelurahan"][role.areaDepth - 1]
            store.fail(store.text("--area \"\(area)\" tidak cocok untuk peran \(role.rawValue): perlu kode \(what) Kemendagri, misalnya \(example).",
                                  "--area \"\(area)\" does not fit role \(role.rawValue): it needs the Kemendagri code of a \(what), e.g. \(example)."))
        }
        return area
    }

    /// Refuses an area the region table (when one is loaded) does not hold at the role's level.
    static func requireKnown(_ area: String, role: AgentRole, server: ServerStore, store: StoreOptions) async throws {
        guard try await server.isKnownArea(area, depth: role.areaDepth) else {
            if try await server.regions().isEmpty {
                store.fail(store.text("Server belum punya tabel wilayah. Muat dulu: field-server region import data/kota-semarang-wilayah.csv --kota-code 3374 --kota-name \"Kota Semarang\"",
                                      "The server has no region table yet. Load it first: field-server region import data/kota-semarang-wilayah.csv --kota-code 3374 --kota-name \"Kota Semarang\""))
            }
            store.fail(store.text("--area \"\(area)\" tidak ada di tabel wilayah server. Lihat: field-server region list",
                                  "--area \"\(area)\" is not in the server's region table. See: field-server region list"))
        }
    }
}
