@testable import FieldModels
import Foundation
import Testing

@Suite("Places as field values")
struct GeoPointTests {
    @Test("Any point in Indonesia survives its stored form to the microdegree, and the grammar takes exactly that form")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let point = GeoPoint(latitude: Double.random(in: GeoPoint.indonesiaLatitudes, using: &generator),
                                 longitude: Double.random(in: GeoPoint.indonesiaLongitudes, using: &generator),
                                 accuracy: Bool.random() ? Int.random(in: 0...5_000) : nil,
                                 source: GeoPoint.Source.allCases.randomElement()!)
            let text = point.description
            let back = try #require(GeoPoint(text), "\(text)")
            #expect(abs(back.latitude - point.latitude) <= 0.000_000_5 && abs(back.longitude - point.longitude) <= 0.000_000_5)
            #expect(back.accuracy == point.accuracy && back.source == point.source)
            #expect(back.description == text)
            #expect(FieldSchemaCheck.problem(.text(text), RecordType.household.schema.spec(for: "location")!) == nil)
        }
    }

    @Test("Outside Indonesia, swapped, malformed or non-canonical: refused by every door's grammar",
          arguments: ["110.422911,-6.990312,,typed", "48.858400,2.294500,,gps", "-6.990312,110.422911,,satellite",
                      "-6.990312,110.422911,-5,gps", "-6.990312;110.422911;;gps", "-6.99,110.42,,typed", "NaN,110.422911,,gps",
                      "-6.990312,110.422911,,gps,extra", "", "-6.990312,1e2,,typed", "-06.990312,110.422911,,gps"])
    func refused(_ text: String) {
        let spec = RecordType.visit.schema.spec(for: "location")!
        #expect(FieldSchemaCheck.problem(.text(text), spec) != nil || text.isEmpty)
        #expect(FieldSchemaCheck.problem(.int(5), spec) != nil)
    }

    @Test("Distances and the median: Semarang to Jakarta, one far household does not drag the middle")
    func distances() throws {
        let semarang = GeoPoint(latitude: -6.966667, longitude: 110.416664, source: .typed)
        let jakarta = GeoPoint(latitude: -6.175110, longitude: 106.865036, source: .typed)
        #expect((395_000...405_000).contains(semarang.distance(to: jakarta)))
        let neighbours = (0..<9).map { GeoPoint(latitude: -6.99 + Double($0) * 0.001, longitude: 110.42, source: .typed) }
            + [GeoPoint(latitude: -8.5, longitude: 115.2, source: .typed)]
        let median = try #require(GeoPoint.median(neighbours))
        #expect(median.distance(to: GeoPoint(latitude: -6.9855, longitude: 110.42, source: .typed)) < 1_000)
        #expect(LocationRules.farFromNeighbours(GeoPoint(latitude: -6.99, longitude: 110.42, source: .gps), neighbours: neighbours) == nil)
        #expect(LocationRules.farFromNeighbours(GeoPoint(latitude: -7.05, longitude: 110.42, source: .gps), neighbours: neighbours)?.severity == .warning)
        #expect(LocationRules.farFromNeighbours(GeoPoint(latitude: -7.05, longitude: 110.42, source: .gps), neighbours: Array(neighbours.prefix(2))) == nil)
    }

    @Test("Photo references are set elements named by a SHA-256 digest, on households, persons and visits only")
    func photoReferences() {
        let digest = String(repeating: "ab", count: 32)
        for type in [RecordType.household, .person, .visit] { #expect(type.schema.spec(for: "photos/" + digest) == .flag) }
        #expect(RecordType.household.schema.spec(for: "photos/" + digest.uppercased()) == nil)
        #expect(RecordType.household.schema.spec(for: "photos/../../x") == nil)
        #expect(RecordType.report.schema.spec(for: "photos/" + digest) == nil)
    }
}
