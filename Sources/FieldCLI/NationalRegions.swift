import FieldModels
import Foundation

/// `field region list CODE|NAME`: the Kemendagri catalogue shipped with `field`, browsed one
/// level at a time.
enum NationalList {
    struct Row: Encodable {
        var code: String
        var name: String
        var level: String
        var retiredAfter: Int?
    }

    struct Listing: Encodable {
        var region: [Row]
        var children: [Row]
    }

    static func show(_ text: String, console: Console) throws {
        guard let directory = RegionDirectory.shipped else {
            throw CLIError("Daftar wilayah Kemendagri tidak ditemukan di samping program field. Pasang ulang field beserta folder FieldSync_FieldModels.resources, atau setel FIELDSYNC_WILAYAH ke folder wilayah.",
                           "The Kemendagri region list was not found beside the field program. Reinstall field with its FieldSync_FieldModels.resources folder, or set FIELDSYNC_WILAYAH to the wilayah folder.",
                           code: Exit.notFound)
        }
        let wanted = text.trimmingCharacters(in: .whitespaces)
        if ["indonesia", "id", "0"].contains(wanted.lowercased()) {
            return try list(lineage: [], children: directory.children(of: nil), console: console)
        }
        if RegionDirectory.dotted(wanted) != nil {
            guard let entry = directory.entry(wanted) else {
                throw CLIError("Kode \(wanted) tidak ada dalam daftar Kemendagri. Telusuri dari atas: field region list indonesia",
                               "Code \(wanted) is not in the Kemendagri list. Browse from the top: field region list indonesia",
                               field: "region", code: Exit.notFound)
            }
            return try list(lineage: directory.lineage(entry.code), children: directory.children(of: entry.code), console: console)
        }
        let found = directory.search(wanted, limit: 20)
        guard !found.isEmpty else {
            throw CLIError("Tidak ada wilayah bernama '\(wanted)'. Periksa ejaannya, atau telusuri: field region list indonesia",
                           "No region is named '\(wanted)'. Check the spelling, or browse: field region list indonesia",
                           field: "region", code: Exit.notFound)
        }
        if found.count == 1 {
            return try list(lineage: directory.lineage(found[0].code), children: directory.children(of: found[0].code), console: console)
        }
        console.say("\(found.count) wilayah cocok dengan '\(wanted)'; pakai kodenya:", "\(found.count) regions match '\(wanted)'; use the code:")
        for entry in found {
            console.line("  \(entry.code.padding(toLength: 14, withPad: " ", startingAt: 0)) \(path(directory.lineage(entry.code)))")
        }
        try console.emit(found.map(row))
    }

    static func list(lineage: [RegionDirectory.Entry], children: [RegionDirectory.Entry], console: Console) throws {
        if let region = lineage.last {
            console.line("\(path(lineage)) (\(region.code))")
            if let year = region.retiredAfter {
                console.say("Kode lama: terakhir ada dalam edisi \(year); NIK yang terbit saat itu masih memakainya.",
                            "An old code: last in the \(year) edition; NIKs issued then still carry it.")
            }
        } else {
            console.line("Indonesia")
        }
        for child in children {
            console.line("  \(child.code.padding(toLength: 14, withPad: " ", startingAt: 0)) \(child.name)")
        }
        try console.emit(Listing(region: lineage.map(row), children: children.map(row)))
    }

    static func path(_ lineage: [RegionDirectory.Entry]) -> String {
        lineage.map(\.name).joined(separator: " › ")
    }

    static func row(_ entry: RegionDirectory.Entry) -> Row {
        Row(code: entry.code, name: entry.name, level: ["provinsi", "kabupaten-kota", "kecamatan", "desa-kelurahan"][entry.level.rawValue - 1],
            retiredAfter: entry.retiredAfter)
    }
}
