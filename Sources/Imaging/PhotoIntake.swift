import CPhoto
import Crypto
import FieldModels
import Foundation

/// A photo made ready to keep: re-encoded to a bounded JPEG that carries no metadata but the
/// time it was taken and where, and named by its content (SHA-256 of the re-encoded bytes), so
/// the same picture attached twice, or reaching the server by two paths, is one photo.
public struct PreparedPhoto: Sendable {
    /// The re-encoded JPEG.
    public var bytes: Data
    /// SHA-256 of `bytes`, lower-case hex: the photo's content address.
    public var digest: String
    /// What the file was, and the size its header declared.
    public var format: PhotoFormat
    public var sourceWidth: Int
    public var sourceHeight: Int
    /// EXIF time the photo was taken, `YYYY-MM-DD HH:MM:SS` (camera clock, no zone), when known.
    public var takenAt: String?
    /// EXIF GPS position, when the photo has one inside Indonesia.
    public var location: GeoPoint?
}

public enum PhotoFormat: String, Sendable, CaseIterable {
    case jpeg, png, heic

    /// The libvips loader class that must recognise it (`VipsForeignLoadJpegBuffer`, …).
    var loader: String {
        switch self {
        case .jpeg: "VipsForeignLoadJpeg"
        case .png: "VipsForeignLoadPng"
        case .heic: "VipsForeignLoadHeif"
        }
    }

    /// The format a file's first bytes declare, or nil when they declare none of ours.
    public static func sniff(_ data: Data) -> PhotoFormat? {
        let head = [UInt8](data.prefix(16))
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.count >= 12, head[4..<8] == [0x66, 0x74, 0x79, 0x70][...],
           ["heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"].contains(String(decoding: head[8..<12], as: UTF8.self)) {
            return .heic
        }
        return nil
    }
}

/// The bounds a photo must keep: before re-encoding (what the laptop agrees to open) and after.
public struct PhotoLimits: Sendable {
    /// The largest file accepted for re-encoding.
    public var maxFileBytes = 40 * 1024 * 1024
    /// The most pixels a header may declare: a phone's 200-megapixel mode passes, a
    /// decompression bomb (a small file declaring 50,000 × 50,000) does not.
    public var maxPixels = 200_000_000
    /// The longer side of the kept photo, in pixels.
    public var longSide = 1600
    /// JPEG quality of the kept photo.
    public var quality = 80

    public static let standard = PhotoLimits()
    public init() {}
}

/// Why a file was not taken as a photo. Nothing is stored when one is thrown.
public struct PhotoError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case empty, notImage, tooLarge, tooManyPixels, damaged }
    public var kind: Kind
    public var text: LocalizedText
    public var description: String { text.en }
}

public enum PhotoIntake {
    /// Checks `data` and re-encodes it. Throws `PhotoError` for an empty file, one that is not a
    /// JPEG, PNG or HEIC, one over `limits.maxFileBytes`, a header declaring more than
    /// `limits.maxPixels`, or a truncated or damaged image.
    public static func prepare(_ data: Data, limits: PhotoLimits = .standard) throws -> PreparedPhoto {
        guard !data.isEmpty else {
            throw PhotoError(kind: .empty, text: LocalizedText(id: "Berkas kosong (0 bait): bukan foto.", en: "The file is empty (0 bytes): not a photo."))
        }
        guard data.count <= limits.maxFileBytes else {
            throw PhotoError(kind: .tooLarge, text: LocalizedText(
                id: "Berkas \(megabytes(data.count)) MB, lebih dari batas \(megabytes(limits.maxFileBytes)) MB. Kecilkan fotonya di ponsel, lalu coba lagi.",
                en: "The file is \(megabytes(data.count)) MB, over the \(megabytes(limits.maxFileBytes)) MB limit. Make the photo smaller on the phone and try again."))
        }
        guard let format = PhotoFormat.sniff(data) else {
            throw PhotoError(kind: .notImage, text: LocalizedText(
                id: "Berkas ini bukan foto JPEG, PNG atau HEIC (isinya tidak diawali tanda gambar). Pilih berkas fotonya.",
                en: "This file is not a JPEG, PNG or HEIC photo (its content does not start like an image). Choose the photo file."))
        }
        var info = fs_photo_info()
        try call("header") { err, length in
            data.withUnsafeBytes { fs_photo_probe($0.baseAddress, $0.count, &info, err, length) }
        }
        let loader = withUnsafeBytes(of: info.loader) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard loader.hasPrefix(format.loader) else {
            throw PhotoError(kind: .notImage, text: LocalizedText(
                id: "Berkas ini diawali seperti \(format.rawValue.uppercased()) tetapi bukan gambar \(format.rawValue.uppercased()) yang sah.",
                en: "This file starts like a \(format.rawValue.uppercased()) but is not a valid \(format.rawValue.uppercased()) image."))
        }
        let width = Int(info.width), height = Int(info.height)
        guard width > 0, height > 0, width.multipliedReportingOverflow(by: height).partialValue <= limits.maxPixels,
              width <= 65_535, height <= 65_535 else {
            throw PhotoError(kind: .tooManyPixels, text: LocalizedText(
                id: "Gambar ini menyatakan \(width) × \(height) piksel, lebih dari batas \(limits.maxPixels / 1_000_000) megapiksel: tidak dibuka.",
                en: "This image declares \(width) × \(height) pixels, over the \(limits.maxPixels / 1_000_000)-megapixel limit: not opened."))
        }
        var output: UnsafeMutableRawPointer?
        var outputLength = 0
        try call("decode") { err, length in
            data.withUnsafeBytes {
                fs_photo_reencode($0.baseAddress, $0.count, Int32(limits.longSide), Int32(limits.quality), &info, &output,
                                  &outputLength, err, length)
            }
        }
        defer { fs_photo_free(output) }
        let bytes = Data(bytes: output!, count: outputLength)
        return PreparedPhoto(bytes: bytes, digest: digest(bytes), format: format, sourceWidth: width, sourceHeight: height,
                             takenAt: info.has_time != 0 ? exifTime(info) : nil,
                             location: info.has_gps != 0 ? exifPoint(info) : nil)
    }

    /// Reads what a photo says of itself (size, time, place) without decoding it.
    public static func describe(_ data: Data) -> (width: Int, height: Int, takenAt: String?, location: GeoPoint?)? {
        var info = fs_photo_info()
        var err = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBytes { fs_photo_probe($0.baseAddress, $0.count, &info, &err, err.count) }
        guard status == 0 else { return nil }
        return (Int(info.width), Int(info.height), info.has_time != 0 ? exifTime(info) : nil, info.has_gps != 0 ? exifPoint(info) : nil)
    }

    /// SHA-256 in lower-case hex: the content address of an attachment.
    public static func digest(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    private static func exifTime(_ info: fs_photo_info) -> String {
        let raw = withUnsafeBytes(of: info.time) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        // "2026:11:03 09:15:00" → "2026-11-03 09:15:00"
        return String(raw.enumerated().map { $0.offset < 10 && $0.element == ":" ? "-" : $0.element })
    }

    private static func exifPoint(_ info: fs_photo_info) -> GeoPoint? {
        let rounded = { (value: Double) in (value * 1_000_000).rounded() / 1_000_000 }
        let point = GeoPoint(latitude: rounded(info.latitude), longitude: rounded(info.longitude), source: .photo)
        return point.isInIndonesia ? point : nil
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }

    private static func call(_ step: String, _ body: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws {
        var err = [CChar](repeating: 0, count: 512)
        let status = err.withUnsafeMutableBufferPointer { body($0.baseAddress!, $0.count) }
        guard status != 0 else { return }
        let detail = cText(err)
        throw PhotoError(kind: .damaged, text: LocalizedText(
            id: "Gambar rusak atau terpotong (\(step)): \(detail). Ambil ulang atau salin ulang fotonya.",
            en: "The image is damaged or truncated (\(step)): \(detail). Take or copy the photo again."))
    }
}

/// Test pictures made here, never downloaded: a gradient with noise, as JPEG, PNG or HEIC, and
/// EXIF written through libexif.
public enum TestPicture {
    public static func make(width: Int, height: Int, seed: UInt32 = 1, format: PhotoFormat = .jpeg, quality: Int = 90) throws -> Data {
        var output: UnsafeMutableRawPointer?
        var length = 0
        var err = [CChar](repeating: 0, count: 512)
        let name = format == .heic ? "heif" : format.rawValue
        let status = fs_photo_synth(Int32(width), Int32(height), seed, name, Int32(quality), &output, &length, &err, err.count)
        guard status == 0, let output else { throw PhotoError(kind: .damaged, text: LocalizedText(id: "gambar uji", en: cText(err))) }
        defer { fs_photo_free(output) }
        return Data(bytes: output, count: length)
    }

    /// `jpeg` with an EXIF block: `time` (`YYYY:MM:DD HH:MM:SS`), a GPS position, and with
    /// `camera` a make and a description that re-encoding must drop.
    public static func withEXIF(_ jpeg: Data, time: String?, latitude: Double?, longitude: Double?, camera: String? = nil) throws -> Data {
        var output: UnsafeMutableRawPointer?
        var length = 0
        var err = [CChar](repeating: 0, count: 512)
        let hasGPS: Int32 = latitude != nil && longitude != nil ? 1 : 0
        let status = jpeg.withUnsafeBytes { buffer in
            fs_photo_with_exif(buffer.baseAddress, buffer.count, time, hasGPS, latitude ?? 0, longitude ?? 0, camera,
                               &output, &length, &err, err.count)
        }
        guard status == 0, let output else { throw PhotoError(kind: .damaged, text: LocalizedText(id: "EXIF uji", en: cText(err))) }
        defer { fs_photo_free(output) }
        return Data(bytes: output, count: length)
    }
}

/// A C string held in a buffer, up to its terminating zero.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
