import ArgumentParser
import FieldModels
import Foundation

// The closed lists of the records are flag types: ArgumentParser refuses a value outside the
// list before a command runs, names the flag and lists the choices (`field person edit P-… --sex X`),
// and shell completion offers them. Typed in any case; sex and status also as words people use.

extension Sex: ExpressibleByArgument {
    public init?(argument: String) { self.init(flexible: argument) }
}

extension LifeStatus: ExpressibleByArgument {
    public init?(argument: String) { self.init(flexible: argument) }
}

/// A closed list typed in any case (`KEPALA`, `Kepala`, `kepala`).
protocol CaseInsensitiveChoice: ExpressibleByArgument, RawRepresentable, CaseIterable where RawValue == String {}

extension CaseInsensitiveChoice {
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension FamilyRelationship: CaseInsensitiveChoice {}
extension MaritalStatus: CaseInsensitiveChoice {}
extension Education: CaseInsensitiveChoice {}
extension AgentRole: CaseInsensitiveChoice {}
extension RegistrationKind: CaseInsensitiveChoice {}
extension SPMService: CaseInsensitiveChoice {}
extension ReferralDestination: CaseInsensitiveChoice {}
extension ReferralStatus: CaseInsensitiveChoice {}

/// Several choices in one flag, joined with commas (`--disability fisik,sensorik-netra`); an
/// empty value (`""`) clears them. A value outside the list refuses the whole flag.
struct ChoiceList<Choice: RawRepresentable & CaseIterable & Hashable & Sendable>: ExpressibleByArgument, Sendable
where Choice.RawValue == String {
    var values: Set<Choice>

    init?(argument: String) {
        var values = Set<Choice>()
        for element in CodeList.elements(argument) {
            guard let value = Choice(rawValue: element) else { return nil }
            values.insert(value)
        }
        self.values = values
    }

    static var allValueStrings: [String] { Choice.allCases.map(\.rawValue) }
}

/// ArgumentParser's own messages (a value outside a list, a missing or unknown flag, usage and
/// help headings) in the language of this run: the one place every input error is worded.
enum UsageMessages {
    static func localized(_ message: String, in language: Language = language) -> String {
        guard language == .id else { return message }
        var text = message
        let rules: [(String, String)] = [
            (#"^Error: "#, "Galat: "),
            (#"The value '(.*?)' is invalid for '(.*?)'"#, "Nilai '$1' tidak sah untuk '$2'"),
            (#"\. Please provide one of the following:"#, ". Pilihan:"),
            (#"Missing expected argument '(.*?)'"#, "Argumen wajib belum diberikan: '$1'"),
            (#"Unknown option '(.*?)'\. Did you mean '(.*?)'\?"#, "Opsi '$1' tidak dikenal. Maksud Anda '$2'?"),
            (#"Unknown option '(.*?)'"#, "Opsi '$1' tidak dikenal"),
            (#"Missing value for '(.*?)'"#, "Nilai untuk '$1' belum diberikan"),
            (#"Unexpected argument '(.*?)'"#, "Argumen '$1' tidak diharapkan"),
            (#"See '(.*?)' for more information\."#, "Lihat '$1' untuk keterangan lebih lanjut."),
            (#"See '(.*?)' for detailed help\."#, "Lihat '$1' untuk bantuan lengkap."),
            (#"(?m)^Usage:"#, "Cara pakai:"),
            (#"(?m)^Help: "#, "Bantuan: "),
            (#"(?m)^USAGE:"#, "CARA PAKAI:"),
            (#"(?m)^OVERVIEW:"#, "RINGKASAN:"),
            (#"(?m)^ARGUMENTS:"#, "ARGUMEN:"),
            (#"(?m)^OPTIONS:"#, "OPSI:"),
            (#"(?m)^SUBCOMMANDS:"#, "SUBPERINTAH:"),
            (#"Show help information\."#, "Tampilkan bantuan."),
            (#"Show the version\."#, "Tampilkan versi."),
        ]
        for (pattern, template) in rules {
            text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        // ". Please provide one of 'a', 'b' or 'c'." becomes ". Pilihan: a, b, c."
        let list = try! NSRegularExpression(pattern: #"\. Please provide one of ((?:'[^']*'(?:, | and | or )?)+)\."#)
        if let match = list.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
           let whole = Range(match.range, in: text), let inner = Range(match.range(at: 1), in: text) {
            let quoted = String(text[inner])
            let values = try! NSRegularExpression(pattern: "'([^']*)'")
                .matches(in: quoted, range: NSRange(quoted.startIndex..., in: quoted))
                .compactMap { Range($0.range(at: 1), in: quoted).map { String(quoted[$0]) } }
            text.replaceSubrange(whole, with: ". Pilihan: \(values.joined(separator: ", ")).")
        }
        return text
    }
}

extension Field {
    /// Runs the command; ArgumentParser's refusals and help are worded by `UsageMessages`.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = UsageMessages.localized(fullMessage(for: error))
            if code == .success {
                if !message.isEmpty { print(message) }
            } else if !message.isEmpty {
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}
