import ArgumentParser
import FieldModels
import Foundation

/// `--lat/--lon [--accuracy]` or `--gps`: where a household is or a visit took place.
struct LocationOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(L("Lintang, derajat desimal (selatan negatif), mis. -6.990312.", "Latitude in decimal degrees (south negative), e.g. -6.990312."),
                               valueName: "DEG"))
    var lat: String?
    @Option(parsing: .unconditional, help: ArgumentHelp(L("Bujur, derajat desimal, mis. 110.422911.", "Longitude in decimal degrees, e.g. 110.422911."), valueName: "DEG"))
    var lon: String?
    @Option(help: ArgumentHelp(L("Akurasi lokasi yang diketik, dalam meter.", "Accuracy of a typed location, in metres."), valueName: "M"))
    var accuracy: Int?
    @Flag(help: ArgumentHelp(L("Ambil satu posisi dari GPS USB lewat gpsd (localhost:2947, atau $FIELD_GPSD).",
                               "Take one fix from a USB GPS through gpsd (localhost:2947, or $FIELD_GPSD).")))
    var gps = false

    var given: Bool { lat != nil || lon != nil || gps }

    /// The location given, or nil when none was. Errors name the flag and what to type.
    func resolve() throws -> GeoPoint? {
        if gps {
            guard lat == nil, lon == nil else {
                throw CLIError("Pakai --gps, atau --lat dan --lon; tidak keduanya.", "Use --gps, or --lat and --lon; not both.", field: "gps")
            }
            return try GPSReader.fromEnvironment().fix()
        }
        guard lat != nil || lon != nil else { return nil }
        guard let latText = lat, let lonText = lon else {
            throw CLIError("Lokasi perlu --lat dan --lon bersama.", "A location needs --lat and --lon together.", field: lat == nil ? "lat" : "lon")
        }
        let latitude = try Self.degrees(latText, flag: "lat", range: -90...90)
        let longitude = try Self.degrees(lonText, flag: "lon", range: -180...180)
        if let accuracy, !(0...100_000).contains(accuracy) {
            throw CLIError("--accuracy harus 0 sampai 100000 meter.", "--accuracy must be 0 to 100000 metres.", field: "accuracy")
        }
        let point = GeoPoint(latitude: latitude, longitude: longitude, accuracy: accuracy, source: .typed)
        if let issue = LocationRules.issues(point).first { throw CLIError(issue.text.id, issue.text.en, field: "lat") }
        return point
    }

    /// Decimal degrees; a comma as the decimal mark (as Indonesian keyboards type it) is taken.
    static func degrees(_ text: String, flag: String, range: ClosedRange<Double>) throws -> Double {
        let cleaned = text.trimmingWhitespace().replacingOccurrences(of: ",", with: ".")
        guard let value = Double(cleaned), value.isFinite, range.contains(value),
              cleaned.allSatisfy({ ("0"..."9").contains($0) || $0 == "." || $0 == "-" }) else {
            throw CLIError("--\(flag) '\(text)' bukan derajat desimal \(range.lowerBound)…\(range.upperBound), mis. -6.990312.",
                           "--\(flag) '\(text)' is not decimal degrees \(range.lowerBound)…\(range.upperBound), e.g. -6.990312.", field: flag)
        }
        return (value * 1_000_000).rounded() / 1_000_000
    }
}
