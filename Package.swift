// swift-tools-version:6.0
import PackageDescription

// Dependency direction (arrows point inward; nothing imports FieldCLI or SyncServer):
//   FieldModels → Foundation only
//   SyncEngine  → FieldModels
//   LocalStore  → SyncEngine, FieldModels, GRDB, swift-crypto
//   SyncServer  → SyncEngine, FieldModels
//   FieldCLI    → LocalStore, SyncEngine, FieldModels, ArgumentParser
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
    ],
    targets: [
        .target(name: "FieldModels"),
        .target(name: "SyncEngine", dependencies: ["FieldModels"]),
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
                "FieldModels", "SyncEngine", "LocalStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "SyncServer",
            dependencies: [
                "FieldModels", "SyncEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "FieldModelsTests", dependencies: ["FieldModels"]),
        .target(name: "SyncTestSupport", dependencies: ["SyncEngine"], path: "Tests/SyncTestSupport"),
        .testTarget(name: "SyncEngineTests", dependencies: ["SyncEngine", "SyncTestSupport"]),
        .testTarget(
            name: "LocalStoreTests",
            dependencies: ["LocalStore", "SyncTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "FieldCLITests",
            dependencies: ["FieldCLI", "LocalStore", "FieldModels", "SyncEngine", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "SyncServerTests", dependencies: ["SyncServer"]),
    ]
)
