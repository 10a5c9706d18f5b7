// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows point inward; nothing imports FieldCLI or SyncServer):
//   FieldModels → Foundation only
//   SyncEngine  → FieldModels, swift-crypto (origin seals and replica certificates: SHA-256 and Ed25519, no I/O)
//   LocalStore  → SyncEngine, FieldModels, GRDB, swift-crypto
//   WireCodec   → system zlib (CSystemZlib), swift-crypto (gzip bodies and device signatures on the wire)
//   SyncServer  → SyncEngine, FieldModels, WireCodec, Hummingbird (+TLS through swift-nio-ssl), PostgresNIO, GRDB (embedded store),
//                 hummingbird-auth (bcrypt, sessions) and swift-mustache (the Dinas pages)
//   CCurl       → the system libcurl (thin C wrappers for its variadic calls)
//   Spreadsheet → FieldModels, the system libxlsxwriter (writing XLSX), ZIPFoundation + FoundationXML (reading it; XLSForms)
//   CPhoto      → the system libvips (with libheif) and libexif (thin C wrappers: vips calls are variadic)
//   Imaging     → CPhoto, FieldModels, swift-crypto (photo checks, re-encoding and content addresses)
//   FieldCLI    → LocalStore, SyncEngine, FieldModels, WireCodec, CCurl, Spreadsheet, Imaging, ArgumentParser
let package = Package(
    name: "FieldSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "field", targets: ["FieldCLI"]),
        .executable(name: "field-server", targets: ["SyncServer"]),
        .library(name: "FieldModels", targets: ["FieldModels"]),
        .library(name: "SyncEngine", targets: ["SyncEngine"]),
        .library(name: "LocalStore", targets: ["LocalStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(name: "FieldModels", resources: [.copy("Resources/wilayah"), .copy("Resources/kalender")]),
        .target(name: "SyncEngine", dependencies: ["FieldModels", .product(name: "Crypto", package: "swift-crypto")]),
        .systemLibrary(name: "CSystemZlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .systemLibrary(name: "CXLSXWriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .target(name: "Spreadsheet", dependencies: ["CXLSXWriter", "FieldModels", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .systemLibrary(name: "CVipsSystem", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CExifSystem", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        .target(name: "CPhoto", dependencies: ["CVipsSystem", "CExifSystem"]),
        .target(name: "Imaging", dependencies: ["CPhoto", "FieldModels", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "WireCodec", dependencies: ["CSystemZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "LocalStore",
            dependencies: [
                "FieldModels", "SyncEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "FieldCLI",
            dependencies: [
                "FieldModels", "SyncEngine", "LocalStore", "WireCodec", "CCurl", "Spreadsheet", "Imaging",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "SyncServer",
            dependencies: [
                "FieldModels", "SyncEngine", "WireCodec", "Spreadsheet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources/web")]),
        .testTarget(name: "FieldModelsTests", dependencies: ["FieldModels", "SyncTestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CPhoto", "CSystemZlib", "FieldModels"]),
        .testTarget(
            name: "SpreadsheetTests",
            dependencies: ["Spreadsheet", "FieldModels", "SyncTestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            // The XLSForms of the reference test, as readable tables (made into XLSX by the test).
            exclude: ["Forms"]),
        .target(name: "SyncTestSupport", dependencies: ["SyncEngine", "LocalStore", "Spreadsheet"], path: "Tests/SyncTestSupport"),
        .testTarget(name: "SyncEngineTests", dependencies: ["SyncEngine", "SyncTestSupport"]),
        .testTarget(
            name: "LocalStoreTests",
            dependencies: ["LocalStore", "SyncTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "FieldCLITests",
            dependencies: [
                "FieldCLI", "SyncServer", "LocalStore", "FieldModels", "SyncEngine", "SyncTestSupport", "Imaging",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // Stores made by earlier versions, read by the upgrade tests from the source tree.
            exclude: ["Fixtures"]),
        .testTarget(
            name: "SyncServerTests",
            dependencies: [
                "SyncServer", "SyncEngine", "FieldModels", "WireCodec", "LocalStore", "SyncTestSupport", "Spreadsheet",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
