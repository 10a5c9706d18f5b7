import Foundation
@testable import SyncServer
import Testing

@Suite("field-server")
struct ServerInfoTests {
    @Test("The info the server gives names every record type the field laptops write")
    func info() throws {
        let info = ServerInfo.current
        #expect(Set(info.recordTypes) == ["household", "person", "socialmap", "visit", "report", "agent", "device", "service", "holiday", "form", "response"])
        let decoded = try JSONDecoder().decode(ServerInfo.self, from: JSONEncoder().encode(info))
        #expect(decoded == info)
    }
}
