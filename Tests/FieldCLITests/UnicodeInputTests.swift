import Foundation
import Testing

/// A name typed decomposed (NFD: some keyboards, text copied from a PDF) is the same name as the
/// usual form, at the command line too.
@Suite("field CLI: a name typed in another Unicode form is the same name")
struct UnicodeInputTests {
    @Test("A member added with a decomposed name is found by the usual form, and person edit with the usual form changes nothing")
    func decomposedName() throws {
        let cli = try CLI()
        #expect(try cli.initPSM().status == 0)
        _ = try cli.addHousehold("Jl. Mawar 1", members: ["Re\u{0301}nata Ayu;P;1990-01-01;kepala"])
        let found = try cli.run("search", "R\u{00E9}nata", "--json").jsonArray()
        #expect(found.count == 1)
        let id = try #require(found.first?["id"] as? String)
        let edit = try cli.run("person", "edit", id, "--name", "R\u{00E9}nata Ayu")
        #expect(edit.status == 0, "\(edit.stderr)")
        #expect(edit.stdout.contains("Tidak ada yang berubah"), "\(edit.stdout)")
        #expect(try cli.run("search", "Re\u{0301}nata", "--json").jsonArray().count == 1)
    }
}
