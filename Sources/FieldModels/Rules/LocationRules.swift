/// Rules on places: a point must lie in Indonesia (an error: a swapped latitude and longitude,
/// or a point typed without its minus sign, lands outside), and a household far from the other
/// households of its kelurahan is flagged (a warning: the agent may be right, the typing wrong).
public enum LocationRules {
    /// How far from the median of its kelurahan's households a household may lie unflagged.
    public static let householdRadius = 5_000.0
    /// How many other located households the median needs before it means anything.
    public static let minimumNeighbours = 3

    public static func issues(_ point: GeoPoint?, field: String = "location") -> [ValidationIssue] {
        guard let point, !point.isInIndonesia else { return [] }
        return [.error(field, "location.outside",
                       id: "Lokasi \(point.display.id) di luar Indonesia (lintang \(GeoPoint.indonesiaLatitudes), bujur \(GeoPoint.indonesiaLongitudes)). Lintang dan bujur tertukar, atau tanda minus lintang selatan terlupa?",
                       en: "Location \(point.display.en) is outside Indonesia (latitude \(GeoPoint.indonesiaLatitudes), longitude \(GeoPoint.indonesiaLongitudes)). Latitude and longitude swapped, or the minus of a southern latitude left out?")]
    }

    /// A warning when `point` lies more than `householdRadius` from the median of `neighbours`.
    public static func farFromNeighbours(_ point: GeoPoint?, neighbours: [GeoPoint]) -> ValidationIssue? {
        guard let point, point.isInIndonesia, neighbours.count >= minimumNeighbours,
              let median = GeoPoint.median(neighbours) else { return nil }
        let distance = point.distance(to: median)
        guard distance > householdRadius else { return nil }
        let km = (distance / 100).rounded() / 10
        return .warning("location", "location.far",
                        id: "Lokasi rumah tangga \(km) km dari titik tengah \(neighbours.count) rumah tangga lain di kelurahannya (batas \(Int(householdRadius / 1000)) km). Periksa lokasinya; bila benar, biarkan.",
                        en: "The household lies \(km) km from the middle of the \(neighbours.count) other households of its kelurahan (limit \(Int(householdRadius / 1000)) km). Check the location; if it is right, leave it.")
    }
}
