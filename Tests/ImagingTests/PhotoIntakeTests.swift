import CSystemZlib
import FieldModels
import Foundation
@testable import Imaging
import Testing

/// Photos through the real libvips and libexif: pictures drawn by libvips, EXIF written by
/// libexif, re-encoded and read back; and the files a laptop must refuse without opening them.
@Suite("Photo intake")
struct PhotoIntakeTests {
    /// A camera-like JPEG: 4000 × 3000, with time, GPS and the camera's own fields.
    static func cameraJPEG(seed: UInt32 = 7) throws -> Data {
        let plain = try TestPicture.make(width: 4000, height: 3000, seed: seed)
        return try TestPicture.withEXIF(plain, time: "2026:11:03 09:15:42", latitude: -6.990312, longitude: 110.422911,
                                        camera: "KameraMerkRahasia")
    }

    @Test("A camera JPEG is shrunk to 1600 px, keeps only its time and GPS, and is named by the SHA-256 of what is kept")
    func reencodesAndStrips() throws {
        let original = try Self.cameraJPEG()
        #expect(original.range(of: Data("KameraMerkRahasia".utf8)) != nil)
        let photo = try PhotoIntake.prepare(original)
        #expect(photo.format == .jpeg)
        #expect((photo.sourceWidth, photo.sourceHeight) == (4000, 3000))
        #expect(photo.digest == PhotoIntake.digest(photo.bytes))
        #expect(photo.bytes.count < original.count)
        let kept = try #require(PhotoIntake.describe(photo.bytes))
        #expect((kept.width, kept.height) == (1600, 1200))
        #expect(kept.takenAt == "2026-11-03 09:15:42")
        let point = try #require(kept.location)
        #expect(abs(point.latitude - -6.990312) < 0.000_01 && abs(point.longitude - 110.422911) < 0.000_01)
        #expect(photo.location?.source == .photo)
        #expect(photo.takenAt == "2026-11-03 09:15:42")
        // The camera's make and description are gone, and so is every other field: no XMP, no ICC.
        for secret in ["KameraMerkRahasia", "4C0FFEE", "http://ns.adobe.com/xap", "ICC_PROFILE"] {
            #expect(photo.bytes.range(of: Data(secret.utf8)) == nil, "\(secret) survived")
        }
        // The same picture prepared twice is the same photo.
        #expect(try PhotoIntake.prepare(original).digest == photo.digest)
    }

    @Test("A photo without EXIF stays without: no time, no place invented")
    func noExif() throws {
        let photo = try PhotoIntake.prepare(try TestPicture.make(width: 800, height: 600, seed: 3))
        #expect(photo.takenAt == nil && photo.location == nil)
        let kept = try #require(PhotoIntake.describe(photo.bytes))
        #expect((kept.width, kept.height) == (800, 600))   // never enlarged
        #expect(kept.takenAt == nil && kept.location == nil)
    }

    @Test("PNG and a phone's HEIC become JPEG", arguments: [PhotoFormat.png, .heic])
    func otherFormats(_ format: PhotoFormat) throws {
        let data = try TestPicture.make(width: 2400, height: 1800, seed: 11, format: format)
        #expect(PhotoFormat.sniff(data) == format)
        let photo = try PhotoIntake.prepare(data)
        #expect(photo.format == format)
        #expect(PhotoFormat.sniff(photo.bytes) == .jpeg)
        let kept = try #require(PhotoIntake.describe(photo.bytes))
        #expect((kept.width, kept.height) == (1600, 1200))
    }

    @Test("A GPS position outside Indonesia in a photo's EXIF does not become a location")
    func gpsOutsideIndonesia() throws {
        let data = try TestPicture.withEXIF(try TestPicture.make(width: 320, height: 240), time: nil, latitude: 48.8584, longitude: 2.2945)
        #expect(try PhotoIntake.prepare(data).location == nil)
    }

    // MARK: - Refused

    static func refusal(_ data: Data, limits: PhotoLimits = .standard) -> PhotoError.Kind? {
        do {
            _ = try PhotoIntake.prepare(data, limits: limits)
            return nil
        } catch let error as PhotoError {
            #expect(!error.text.id.isEmpty && error.text.id != error.text.en)
            return error.kind
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("An empty file, a text file, a PDF and a file that only starts like a JPEG are refused")
    func notImages() throws {
        #expect(Self.refusal(Data()) == .empty)
        #expect(Self.refusal(Data("NIK 3374061505800003, bukan foto\n".utf8)) == .notImage)
        #expect(Self.refusal(Data("%PDF-1.4\n%âãÏÓ\n1 0 obj\n".utf8)) == .notImage)
        let fake = Data([0xFF, 0xD8, 0xFF, 0xE0]) + Data(repeating: 0x41, count: 2000)
        let kind = Self.refusal(fake)
        #expect(kind == .notImage || kind == .damaged)
    }

    @Test("A file over the size limit is refused before it is opened")
    func tooLarge() throws {
        var data = try TestPicture.make(width: 64, height: 64)
        data.append(Data(repeating: 0, count: 41 * 1024 * 1024 - data.count))
        #expect(Self.refusal(data) == .tooLarge)
    }

    @Test("Decompression bombs: a small JPEG and a small PNG declaring 50,000 × 50,000 pixels are refused unopened")
    func bombs() throws {
        // JPEG: rewrite the frame header's size (SOF0: FF C0, length, precision, height, width).
        var jpeg = [UInt8](try TestPicture.make(width: 64, height: 64))
        let sof = try #require((0..<jpeg.count - 1).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        for (offset, value) in [(5, 50_000), (7, 50_000)] {
            jpeg[sof + offset] = UInt8(value >> 8)
            jpeg[sof + offset + 1] = UInt8(value & 0xFF)
        }
        #expect(jpeg.count < 10_000)
        #expect(Self.refusal(Data(jpeg)) == .tooManyPixels)
        // PNG: rewrite IHDR's width and height, and its CRC (zlib's crc32) so the header is valid.
        var png = [UInt8](try TestPicture.make(width: 64, height: 64, format: .png))
        for offset in [16, 20] {
            png[offset..<offset + 4] = [0x00, 0x00, 0xC3, 0x50][...]   // 50,000
        }
        let crc = png[12..<29].withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, 17)) }
        png[29..<33] = [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)][...]
        #expect(Self.refusal(Data(png)) == .tooManyPixels)
    }

    @Test("A truncated JPEG, PNG and HEIC are refused, not filled with grey", arguments: PhotoFormat.allCases)
    func truncated(_ format: PhotoFormat) throws {
        let whole = try TestPicture.make(width: 1200, height: 900, seed: 5, format: format)
        #expect(Self.refusal(whole.prefix(whole.count * 2 / 3)) == .damaged)
    }
}
