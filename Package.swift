// swift-tools-version: 6.1
import PackageDescription

// Domain targets (HarbourCore, Matching, Ledger, Risk, Engine) import no server or
// database library: everything that decides money is testable without a server.
let package = Package(
    name: "Harbour",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "HarbourCore", targets: ["HarbourCore"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Risk", targets: ["Risk"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Storage", targets: ["Storage"]),
        .executable(name: "harbour", targets: ["harbour"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .target(name: "HarbourCore"),
        .target(name: "Matching", dependencies: ["HarbourCore"]),
        .target(name: "Ledger", dependencies: ["HarbourCore"]),
        .target(name: "Risk", dependencies: ["HarbourCore"]),
        .target(
            name: "Engine",
            dependencies: [
                "HarbourCore", "Matching", "Ledger", "Risk",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "Storage", dependencies: ["HarbourCore"]),
        .executableTarget(
            name: "harbour",
            dependencies: [
                "Engine", "Matching", "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "HarbourCoreTests", dependencies: ["HarbourCore"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "RiskTests", dependencies: ["Risk"]),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
