// swift-tools-version: 6.1
import PackageDescription

// package-benchmark suites, kept out of the root package so that its `swift build` and
// `swift test` never build package-benchmark. Run: `swift package --disable-sandbox benchmark`.
let package = Package(
    name: "HarbourBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Harbour", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineMix",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Engine", package: "Harbour"),
                .product(name: "Matching", package: "Harbour"),
                .product(name: "HarbourCore", package: "Harbour"),
            ],
            path: "Benchmarks/EngineMix",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MarginMonitor",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Engine", package: "Harbour"),
                .product(name: "Matching", package: "Harbour"),
                .product(name: "HarbourCore", package: "Harbour"),
            ],
            path: "Benchmarks/MarginMonitor",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LoanMonitor",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Financing", package: "Harbour"),
                .product(name: "Compliance", package: "Harbour"),
                .product(name: "HarbourCore", package: "Harbour"),
            ],
            path: "Benchmarks/LoanMonitor",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LiquibookInsert",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Matching", package: "Harbour"),
                .product(name: "HarbourCore", package: "Harbour"),
            ],
            path: "Benchmarks/LiquibookInsert",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
