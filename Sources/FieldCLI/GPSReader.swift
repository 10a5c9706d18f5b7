import FieldModels
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One position from gpsd, the daemon Debian's `gpsd` package runs for a USB GPS receiver, over
/// its JSON protocol on TCP (`?WATCH={"enable":true,"json":true}`, then `TPV` reports). Waits
/// for a 2D or 3D fix up to a time limit, and says plainly what is missing when there is none:
/// no gpsd, no receiver, or no fix yet.
struct GPSReader {
    var host: String
    var port: UInt16
    var timeout: TimeInterval

    /// `$FIELD_GPSD` (`host:port`, default `127.0.0.1:2947`) and `$FIELD_GPS_TIMEOUT` (seconds, default 30).
    static func fromEnvironment() -> GPSReader {
        let environment = ProcessInfo.processInfo.environment
        let address = environment["FIELD_GPSD"] ?? "127.0.0.1:2947"
        let parts = address.split(separator: ":")
        let port = parts.count == 2 ? UInt16(parts[1]) ?? 2947 : 2947
        return GPSReader(host: parts.first.map(String.init) ?? "127.0.0.1", port: port,
                         timeout: environment["FIELD_GPS_TIMEOUT"].flatMap(TimeInterval.init) ?? 30)
    }

    func fix() throws -> GeoPoint {
        let socket = try connect()
        defer { close(socket) }
        let watch = "?WATCH={\"enable\":true,\"json\":true};\n"
        _ = watch.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        let deadline = Date().addingTimeInterval(timeout)
        var pending = Data(), sawDevice = false
        while Date() < deadline {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000))) > 0 else { break }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            pending.append(contentsOf: buffer[0..<count])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                guard let report = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else { continue }
                switch report["class"] as? String {
                case "DEVICES":
                    let devices = report["devices"] as? [Any] ?? []
                    sawDevice = sawDevice || !devices.isEmpty
                    if devices.isEmpty { throw noReceiver }
                case "DEVICE":
                    sawDevice = true
                case "TPV":
                    sawDevice = true
                    if let point = Self.point(report) { return point }
                default:
                    continue
                }
            }
        }
        throw sawDevice ? noFix : noReceiver
    }

    /// A fix from a TPV report: mode 2 (2D) or 3 (3D), with a latitude and longitude.
    static func point(_ report: [String: Any]) -> GeoPoint? {
        guard (report["mode"] as? Int ?? 0) >= 2, let lat = report["lat"] as? Double, let lon = report["lon"] as? Double,
              lat.isFinite, lon.isFinite else { return nil }
        let error = (report["eph"] as? Double) ?? [report["epx"] as? Double, report["epy"] as? Double].compactMap { $0 }.max()
        let round6 = { (value: Double) in (value * 1_000_000).rounded() / 1_000_000 }
        return GeoPoint(latitude: round6(lat), longitude: round6(lon), accuracy: error.map { Int($0.rounded()) }, source: .gps)
    }

    private func connect() throws -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            throw CLIError("$FIELD_GPSD '\(host)' bukan alamat IPv4.", "$FIELD_GPSD '\(host)' is not an IPv4 address.", field: "gps")
        }
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw CLIError("""
                GPS tidak terbaca: gpsd tidak berjalan di \(host):\(port). Colokkan penerima GPS USB, lalu jalankan \
                `sudo systemctl start gpsd` (paket Debian gpsd). Atau ketik lokasinya: --lat -6.99 --lon 110.42
                """, """
                No GPS reading: gpsd is not running on \(host):\(port). Plug in the USB GPS receiver, then run \
                `sudo systemctl start gpsd` (Debian package gpsd). Or type the location: --lat -6.99 --lon 110.42
                """, field: "gps", code: Exit.setup)
        }
        return socket
    }

    private var noReceiver: CLIError {
        CLIError("gpsd berjalan, tetapi tidak ada penerima GPS yang terpasang. Colokkan GPS USB (lihat: gpsmon), atau ketik --lat/--lon.",
                 "gpsd is running, but no GPS receiver is attached. Plug in the USB GPS (see: gpsmon), or type --lat/--lon.",
                 field: "gps", code: Exit.setup)
    }

    private var noFix: CLIError {
        CLIError("Belum ada posisi dari GPS dalam \(Int(timeout)) detik. Bawa laptop ke tempat terbuka dan coba lagi, atau ketik --lat/--lon.",
                 "No position from the GPS within \(Int(timeout)) seconds. Take the laptop into the open and try again, or type --lat/--lon.",
                 field: "gps", code: Exit.setup)
    }
}
