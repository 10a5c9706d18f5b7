import ArgumentParser
import FieldModels
import Foundation
import LocalStore

struct InitCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "init",
            abstract: L("Siapkan laptop ini: buat replika terenkripsi untuk seorang petugas.",
                        "Set up this laptop: create an encrypted replica for one agent."),
            discussion: L("""
                Contoh (PSM di Srondol Kulon, memuat daftar wilayah Kota Semarang sekaligus):
                  field init --name "Siti Aminah" --role psm --area "Srondol Kulon" --ntr NTR-3374-0012 \\
                      --regions kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                Peran: psm, psm-koordinator (wilayah: kelurahan), tksk, pkh-pendamping (kecamatan), dinas (kota).
                Tanpa --regions, --area harus berupa jalur wilayah, mis. 33.74.11.1006.
                Kata sandi melindungi NIK, No. KK dan data sensitif; bila hilang, data tidak dapat dibuka.
                """, """
                Example (a PSM in Srondol Kulon, loading the Kota Semarang region list at once):
                  field init --name "Siti Aminah" --role psm --area "Srondol Kulon" --ntr NTR-3374-0012 \\
                      --regions kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                Roles: psm, psm-koordinator (area: a kelurahan), tksk, pkh-pendamping (a kecamatan), dinas (the city).
                Without --regions, --area must be a region path, e.g. 33.74.11.1006.
                The passphrase protects NIK, No. KK and sensitive data; if it is lost, the data cannot be opened.
                """))
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp(L("Nama petugas.", "Agent's name."))) var name: String?
    @Option(help: ArgumentHelp(L("Peran: psm, psm-koordinator, tksk, pkh-pendamping, dinas.",
                                 "Role: psm, psm-koordinator, tksk, pkh-pendamping, dinas."))) var role: AgentRole?
    @Option(help: ArgumentHelp(L("Wilayah tugas: nama atau jalur wilayah.", "Assigned area: a name or region path."))) var area: String?
    @Option(help: ArgumentHelp(L("Nomor Tanda Registrasi (NTR).", "Registration number (NTR)."))) var ntr: String?
    @Option(name: .customLong("ntr-from"), help: ArgumentHelp(L("NTR berlaku sejak (YYYY-MM-DD).", "NTR valid from."))) var ntrFrom: String?
    @Option(name: .customLong("ntr-until"), help: ArgumentHelp(L("NTR berlaku sampai.", "NTR valid until."))) var ntrUntil: String?
    @Option(help: ArgumentHelp(L("Jenis registrasi: tks, penyuluh, relawan (NTR) atau str (Pekerja Sosial). NTR berlaku 3 tahun (TKS, Penyuluh) atau 2 (Relawan), STR 5.",
                                 "Registration kind: tks, penyuluh, relawan (NTR) or str (Pekerja Sosial). An NTR is valid 3 years (TKS, Penyuluh) or 2 (Relawan), an STR 5.")))
    var registration: RegistrationKind?
    @Option(help: ArgumentHelp(L("Berkas CSV wilayah untuk dimuat (kecamatan,kelurahan,kodepos).",
                                 "Region CSV file to load (kecamatan,kelurahan,kodepos)."), valueName: "FILE")) var regions: String?
    @Option(name: .customLong("kota-code"), help: ArgumentHelp(L("Kode kota Kemendagri, mis. 3374.", "City code, e.g. 3374."))) var kotaCode: String?
    @Option(name: .customLong("kota-name"), help: ArgumentHelp(L("Nama kota, mis. \"Kota Semarang\".", "City name."))) var kotaName: String?
    /// scrypt cost for tests (2^N); the default is the standard cost.
    @Option(name: .customLong("kdf-cost"), help: .hidden) var kdfCost: Int?

    func run() throws {
        let console = global.console
        try console.run {
            let name = try value(name, ask: L("Nama petugas", "Agent's name"), flag: "name")
            let role = try self.role ?? Parse.choice(value(nil, ask: L("Peran (psm, psm-koordinator, tksk, pkh-pendamping, dinas)",
                                                                       "Role (psm, psm-koordinator, tksk, pkh-pendamping, dinas)"), flag: "role"),
                                                     flag: "role", as: AgentRole.self)!
            let areaText = try value(area, ask: L("Wilayah tugas", "Assigned area"), flag: "area")

            var catalog: RegionCatalog?
            if let regions { catalog = try RegionCommand.Import.load(regions, kotaCode: kotaCode, kotaName: kotaName, fallback: nil) }
            let areaID = try resolveArea(areaText, role: role, catalog: catalog)
            let agent = Agent(name: name, role: role, areaID: areaID, ntrNumber: ntr ?? "",
                              ntrValidFrom: try Parse.date(ntrFrom, flag: "ntr-from"),
                              ntrValidUntil: try Parse.date(ntrUntil, flag: "ntr-until"),
                              registration: registration)
            let issues = agent.validate(in: ValidationContext(today: CivilDate(Date())))
            if let error = issues.errors.first { throw CLIError(error.text.id, error.text.en, field: error.field) }

            let path = global.databasePath
            if FileManager.default.fileExists(atPath: path) {
                throw StoreError(.alreadyInitialized, id: "Sudah ada replika di \(path). Pakai --db BERKAS lain untuk replika baru.",
                                 en: "A replica already exists at \(path). Use --db OTHER-FILE for a new one.")
            }
            let kdf = kdfCost.map { Vault.KDFParameters(logN: $0) } ?? .standard
            let replica = try LocalReplica.create(at: .file(path), passphrase: global.passphrase(confirm: true), agent: agent, kdf: kdf)
            if let catalog { try replica.importRegions(catalog) }
            try replica.save([agent])
            console.say("Replika dibuat: \(path)", "Replica created: \(path)")
            console.say("  Petugas : \(agent.name) (\(role.name.id)), \(agent.id)", "  Agent   : \(agent.name) (\(role.name.en)), \(agent.id)")
            let named = (try? replica.region(id: areaID)).flatMap { $0 }.map { " = \($0.name)" } ?? ""
            console.say("  Wilayah : \(areaID)\(named)", "  Area    : \(areaID)\(named)")
            console.say("  Perangkat: \(replica.replicaID.rawValue)", "  Device  : \(replica.replicaID.rawValue)")
            for warning in issues.warnings { console.line(L("  Peringatan: ", "  Warning: ") + warning.text.text) }
            if catalog == nil {
                console.say("Langkah berikut: field region import BERKAS.csv", "Next: field region import FILE.csv")
            } else {
                console.say("Langkah berikut: field household add --help", "Next: field household add --help")
            }
            struct Created: Encodable { var path, replica, agent, area: String }
            try console.emit(Created(path: path, replica: replica.replicaID.rawValue, agent: agent.id, area: areaID))
        }
    }

    private func value(_ given: String?, ask question: String, flag: String) throws -> String {
        if let given, !given.isEmpty { return given }
        if Terminal.isInteractive, let answer = Terminal.ask(question), !answer.isEmpty { return answer }
        throw CLIError("--\(flag) wajib diisi. Lihat: field init --help", "--\(flag) is required. See: field init --help", field: flag)
    }

    private func resolveArea(_ text: String, role: AgentRole, catalog: RegionCatalog?) throws -> String {
        if let catalog {
            let ids = catalog.resolve(text, depth: role.areaDepth)
            if ids.count == 1 { return ids[0] }
            if ids.count > 1, Terminal.isInteractive {
                let names = Dictionary((catalog.kecamatan.map { ($0.id, $0.name) } + catalog.kelurahan.map { ($0.id, $0.name) }),
                                       uniquingKeysWith: { first, _ in first })
                print(L("Ada beberapa wilayah bernama '\(text)':", "Several areas are named '\(text)':"))
                for (index, id) in ids.enumerated() {
                    let parent = RegionPath.parent(of: id) ?? ""
                    print("  \(index + 1). \(names[id] ?? id), \(names[parent] ?? parent)  \(id)")
                }
                if let answer = Terminal.ask(L("Pilih nomornya", "Choose its number")), let number = Int(answer), ids.indices.contains(number - 1) {
                    return ids[number - 1]
                }
            }
            throw CLIError(ids.isEmpty ? "Wilayah '\(text)' tidak ada di daftar wilayah untuk peran \(role.rawValue)."
                                       : "Ada beberapa wilayah bernama '\(text)': \(ids.joined(separator: ", ")). Pakai kode Kemendagri-nya.",
                           ids.isEmpty ? "Area '\(text)' is not in the region list for role \(role.rawValue)."
                                       : "Several areas are named '\(text)': \(ids.joined(separator: ", ")). Use its Kemendagri code.",
                           field: "area", code: Exit.notFound)
        }
        guard let code = RegionDirectory.dotted(text.trimmingWhitespace()), RegionPath.depth(of: code) == role.areaDepth else {
            let example = ["33.74", "33.74.11", "33.74.11.1006"][role.areaDepth - 1]
            throw CLIError("Tanpa --regions, --area harus kode Kemendagri wilayah tugas, mis. \(example) (dapat: '\(text)').",
                           "Without --regions, --area must be the Kemendagri code of the area, e.g. \(example) (got '\(text)').",
                           field: "area")
        }
        return code
    }
}

struct RegionCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "region",
                             abstract: L("Daftar wilayah: kota, kecamatan, kelurahan.", "Region list: city, kecamatan, kelurahan."),
                             subcommands: [Import.self, List.self])
    }

    struct Import: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(
                abstract: L("Muat wilayah dari berkas CSV.", "Load regions from a CSV file."),
                discussion: L("""
                    Berkas CSV berkolom kecamatan,kelurahan[,kodepos], satu kelurahan per baris. Contoh:
                      field region import kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                    Memuat berkas yang sama dua kali tidak mengubah apa pun.
                    """, """
                    A CSV file with columns kecamatan,kelurahan[,kodepos], one kelurahan per line. Example:
                      field region import kota-semarang-wilayah.csv --kota-code 3374 --kota-name "Kota Semarang"
                    Importing the same file twice changes nothing.
                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("Berkas CSV.", "CSV file."), valueName: "FILE")) var file: String
        @Option(name: .customLong("kota-code"), help: ArgumentHelp(L("Kode kota (bawaan: kota wilayah tugas).",
                                                                     "City code (default: the city of your area)."))) var kotaCode: String?
        @Option(name: .customLong("kota-name"), help: ArgumentHelp(L("Nama kota.", "City name."))) var kotaName: String?

        func run() throws {
            try global.withReplica { replica, console in
                let kota = RegionPath.kotaCode(of: replica.agent.areaID)
                let kotaID = RegionDirectory.dotted(kotaCode ?? kota) ?? kota
                let fallback = try replica.region(id: kotaID).map { Kota(code: RegionPath.kotaCode(of: $0.id), name: $0.name) }
                let catalog = try Self.load(file, kotaCode: kotaCode ?? kota, kotaName: kotaName, fallback: fallback)
                let summary = try replica.importRegions(catalog)
                console.say("\(catalog.kota.name): \(summary.kecamatan) kecamatan, \(summary.kelurahan) kelurahan (\(summary.added) baru, \(summary.unchanged) sudah ada).",
                            "\(catalog.kota.name): \(summary.kecamatan) kecamatan, \(summary.kelurahan) kelurahan (\(summary.added) new, \(summary.unchanged) already there).")
                struct Summary: Encodable { var kota: String; var kecamatan, kelurahan, added, unchanged: Int }
                try console.emit(Summary(kota: catalog.kota.code, kecamatan: summary.kecamatan, kelurahan: summary.kelurahan,
                                         added: summary.added, unchanged: summary.unchanged))
            }
        }

        static func load(_ file: String, kotaCode: String?, kotaName: String?, fallback: Kota?) throws -> RegionCatalog {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("Berkas '\(file)' tidak dapat dibaca. Periksa nama dan letaknya.",
                               "Cannot read the file '\(file)'. Check its name and location.", field: "file", code: Exit.notFound)
            }
            guard let code = kotaCode ?? fallback?.code, let name = kotaName ?? fallback?.name else {
                throw CLIError("Sebutkan kotanya: --kota-code 3374 --kota-name \"Kota Semarang\".",
                               "Name the city: --kota-code 3374 --kota-name \"Kota Semarang\".", field: "kota-code")
            }
            do {
                return try RegionCatalog.parse(csv: String(decoding: data, as: UTF8.self), kota: Kota(code: code, name: name))
            } catch {
                let prefix = error.line > 0 ? "\(file):\(error.line): " : "\(file): "
                throw CLIError(prefix + error.text.id, prefix + error.text.en, field: "file")
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tampilkan kecamatan dan kelurahan wilayah Anda, atau wilayah mana pun di Indonesia menurut kode Kemendagri.",
                                             "List the kecamatan and kelurahan of your area, or any region of Indonesia by its Kemendagri code."),
                                 discussion: L("""
                                     Tanpa argumen: kecamatan kota Anda (dari replika). Dengan kode atau nama: wilayah itu
                                     dalam daftar Kemendagri 2025 (seluruh Indonesia, ikut terpasang) dan isinya satu tingkat di bawah.
                                       field region list --kecamatan Banyumanik
                                       field region list indonesia        (38 provinsi)
                                       field region list 33.74            (kecamatan di Kota Semarang)
                                       field region list "Srondol Kulon"
                                     """, """
                                     Without an argument: the kecamatan of your city (from the replica). With a code or a name:
                                     that region in the Kemendagri 2025 list (all Indonesia, shipped with field) and what lies one level below it.
                                       field region list --kecamatan Banyumanik
                                       field region list indonesia        (38 provinces)
                                       field region list 33.74            (the kecamatan of Kota Semarang)
                                       field region list "Srondol Kulon"
                                     """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("Kode Kemendagri (33.74.11) atau nama wilayah, atau 'indonesia'.",
                                       "A Kemendagri code (33.74.11) or a region name, or 'indonesia'."), valueName: "CODE|NAME"))
        var region: String?
        @Option(help: ArgumentHelp(L("Kecamatan yang kelurahannya ditampilkan.", "Kecamatan whose kelurahan to list."))) var kecamatan: String?

        func validate() throws {
            guard region == nil || kecamatan == nil else {
                throw ValidationError(L("Pakai kode/nama atau --kecamatan, tidak keduanya.", "Use a code/name or --kecamatan, not both."))
            }
        }

        func run() throws {
            if let region {
                let console = global.console
                return try console.run { try NationalList.show(region, console: console) }
            }
            try global.withReplica { replica, console in
                let parent: String
                if let kecamatan {
                    parent = try replica.resolveRegion(kecamatan, level: .kecamatan).id
                } else {
                    parent = RegionPath.kota(of: replica.agent.areaID)
                }
                let entries = try replica.regions(under: parent)
                if entries.isEmpty {
                    console.say("Belum ada wilayah. Muat dengan: field region import BERKAS.csv",
                                "No regions yet. Load them with: field region import FILE.csv")
                }
                for entry in entries {
                    console.line("\(entry.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(entry.postalCode ?? "     ")  \(entry.id)")
                }
                try console.emit(entries)
            }
        }
    }
}
