import Foundation

/// Data shipped inside the product as resources of `FieldModels` (`Resources/…`, copied by
/// `swift build` into a bundle beside the program), found without `Bundle.module`, which
/// stops the program when the bundle is missing.
enum ShippedResource {
    /// The folder `name` of the resource bundle holding `file`: `$override` when set, else the
    /// bundle beside the program (or beside the real file behind a symlink to it).
    static func folder(_ name: String, containing file: String, override variable: String) -> URL? {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        let bundle = "FieldSync_FieldModels.resources"
        candidates.append(Bundle.main.bundleURL.appendingPathComponent(bundle).appendingPathComponent(name))
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            candidates.append(executable.appendingPathComponent(bundle).appendingPathComponent(name))
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent(file).path) }
    }
}
