import CSystemZlib
import Foundation

/// gzip (RFC 1952) through the system zlib: how request and response bodies travel.
///
/// ```swift
/// let packed = try Gzip.compress(body)
/// let body = try Gzip.decompress(packed, limit: 32 << 20)   // refuses a "zip bomb"
/// ```
public enum Gzip {
    public enum Failure: Error, Equatable, Sendable {
        /// The data is not gzip, or is cut short.
        case corrupt(String)
        /// Inflating would pass `limit` bytes.
        case tooLarge(limit: Int)
    }

    /// Whether `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        // 15 window bits + 16: write a gzip header and trailer.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.corrupt("deflateInit2 failed")
        }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 32)
        let status: Int32 = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failure.corrupt("deflate returned \(status)") }
        output.count = Int(stream.total_out)
        return output
    }

    /// Inflates gzip data, refusing to produce more than `limit` bytes.
    public static func decompress(_ data: Data, limit: Int) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure.corrupt("inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        try data.withUnsafeBytes { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                status = buffer.withUnsafeMutableBytes { out in
                    stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                    stream.avail_out = uInt(chunk)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw Failure.corrupt(status == Z_BUF_ERROR ? "truncated" : "inflate returned \(status)")
                }
                let produced = chunk - Int(stream.avail_out)
                guard output.count + produced <= limit else { throw Failure.tooLarge(limit: limit) }
                output.append(buffer, count: produced)
                if status == Z_OK && stream.avail_in == 0 && produced < chunk {
                    throw Failure.corrupt("truncated")
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}
