import Foundation

/// A place on the ground: where a household lives or a home visit took place. Latitude and
/// longitude in degrees (WGS 84), the accuracy in metres when the source gave one, and where
/// the point came from. Personal data: sealed at rest like the NIK.
///
/// Stored as one field value, so that a point moves as a whole and two different points for
/// one household are a conflict, never a mix of one's latitude and the other's longitude:
///
/// ```swift
/// GeoPoint("-6.990312,110.422911,8,gps")   // 8 m accuracy, from a GPS receiver
/// GeoPoint("-6.990000,110.420000,,typed")   // typed by hand, accuracy unknown
/// ```
public struct GeoPoint: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// One fix from a GPS receiver (gpsd).
        case gps
        /// The GPS position written in a photo's EXIF.
        case photo
        /// Typed by the agent (`--lat/--lon`).
        case typed
    }

    public var latitude: Double
    public var longitude: Double
    /// Horizontal accuracy in metres, when known.
    public var accuracy: Int?
    public var source: Source

    /// Indonesia's extent with a margin: from Sabang (≈ 95° E, 6° N) to Merauke (≈ 141° E, 11° S).
    public static let indonesiaLatitudes: ClosedRange<Double> = -11.5...6.5
    public static let indonesiaLongitudes: ClosedRange<Double> = 94.5...141.5

    public init(latitude: Double, longitude: Double, accuracy: Int? = nil, source: Source) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracy = accuracy
        self.source = source
    }

    /// Parses the stored form `LAT,LON,ACCURACY,SOURCE` (accuracy may be empty). Nil for anything
    /// else, including a point outside Indonesia: the grammar every door applies refuses it.
    public init?(_ text: String) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let latitude = Self.degrees(parts[0]), let longitude = Self.degrees(parts[1]),
              let source = Source(rawValue: parts[3]) else { return nil }
        var accuracy: Int?
        if !parts[2].isEmpty {
            guard parts[2].count <= 6, parts[2].allSatisfy(\.isASCIIDigit), let metres = Int(parts[2]) else { return nil }
            accuracy = metres
        }
        self.init(latitude: latitude, longitude: longitude, accuracy: accuracy, source: source)
        guard isInIndonesia else { return nil }
    }

    /// Degrees as stored: an optional minus, digits, a point and at most 7 decimals (≈ 1 cm).
    private static func degrees(_ text: String) -> Double? {
        let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(pieces.count), (1...3).contains(pieces[0].count), pieces[0].allSatisfy(\.isASCIIDigit) else { return nil }
        if pieces.count == 2 { guard (1...7).contains(pieces[1].count), pieces[1].allSatisfy(\.isASCIIDigit) else { return nil } }
        return Double(text)
    }

    public var isInIndonesia: Bool {
        Self.indonesiaLatitudes.contains(latitude) && Self.indonesiaLongitudes.contains(longitude)
    }

    /// The stored form, six decimals (≈ 10 cm).
    public var description: String {
        let metres: String = accuracy.map { String($0) } ?? ""
        return Self.format(latitude) + "," + Self.format(longitude) + "," + metres + "," + source.rawValue
    }

    /// How people read it: `-6.990312, 110.422911 (±8 m, GPS)`.
    public var display: LocalizedText {
        let where_ = "\(Self.format(latitude)), \(Self.format(longitude))"
        let metres = accuracy.map { "±\($0) m, " } ?? ""
        switch source {
        case .gps: return LocalizedText(id: "\(where_) (\(metres)GPS)", en: "\(where_) (\(metres)GPS)")
        case .photo: return LocalizedText(id: "\(where_) (\(metres)dari foto)", en: "\(where_) (\(metres)from a photo)")
        case .typed: return LocalizedText(id: "\(where_) (\(metres)diketik)", en: "\(where_) (\(metres)typed)")
        }
    }

    static func format(_ degrees: Double) -> String {
        let scaled = (degrees * 1_000_000).rounded()
        let sign = scaled < 0 ? "-" : ""
        let magnitude = Int64(abs(scaled))
        let fraction = String(magnitude % 1_000_000)
        return "\(sign)\(magnitude / 1_000_000).\(String(repeating: "0", count: 6 - fraction.count))\(fraction)"
    }

    /// The great-circle distance in metres (haversine, mean Earth radius).
    public func distance(to other: GeoPoint) -> Double {
        let radians = Double.pi / 180
        let dLat = (other.latitude - latitude) * radians, dLon = (other.longitude - longitude) * radians
        let a = pow(sin(dLat / 2), 2) + cos(latitude * radians) * cos(other.latitude * radians) * pow(sin(dLon / 2), 2)
        return 2 * 6_371_008.8 * asin(min(1, sqrt(a)))
    }

    /// The component-wise median of points (latitude and longitude each), or nil for none.
    /// Unlike the mean, one household typed far off does not drag it.
    public static func median(_ points: [GeoPoint]) -> GeoPoint? {
        guard !points.isEmpty else { return nil }
        func middle(_ values: [Double]) -> Double {
            let sorted = values.sorted(), half = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2
        }
        return GeoPoint(latitude: middle(points.map(\.latitude)), longitude: middle(points.map(\.longitude)), source: .typed)
    }
}

extension FieldValue {
    public init(_ point: GeoPoint?) { self = point.map { .text($0.description) } ?? .null }
    public var geoPoint: GeoPoint? { text.flatMap(GeoPoint.init) }
}
