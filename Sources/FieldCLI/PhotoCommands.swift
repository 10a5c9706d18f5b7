import ArgumentParser
import FieldModels
import Foundation
import Imaging
import LocalStore
import SyncEngine

struct PhotoCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "photo",
                             abstract: L("Foto pada rumah tangga, orang atau kunjungan.", "Photos on a household, person or visit."),
                             discussion: L("""
                                Foto disimpan terenkripsi di laptop, diperkecil (sisi panjang 1600 px, JPEG) dan dibersihkan dari \
                                semua data EXIF kecuali waktu dan lokasi GPS. Foto dikirim saat field sync, sesudah data.
                                  field photo add H-7KQ2 rumah-depan.jpg --caption "Tampak depan"
                                  field photo list H-7KQ2
                                  field photo export H-7KQ2 --to ~/foto-H-7KQ2
                                """, """
                                Photos are kept encrypted on the laptop, shrunk (1600 px on the long side, JPEG) and cleaned of \
                                every EXIF field but the time and GPS position. They are sent by field sync, after the records.
                                  field photo add H-7KQ2 house-front.jpg --caption "Front of the house"
                                  field photo list H-7KQ2
                                  field photo export H-7KQ2 --to ~/photos-H-7KQ2
                                """),
                             subcommands: [Add.self, List.self, Export.self, Remove.self])
    }

    struct Add: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Lampirkan foto JPEG, PNG atau HEIC (foto ponsel).", "Attach a JPEG, PNG or HEIC photo (phone photos)."),
                                 discussion: L("""
                                    Bila rumah tangga atau kunjungan belum punya lokasi dan foto membawa GPS, lokasinya diisi dari foto.
                                    Berkas asli tidak disimpan, kecuali --keep-original.
                                    """, """
                                    When the household or visit has no location yet and the photo carries GPS, the location is taken from it.
                                    The original file is not kept, unless --keep-original.
                                    """))
        }

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(L("ID rumah tangga, orang atau kunjungan (cukup awalnya).", "Household, person or visit id (its start is enough).")))
        var record: String
        @Argument(help: ArgumentHelp(L("Berkas foto.", "The photo file."), valueName: "FILE")) var file: String
        @Option(help: ArgumentHelp(L("Keterangan singkat, mis. \"Tampak depan\".", "A short caption, e.g. \"Front of the house\"."))) var caption: String?
        @Flag(name: .customLong("keep-original"), help: ArgumentHelp(L("Simpan juga berkas aslinya (terenkripsi, tidak dikirim).",
                                                                         "Keep the original file too (encrypted, not sent).")))
        var keepOriginal = false

        func run() throws {
            try global.withReplica { replica, console in
                let target = try PhotoTarget.load(record, replica: replica)
                let data = try PhotoFile.read(file)
                let photo: PreparedPhoto
                do {
                    photo = try PhotoIntake.prepare(data)
                } catch let error as PhotoError {
                    throw CLIError("\(file): \(error.text.id) Tidak ada yang disimpan.", "\(file): \(error.text.en) Nothing was stored.", field: "file")
                }
                let info = AttachmentInfo(digest: photo.digest, size: photo.bytes.count, caption: caption?.trimmingWhitespace(),
                                          takenAt: photo.takenAt)
                if let problem = info.problem { throw CLIError(problem.id, problem.en, field: "caption") }
                var fields = target.record.fields
                fields[AttachmentProtocol.fieldPrefix + photo.digest] = .bool(true)
                let located = target.takesLocation && fields["location"]?.geoPoint == nil ? photo.location : nil
                if let located { fields["location"] = FieldValue(located) }
                let updated = type(of: target.record).init(id: target.record.id, fields: fields)
                let result = try replica.attach(photo.bytes, info: info, original: keepOriginal ? data : nil, saving: [updated])
                let size = byteCount(photo.bytes.count)
                console.say("Foto \(photo.digest.prefix(12)) (\(size), dari \(photo.sourceWidth)×\(photo.sourceHeight) \(photo.format.rawValue.uppercased())) dilampirkan ke \(target.record.id).",
                            "Photo \(photo.digest.prefix(12)) (\(size), from \(photo.sourceWidth)×\(photo.sourceHeight) \(photo.format.rawValue.uppercased())) attached to \(target.record.id).")
                if result.changes.isEmpty {
                    console.say("Foto yang sama sudah terlampir; tidak ada yang berubah.", "The same photo was attached already; nothing changed.")
                }
                if let located { console.say("Lokasi diisi dari GPS foto: \(located.display.id)", "Location taken from the photo's GPS: \(located.display.en)") }
                for warning in result.warnings.values.flatMap({ $0 }) { console.line(L("  Peringatan: ", "  Warning: ") + warning.text.text) }
                struct Out: Encodable { var record: String; var digest: String; var size: Int; var takenAt: String?; var location: String?; var changes: Int }
                try console.emit(Out(record: target.record.id, digest: photo.digest, size: photo.bytes.count, takenAt: photo.takenAt,
                                     location: located?.description, changes: result.changes.count))
            }
        }
    }

    struct List: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Daftar foto satu data, dengan statusnya.", "List a record's photos, with their state."))
        }

        @OptionGroup var global: GlobalOptions
        @Argument var record: String

        func run() throws {
            try global.withReplica { replica, console in
                let target = try PhotoTarget.load(record, replica: replica)
                let rows = try PhotoRow.rows(of: target.record, replica: replica)
                for row in rows { console.line(row.line) }
                console.say("\(rows.count) foto.", "\(rows.count) photos.")
                try console.emit(rows)
            }
        }
    }

    struct Export: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Tulis foto ke folder: rumah tangga beserta anggota dan kunjungannya.",
                                             "Write photos to a folder: a household with its members and visits."),
                                 discussion: L("Contoh: field photo export H-7KQ2 --to ~/foto-H-7KQ2", "Example: field photo export H-7KQ2 --to ~/photos-H-7KQ2"))
        }

        @OptionGroup var global: GlobalOptions
        @Argument var record: String
        @Option(help: ArgumentHelp(L("Folder tujuan (dibuat bila belum ada).", "The folder to write to (made if missing)."), valueName: "DIR"))
        var to: String
        @Flag(help: ArgumentHelp(L("Tulis berkas asli bila disimpan (--keep-original).", "Write the original files where kept (--keep-original).")))
        var original = false

        func run() throws {
            try global.withReplica { replica, console in
                let target = try PhotoTarget.load(record, replica: replica)
                var records: [any FieldRecord] = [target.record]
                if let household = target.record as? Household {
                    records += try household.members.sorted().compactMap { try? replica.existing(Person.self, id: $0).record }
                    records += try replica.records(HomeVisit.self).map(\.record).filter { $0.householdID == household.id }
                }
                let folder = URL(fileURLWithPath: (to as NSString).expandingTildeInPath)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                var written: [String] = [], missing: [String] = []
                for record in records {
                    for (index, digest) in record.fields.setElements("photos").sorted().enumerated() {
                        guard let bytes = try replica.attachmentBytes(digest, original: original) ?? replica.attachmentBytes(digest) else {
                            missing.append("\(record.id) \(digest.prefix(12))")
                            continue
                        }
                        let name = "\(record.id)_\(String(format: "%02d", index + 1))_\(digest.prefix(12)).jpg"
                        let url = folder.appendingPathComponent(name)
                        try bytes.write(to: url, options: .atomic)
                        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
                        written.append(url.path)
                    }
                }
                for path in written { console.line("  " + path) }
                console.say("\(written.count) foto ditulis ke \(folder.path).", "\(written.count) photos written to \(folder.path).")
                if !missing.isEmpty {
                    console.say("\(missing.count) foto belum ada di laptop ini (belum diterima; jalankan field sync): \(missing.joined(separator: ", "))",
                                "\(missing.count) photos are not on this laptop yet (not received; run field sync): \(missing.joined(separator: ", "))")
                }
                struct Out: Encodable { var written: [String]; var missing: [String] }
                try console.emit(Out(written: written, missing: missing))
            }
        }
    }

    struct Remove: ParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(abstract: L("Lepaskan foto dari data (riwayat tetap menyimpannya).", "Detach a photo from a record (the history keeps it)."),
                                 discussion: L("Contoh: field photo remove H-7KQ2 3f2a9c", "Example: field photo remove H-7KQ2 3f2a9c"))
        }

        @OptionGroup var global: GlobalOptions
        @Argument var record: String
        @Argument(help: ArgumentHelp(L("Awal digest foto (lihat field photo list).", "The start of the photo's digest (see field photo list)."))) var photo: String

        func run() throws {
            try global.withReplica { replica, console in
                let target = try PhotoTarget.load(record, replica: replica)
                var fields = target.record.fields
                let matches = fields.setElements("photos").filter { $0.hasPrefix(photo.lowercased()) }
                guard matches.count == 1, let digest = matches.first, photo.count >= 4 else {
                    throw CLIError(matches.count > 1 ? "'\(photo)' cocok dengan \(matches.count) foto; ketik lebih banyak." : "\(target.record.id) tidak punya foto '\(photo)'. Lihat: field photo list \(target.record.id)",
                                   matches.count > 1 ? "'\(photo)' matches \(matches.count) photos; type more of it." : "\(target.record.id) has no photo '\(photo)'. See: field photo list \(target.record.id)",
                                   field: "photo")
                }
                fields[AttachmentProtocol.fieldPrefix + digest] = .bool(false)
                let result = try replica.save([type(of: target.record).init(id: target.record.id, fields: fields)])
                try console.reportSaved(result, id: target.record.id, what: type(of: target.record).recordType.name, created: false)
            }
        }
    }
}

/// The record a photo command is about: a household, person or visit.
struct PhotoTarget {
    var record: any FieldRecord
    /// Whether the record has a location a photo's GPS may fill.
    var takesLocation: Bool { type(of: record).recordType.schema.fields["location"] != nil }

    static func load(_ text: String, replica: LocalReplica) throws -> PhotoTarget {
        let id = try replica.resolveID(text)
        switch id.prefix(2) {
        case "H-": return PhotoTarget(record: try replica.existing(Household.self, id: id).record)
        case "P-": return PhotoTarget(record: try replica.existing(Person.self, id: id).record)
        case "V-": return PhotoTarget(record: try replica.existing(HomeVisit.self, id: id).record)
        default:
            throw CLIError("Foto hanya untuk rumah tangga (H-…), orang (P-…) atau kunjungan (V-…), bukan \(id).",
                           "Photos go on a household (H-…), person (P-…) or visit (V-…), not \(id).", field: "record")
        }
    }
}

/// Reading a photo file: clear words for a missing, unreadable or oversized file, before
/// anything is decoded.
enum PhotoFile {
    static func read(_ path: String) throws -> Data {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else {
            throw CLIError("Berkas '\(path)' tidak ada.", "File '\(path)' does not exist.", field: "file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw CLIError("'\(path)' bukan berkas biasa.", "'\(path)' is not a regular file.", field: "file")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let limit = PhotoLimits.standard.maxFileBytes
        guard size <= limit else {
            throw CLIError("'\(path)' berukuran \(size / 1_048_576) MB, lebih dari batas \(limit / 1_048_576) MB. Kecilkan fotonya di ponsel, lalu coba lagi. Tidak ada yang disimpan.",
                           "'\(path)' is \(size / 1_048_576) MB, over the \(limit / 1_048_576) MB limit. Make the photo smaller on the phone and try again. Nothing was stored.",
                           field: "file")
        }
        guard let data = try? Data(contentsOf: url) else {
            throw CLIError("Berkas '\(path)' tidak dapat dibaca (izin?).", "File '\(path)' cannot be read (permissions?).", field: "file")
        }
        return data
    }
}

/// One line of `photo list`.
struct PhotoRow: Encodable {
    var digest: String
    var size: Int?
    var caption: String?
    var takenAt: String?
    /// `sent`, `waiting` (held, not yet on the server) or `missing` (not on this laptop yet).
    var state: String

    var line: String {
        let shown = size.map { byteCount($0) } ?? "—"
        let label = switch state {
        case "sent": L("terkirim", "sent")
        case "waiting": L("menunggu dikirim", "waiting to be sent")
        default: L("belum diterima", "not received yet")
        }
        return "  \(digest.prefix(12))  \(shown.padding(toLength: 9, withPad: " ", startingAt: 0))  \(label)  \(takenAt ?? "")  \(caption ?? "")"
    }

    static func rows(of record: any FieldRecord, replica: LocalReplica) throws -> [PhotoRow] {
        try record.fields.setElements("photos").sorted().map { digest in
            guard let held = try replica.attachment(digest) else { return PhotoRow(digest: digest, state: "missing") }
            return PhotoRow(digest: digest, size: held.info.size, caption: held.info.caption, takenAt: held.info.takenAt,
                            state: held.uploaded ? "sent" : "waiting")
        }
    }
}

/// What `field sync` says of the photos.
enum PhotoSummary {
    static func say(_ report: AttachmentSync.Report?, recordsOnly: Bool, replica: LocalReplica, console: Console) {
        guard let report else {
            if recordsOnly, let queue = try? replica.attachmentQueue(), queue.toSend + queue.toReceive > 0 {
                console.say("Foto tidak disertakan (--records-only): \(queue.toSend) menunggu dikirim, \(queue.toReceive) menunggu diterima.",
                            "Photos left out (--records-only): \(queue.toSend) waiting to be sent, \(queue.toReceive) waiting to be received.")
            }
            return
        }
        let moved = report.sent + report.received + report.deferred + report.waitingToSend + report.waitingToReceive + report.refused.count
        guard moved > 0 else { return }
        let sent = byteCount(report.sentBytes)
        let received = byteCount(report.receivedBytes)
        console.say("Foto: terkirim \(report.sent) (\(sent)), diterima \(report.received) (\(received)); menunggu: \(report.waitingToSend) dikirim, \(report.waitingToReceive) diterima.",
                    "Photos: sent \(report.sent) (\(sent)), received \(report.received) (\(received)); waiting: \(report.waitingToSend) to send, \(report.waitingToReceive) to receive.")
        if report.deferred > 0 {
            console.say("\(report.deferred) foto ditunda karena --max-photo-bytes.", "\(report.deferred) photos deferred by --max-photo-bytes.")
        }
        for refused in report.refused {
            console.warn(L("Foto \(refused.digest.prefix(12)) ditolak: \(refused.message)", "Photo \(refused.digest.prefix(12)) refused: \(refused.message)"))
        }
    }
}
