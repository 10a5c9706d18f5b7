import ArgumentParser
import FieldModels
import Foundation
import LocalStore

#if canImport(Glibc)
import Glibc
#endif

/// The language of this run, known before arguments are parsed so that help text can follow it:
/// `--lang en` on the command line, else `$FIELD_LANG`, else Bahasa Indonesia.
let language: Language = {
    let args = CommandLine.arguments
    for (index, arg) in args.enumerated() {
        if arg.hasPrefix("--lang=") { return Language(tag: String(arg.dropFirst(7))) }
        if arg == "--lang", index + 1 < args.count { return Language(tag: args[index + 1]) }
    }
    return Language(tag: ProcessInfo.processInfo.environment["FIELD_LANG"])
}()

/// A text in the language of this run.
func L(_ id: String, _ en: String) -> String { language == .en ? en : id }

extension LocalizedText {
    var text: String { self[language] }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(L("Berkas replika (bawaan: $FIELD_DB atau ~/.local/share/fieldsync/replica.sqlite).",
                                             "Replica file (default: $FIELD_DB or ~/.local/share/fieldsync/replica.sqlite)."),
                                           valueName: "FILE"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp(L("Bahasa pesan: id atau en (bawaan: $FIELD_LANG, lalu id).",
                                             "Message language: id or en (default: $FIELD_LANG, then id)."), valueName: "id|en"))
    var lang: String?

    @Flag(name: .long, help: ArgumentHelp(L("Keluaran JSON untuk skrip.", "JSON output for scripts.")))
    var json = false

    var databasePath: String {
        if let db { return db }
        let env = ProcessInfo.processInfo.environment
        if let path = env["FIELD_DB"], !path.isEmpty { return path }
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/share")
        return base + "/fieldsync/replica.sqlite"
    }
}

/// Exit codes, documented in `field --help`.
enum Exit {
    static let refused: Int32 = 3        // rules or a duplicate NIK refused the save
    static let notFound: Int32 = 4       // no such record or region
    static let wrongPassphrase: Int32 = 5
    static let outsideArea: Int32 = 6
    static let setup: Int32 = 7          // no replica yet, or one already there (or not enrolled)
    static let network: Int32 = 8        // the server could not be reached, even after retries
    static let serverRefused: Int32 = 9  // the server refused (scope, revoked device, bad code…)
    static let diskFull: Int32 = 10      // the laptop's disk is full; nothing half-written
    static let failure: Int32 = 1
}

/// A user-facing error raised by the CLI itself (bad flag values and the like).
struct CLIError: Error {
    var text: LocalizedText
    var code: Int32 = ExitCode.validationFailure.rawValue
    var field: String? = nil

    init(_ id: String, _ en: String, field: String? = nil, code: Int32 = ExitCode.validationFailure.rawValue) {
        self.text = LocalizedText(id: id, en: en)
        self.field = field
        self.code = code
    }
}

/// Output of one command run: text for people, JSON for scripts, errors on stderr.
struct Console {
    let options: GlobalOptions

    var json: Bool { options.json }

    func line(_ text: String = "") {
        guard !json else { return }
        print(text)
    }

    func say(_ id: String, _ en: String) { line(L(id, en)) }

    func emit<T: Encodable>(_ value: T) throws {
        guard json else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Runs a command body, turning every error into a clear message and a non-zero exit code.
    func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as StoreError {
            report(code: error.code.rawValue, text: error.text.text, issues: error.issues)
            throw ExitCode(Self.exitCode(error.code))
        } catch let error as CLIError {
            report(code: "input", text: error.text.text, issues: [], field: error.field)
            throw ExitCode(error.code)
        }
    }

    private func report(code: String, text: String, issues: [ValidationIssue], field: String? = nil) {
        if json {
            struct Problem: Encodable { var code: String; var message: String; var field: String?; var issues: [IssueJSON] }
            let problem = Problem(code: code, message: text, field: field, issues: issues.map(IssueJSON.init))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            warn(String(decoding: (try? encoder.encode(["error": problem])) ?? Data(), as: UTF8.self))
        } else {
            warn(L("Galat: ", "Error: ") + text)
        }
    }

    static func exitCode(_ code: StoreError.Code) -> Int32 {
        switch code {
        case .validation, .duplicateNIK: Exit.refused
        case .notFound, .unknownRegion: Exit.notFound
        case .wrongPassphrase: Exit.wrongPassphrase
        case .outsideArea: Exit.outsideArea
        case .notInitialized, .alreadyInitialized, .notEnrolled: Exit.setup
        case .database, .corrupt: Exit.failure
        case .refused: Exit.serverRefused
        case .diskFull: Exit.diskFull
        }
    }
}

/// A rule finding as scripts see it.
struct IssueJSON: Encodable {
    var severity: String
    var field: String
    var code: String
    var message: String

    init(_ issue: ValidationIssue) {
        severity = issue.severity.rawValue
        field = issue.field
        code = issue.code
        message = issue.text.text
    }
}

/// Asking a person at a terminal. Scripts (no terminal) are never prompted.
enum Terminal {
    static var isInteractive: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1 }

    /// Asks for a value; Enter keeps `current`. Returns nil at end of input.
    static func ask(_ question: String, current: String? = nil) -> String? {
        let suffix = current.map { $0.isEmpty ? "" : " [\($0)]" } ?? ""
        print(question + suffix + ": ", terminator: "")
        fflush(nil)
        guard let answer = readLine() else { return nil }
        let trimmed = answer.trimmingWhitespace()
        return trimmed.isEmpty ? current : trimmed
    }

    static func confirm(_ question: String) -> Bool {
        let answer = ask(question + L(" (y/t)", " (y/n)"))?.lowercased() ?? ""
        return answer == "y" || answer == "ya" || answer == "yes"
    }

    /// Reads a passphrase without echoing it.
    static func secret(_ question: String) -> String? {
        var old = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &old) == 0
        if haveTerminal {
            var quiet = old
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        // The prompt comes after echo is off, so nothing typed after it is shown.
        print(question + ": ", terminator: "")
        fflush(nil)
        defer {
            if haveTerminal { tcsetattr(STDIN_FILENO, TCSANOW, &old) }
            print("")
        }
        return readLine()
    }
}

/// A byte count as people read it: `0 bytes`, `817 bytes`, `96 KB`, `1.2 MB` (never "Zero KB").
func byteCount(_ bytes: Int) -> String {
    bytes < 1000 ? "\(bytes) bytes" : ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
}
