import ArgumentParser
import FieldModels
import Foundation

/// `field-server staff …`: the accounts of the Dinas pages (`/dinas`).
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Akun staf untuk halaman Dinas / Staff accounts for the Dinas pages.",
        discussion: """
            Peran: viewer (membaca), operator (juga memutuskan laporan dan konflik), admin (juga mengelola staf).
            Kata sandi diminta di terminal, atau dibaca dari $FIELD_STAFF_PASSWORD untuk skrip; minimal 10 karakter,
            disimpan hanya sebagai hash bcrypt. Halaman: http://SERVER/dinas
            Contoh: field-server staff add --username rina --name "Rina Wulandari" --role operator
            """,
        subcommands: [Add.self, List.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tambah akun staf.")
        @OptionGroup var store: StoreOptions
        @Option(help: "Nama pengguna: 3–40 huruf kecil, angka, titik, tanda hubung.") var username: String
        @Option(help: "Nama lengkap.") var name: String
        @Option(help: "Peran: viewer, operator, admin.") var role: String

        func run() async throws {
            guard let role = StaffRole(rawValue: role.lowercased()) else {
                store.fail(store.text("--role \"\(Grammar.shown(self.role))\" tidak dikenal; pilih: viewer, operator, admin.",
                                      "--role \"\(Grammar.shown(self.role))\" is unknown; choose: viewer, operator, admin."))
            }
            let password = ProcessInfo.processInfo.environment["FIELD_STAFF_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
                ?? getpass(store.text("Kata sandi untuk \(username): ", "Password for \(username): ")).map { String(cString: $0) } ?? ""
            try await store.withStore { server in
                try await server.addStaff(username: username, name: name, role: role, password: password, now: Clock.now)
                print(store.text("Staf \(username) (\(role.name.id)) ditambahkan. Masuk di /dinas/masuk.",
                                 "Staff member \(username) (\(role.name.en)) added. Log in at /dinas/masuk."))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Daftar akun staf (nama pengguna, nama, peran, status).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withStore { server in
                store.table(try await server.staff().map {
                    [$0.username, $0.name, $0.role.rawValue, $0.disabledAt == nil ? store.text("aktif", "active") : store.text("nonaktif", "disabled")]
                }, whenEmpty: "Belum ada akun staf. Tambah: field-server staff add --username NAMA --name \"Nama Lengkap\" --role operator",
                   "No staff accounts yet. Add one: field-server staff add --username NAME --name \"Full Name\" --role operator")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Nonaktifkan akun staf: ia tak bisa masuk lagi.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "Nama pengguna.") var username: String

        func run() async throws {
            try await store.withStore { server in
                guard try await server.disableStaff(username, now: Clock.now) else {
                    store.fail(store.text("Tidak ada akun staf aktif \(username). Lihat: field-server staff list",
                                          "No active staff account \(username). See: field-server staff list"))
                }
                print(store.text("Akun \(username) dinonaktifkan.", "Account \(username) disabled."))
            }
        }
    }
}
