import Foundation
import Testing

@Suite("field CLI at a terminal: prompts for what the flags did not give")
struct InteractiveTests {
    /// Runs `field` under `script`, which gives it a pseudo-terminal. Each answer is typed once
    /// its prompt has appeared (nil: at once), as a person would.
    func atTerminal(_ cli: CLI, _ arguments: [String], dialog: [(prompt: String?, answer: String)],
                    env: [String: String] = [:]) throws -> CLI.Result {
        let command = ([CLI.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
        process.environment = cli.environment(env)
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

    func atTerminal(_ cli: CLI, _ arguments: [String], answers: [String]) throws -> CLI.Result {
        try atTerminal(cli, arguments, dialog: answers.map { (nil, $0) })
    }

    @Test("household add asks for the card, the address and each member", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func householdPrompts() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let result = try atTerminal(cli, ["household", "add"], answers: [
            "3374061203150007", "Jl. Setiabudi Gg. Mawar 12", "3", "5",
            "y", "Budi Santoso", "L", "1980-05-15", "kepala", "3374061505800003",
            "n",
        ])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("No. KK (16 angka)") && result.stdout.contains("Tambah anggota keluarga?"))
        #expect(result.stdout.contains("Rumah tangga tersimpan"))
        let households = try cli.run("household", "list", "--json").jsonArray()
        #expect(households.count == 1)
        #expect(households.first?["rt"] as? String == "003" && households.first?["members"] as? Int == 1)
        #expect(households.first?["head"] as? String == "Budi Santoso")
    }

    @Test("household edit at a terminal keeps a value when Enter is pressed", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func editPrompts() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        let id = try #require(try cli.run("household", "add", "--json", "--kk", "3374061203150007", "--address", "Jl. Lama 1",
                                          "--rt", "3", "--rw", "5").jsonObject()["id"] as? String)
        let result = try atTerminal(cli, ["household", "edit", id], answers: ["", "Jl. Baru 2", "", ""])
        #expect(result.status == 0, "\(result.stdout)")
        let shown = try cli.run("household", "show", id, "--json", "--reveal").jsonObject()
        #expect(shown["address"] as? String == "Jl. Baru 2")
        #expect(shown["noKK"] as? String == "3374061203150007" && shown["rt"] as? String == "003")
    }

    @Test("The passphrase is asked for twice at init, without echo, and once to open", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func passphrasePrompts() throws {
        let cli = try CLI()
        let noEnv = ["FIELD_PASSPHRASE": ""]
        let initArgs = ["init", "--name", "Siti", "--role", "psm", "--area", "3374/banyumanik/srondol-kulon", "--kdf-cost", "10"]
        let mismatch = try atTerminal(cli, initArgs, dialog: [("Kata sandi replika", "kata-sandi-satu"), ("Ulangi", "kata-sandi-dua")], env: noEnv)
        #expect(mismatch.status == 64 && mismatch.stdout.contains("Kedua kata sandi tidak sama"))
        #expect(!FileManager.default.fileExists(atPath: cli.database))

        let created = try atTerminal(cli, initArgs, dialog: [("Kata sandi replika", "kata-sandi-satu"), ("Ulangi", "kata-sandi-satu")], env: noEnv)
        #expect(created.status == 0, "\(created.stdout)")
        #expect(created.stdout.contains("Kata sandi replika") && created.stdout.contains("Ulangi kata sandi"))
        #expect(!created.stdout.contains("kata-sandi-satu"), "the passphrase is not echoed")
        let opened = try atTerminal(cli, ["household", "list"], dialog: [("Kata sandi", "kata-sandi-satu")], env: noEnv)
        #expect(opened.status == 0 && opened.stdout.contains("0 rumah tangga"))
        let wrong = try atTerminal(cli, ["household", "list"], dialog: [("Kata sandi", "bukan-ini")], env: noEnv)
        #expect(wrong.status == 5 && wrong.stdout.contains("Kata sandi salah"))
    }
}
