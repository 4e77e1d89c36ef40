// swift-tools-version: 6.1
import PackageDescription

// Domain targets (HarbourCore, Matching, Ledger, Risk, Engine) import no server or
// database library: everything that decides money is testable without a server.
// Sequencer and Storage are plain Foundation (journal, snapshots, group commit);
// ReadModel owns SQLite; Gateway owns HTTP. Benchmarks live in their own package
// (Benchmarks/) so that building and testing the venue never builds package-benchmark.
let package = Package(
    name: "Harbour",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "HarbourCore", targets: ["HarbourCore"]),
        .library(name: "Matching", targets: ["Matching"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "Risk", targets: ["Risk"]),
        .library(name: "Compliance", targets: ["Compliance"]),
        .library(name: "Financing", targets: ["Financing"]),
        .library(name: "Spot", targets: ["Spot"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Sequencer", targets: ["Sequencer"]),
        .library(name: "ReadModel", targets: ["ReadModel"]),
        .library(name: "ReadModelPostgres", targets: ["ReadModelPostgres"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "Surveillance", targets: ["Surveillance"]),
        .executable(name: "harbour", targets: ["harbour"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        // Already in the graph through Hummingbird; named so the gateway can answer HTTP
        // parse errors itself (NIOHTTP1.HTTPParserError) and guard connections (docs/DECISIONS.md 22).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(name: "HarbourCore"),
        .target(name: "Matching", dependencies: ["HarbourCore"]),
        .target(name: "Ledger", dependencies: ["HarbourCore"]),
        .target(name: "Risk", dependencies: ["HarbourCore"]),
        .target(name: "Compliance", dependencies: ["HarbourCore"]),
        .target(name: "Disclosures", dependencies: ["HarbourCore", "Risk", "Engine", "Matching", "Financing",
                                                    .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Financing", dependencies: ["HarbourCore", "Compliance"]),
        // Spot markets' specs and exact settlement arithmetic (SPOT-1); the engine posts it.
        .target(name: "Spot", dependencies: ["HarbourCore"]),
        .target(
            name: "Engine",
            dependencies: [
                "HarbourCore", "Matching", "Ledger", "Risk", "Compliance", "Spot", "Financing",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The one typed command path (DECISIONS 31): strict JSON, the field table, the
        // request → Command builder and config-file reading; no server library.
        .target(name: "CommandInput", dependencies: ["Engine", "HarbourCore", "Matching", "Compliance", "Financing"]),
        .target(name: "Storage", dependencies: ["HarbourCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Sequencer", dependencies: ["Engine", "Storage", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "ReadModel",
            dependencies: ["Engine", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The production store (OPS-4, docs/DECISIONS.md 36): the same read models and a
        // journal replica on PostgreSQL; knows ReadModel's query interface, not the gateway.
        .target(
            name: "ReadModelPostgres",
            dependencies: [
                "ReadModel", "Engine", "Storage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Engine", "CommandInput", "Sequencer", "ReadModel", "Disclosures", "Surveillance", "Compliance", "Storage", "Financing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(name: "Simulator", dependencies: ["Engine", "Sequencer"]),
        // Surveillance and MM obligations (MM-4, MM-5) as a projection of commands and
        // events; no server or database library (docs/SURVEILLANCE.md).
        .target(name: "Surveillance", dependencies: ["Engine", "Compliance", "HarbourCore", "Matching"]),
        .executableTarget(
            name: "harbour",
            dependencies: [
                "Engine", "CommandInput", "Storage", "Matching", "Sequencer", "ReadModel", "ReadModelPostgres", "Gateway", "Simulator", "Disclosures", "Surveillance", "Financing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "HarbourCoreTests", dependencies: ["HarbourCore"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "RiskTests", dependencies: ["Risk"]),
        .testTarget(name: "ComplianceTests", dependencies: ["Compliance"]),
        .testTarget(name: "DisclosuresTests", dependencies: ["Disclosures", "Engine", "HarbourCore", "CommandInput", "Financing"]),
        .testTarget(name: "FinancingTests", dependencies: ["Financing"]),
        .testTarget(name: "SpotTests", dependencies: ["Spot", "HarbourCore"]),
        .testTarget(name: "MatchingTests", dependencies: ["Matching"]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"]),
        .testTarget(
            name: "EngineTests",
            dependencies: [
                "Engine", "CommandInput", "Financing",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "SurveillanceTests", dependencies: ["Surveillance", "Engine", "Compliance", "HarbourCore", "Matching", "Simulator", "Sequencer", "Gateway"]),
        .testTarget(name: "CommandInputTests", dependencies: ["CommandInput", "Engine"]),
        .testTarget(name: "SequencerTests", dependencies: ["Sequencer"]),
        .testTarget(name: "ReadModelTests", dependencies: ["ReadModel", "ReadModelPostgres", "Storage", "CommandInput"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "Gateway", "Surveillance", "Compliance",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
