import FieldModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif
@testable import LocalStore
import Testing

/// Places on households and visits through the real `field`: typed, read from a real gpsd fed
/// by Debian's gpsfake, or refused with a message that says what to do.
@Suite("Places: typed, from gpsd, checked", .serialized)
struct PlaceTests {
    /// NMEA sentences of a 3D fix at `latitude`, `longitude` (GGA, GSA, RMC), with checksums.
    static func nmea(latitude: Double, longitude: Double, seconds: Int = 30) -> String {
        func checksum(_ body: String) -> String { String(format: "%02X", body.utf8.reduce(0) { $0 ^ $1 }) }
        func minutes(_ degrees: Double, width: Int) -> String {
            let magnitude = abs(degrees), whole = Int(magnitude)
            return String(format: "%0\(width)d%08.5f", whole, (magnitude - Double(whole)) * 60)
        }
        let lat = minutes(latitude, width: 2) + "," + (latitude < 0 ? "S" : "N")
        let lon = minutes(longitude, width: 3) + "," + (longitude < 0 ? "W" : "E")
        var lines: [String] = []
        for second in 0..<seconds {
            let time = String(format: "0915%02d.00", second)
            for body in ["GPGGA,\(time),\(lat),\(lon),1,08,0.9,12.0,M,20.0,M,,", "GPGSA,A,3,01,02,03,04,05,06,07,08,,,,,1.5,0.9,1.2",
                         "GPRMC,\(time),A,\(lat),\(lon),0.0,0.0,031126,,,A"] {
                lines.append("$\(body)*\(checksum(body))")
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Runs `executable` with `arguments` in the background for the length of `body`, then
    /// kills it and every process whose command line holds one of `markers` (gpsfake ignores
    /// SIGTERM and starts a gpsd of its own, named by gpsfake's pid).
    static func running<T>(_ executable: String, _ arguments: [String], markers: [String], _ body: () throws -> T) throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            for marker in markers + ["gpsfake-\(process.processIdentifier).sock"] {
                let killer = Process()
                killer.executableURL = URL(fileURLWithPath: "/usr/bin/pkill")
                killer.arguments = ["-KILL", "-f", marker]
                try? killer.run()
                killer.waitUntilExit()
            }
            process.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 1.5)
        return try body()
    }

    static func located(_ cli: CLI, _ id: String) throws -> GeoPoint? {
        try cli.openReplica().existing(Household.self, id: id).record.location
    }

    @Test("--gps takes one fix from gpsd fed by gpsfake; without gpsd, or with gpsd and no receiver, it says so and saves nothing")
    func gps() throws {
        let cli = try CLI()
        try #require(try cli.run("init", "--name", "Siti", "--role", "psm", "--area", "Srondol Kulon", "--regions", CLI.semarangCSV,
                                 "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10").status == 0)
        let log = cli.directory.appendingPathComponent("fix.nmea")
        try Self.nmea(latitude: -6.990312, longitude: 110.422911).write(to: log, atomically: true, encoding: .utf8)
        let port = try TLSEndpoint.freePort()
        let env = ["FIELD_GPSD": "127.0.0.1:\(port)", "FIELD_GPS_TIMEOUT": "15"]
        let added = try Self.running("/usr/bin/gpsfake", ["-q", "-P", "\(port)", "-c", "0.2", "-1", log.path], markers: [log.path]) {
            try cli.run(["household", "add", "--kk", "3374061203150007", "--address", "Jl. GPS 1", "--rt", "1", "--rw", "2", "--gps", "--json"], env: env)
        }
        try #require(added.status == 0, "\(added.stderr)")
        let id = try #require(try added.jsonObject()["id"] as? String)
        let point = try #require(try Self.located(cli, id))
        #expect(point.source == .gps)
        #expect(abs(point.latitude - -6.990312) < 0.000_01 && abs(point.longitude - 110.422911) < 0.000_01)

        // No gpsd listening.
        let none = try cli.run(["household", "add", "--kk", "3374061203150008", "--address", "Jl. GPS 2", "--rt", "1", "--rw", "2", "--gps"],
                               env: ["FIELD_GPSD": "127.0.0.1:\(try TLSEndpoint.freePort())"])
        #expect(none.status == 7 && none.stderr.contains("gpsd tidak berjalan") && none.stderr.contains("--lat"))
        // gpsd running with no receiver attached.
        let bare = try TLSEndpoint.freePort()
        let socket = cli.directory.appendingPathComponent("gpsd.sock").path
        let empty = try Self.running("/usr/sbin/gpsd", ["-N", "-F", socket, "-S", "\(bare)"], markers: [socket]) {
            try cli.run(["household", "add", "--kk", "3374061203150009", "--address", "Jl. GPS 3", "--rt", "1", "--rw", "2", "--gps"],
                        env: ["FIELD_GPSD": "127.0.0.1:\(bare)", "FIELD_GPS_TIMEOUT": "5"])
        }
        #expect(empty.status == 7 && empty.stderr.contains("tidak ada penerima GPS"), "\(empty.stderr)")
        #expect(try cli.openReplica().records(Household.self).count == 1)
    }

    @Test("Typed places: outside Indonesia or half given refused by name; far from the kelurahan's other households saved with a warning")
    func typed() throws {
        let cli = try CLI()
        try #require(try cli.run("init", "--name", "Siti", "--role", "psm", "--area", "Srondol Kulon", "--regions", CLI.semarangCSV,
                                 "--kota-code", "3374", "--kota-name", "Kota Semarang", "--kdf-cost", "10").status == 0)
        func add(_ kk: Int, _ place: [String]) throws -> CLI.Result {
            try cli.run(["household", "add", "--kk", "33740612031500\(String(format: "%02d", kk))", "--address", "Jl. Titik \(kk)",
                         "--rt", "1", "--rw", "2"] + place)
        }
        let swapped = try add(1, ["--lat", "110.42", "--lon", "-6.99"])
        #expect(swapped.status != 0 && swapped.stderr.contains("--lat"))
        let paris = try add(2, ["--lat", "48.8584", "--lon", "2.2945"])
        #expect(paris.status != 0 && paris.stderr.contains("di luar Indonesia"))
        let half = try add(3, ["--lat", "-6.99"])
        #expect(half.status != 0 && half.stderr.contains("--lon"))
        #expect(try cli.openReplica().records(Household.self).isEmpty)
        // Comma decimals as typed on an Indonesian keyboard; three neighbours, then one 11 km off.
        for (kk, offset) in [(4, "1"), (5, "2"), (6, "3")] {
            let near = try add(kk, ["--lat", "-6,99\(offset)", "--lon", "110,42\(offset)", "--accuracy", "8"])
            #expect(near.status == 0 && !near.stdout.contains("Peringatan"), "\(near.stderr)")
        }
        let far = try add(7, ["--lat", "-7.09", "--lon", "110.42"])
        #expect(far.status == 0)
        #expect(far.stdout.contains("Peringatan") && far.stdout.contains("km dari titik tengah"))
        let points = try cli.openReplica().records(Household.self).compactMap(\.record.location)
        #expect(points.count == 4 && points.filter { $0.accuracy == 8 && $0.source == .typed }.count == 3)
    }
}
