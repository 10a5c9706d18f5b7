import FieldModels
import Foundation
@testable import SyncEngine
import Testing

/// What the door says of a change's area: a Kemendagri code passes; an old region id (a laptop
/// not yet updated, a bundle made before) is refused with what to do; anything else is refused.
@Suite("The area a change states")
struct AreaGrammarTests {
    static func change(area: String) -> Change {
        let dot = Dot(ReplicaID("a1b2c3d4e5f60718"), 1)
        return Change(dot: dot, transaction: dot, recordType: .household, recordID: "H-ABCDEFGHJKMN", area: area, field: "address",
                      value: .text("Jl. Mawar 1"), supersedes: [], lamport: 1, wallTime: 0, agent: "A-SITI")
    }

    @Test("A code passes; an old id of protocol 2 is refused saying to update FieldSync; other shapes are refused as they were",
          arguments: [
              ("33.74.11.1006", nil),
              ("3374/banyumanik/srondol-kulon", "Update FieldSync"),
              ("3374/banyumanik", "Update FieldSync"),
              ("3374/../tembalang", "not a valid Kemendagri region code"),
              ("/3374/banyumanik", "not a valid Kemendagri region code"),
              ("3374/Banyumanik/Srondol Kulon", "not a valid Kemendagri region code"),
              ("33.74.11.1006.1", "not a valid Kemendagri region code"),
          ] as [(String, String?)])
    func areas(_ area: String, _ phrase: String?) {
        let refusal = Admission.grammarProblem(Self.change(area: area))
        #expect(refusal?.code == (phrase == nil ? nil : .badArea), "\(area)")
        if let phrase { #expect(refusal?.text.en.contains(phrase) == true && refusal?.text.id.isEmpty == false, "\(refusal?.text.en ?? "")") }
    }
}
