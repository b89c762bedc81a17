// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ExplainKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ExplainKit", targets: ["ExplainKit"]),
        .executable(name: "explain", targets: ["explain"]),
        .executable(name: "explain-bench", targets: ["ExplainBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .target(name: "ExplainTensor", dependencies: ["CBLAS"]),
        .target(name: "ExplainNN", dependencies: ["ExplainTensor"]),
        .target(name: "ExplainMethods", dependencies: ["ExplainTensor", "ExplainNN"]),
        .target(name: "ExplainIO", dependencies: ["ExplainTensor", "ExplainNN", "ExplainMethods"]),
        .target(name: "ExplainReport", dependencies: ["ExplainTensor", "ExplainNN", "ExplainMethods", "ExplainIO", "CCairo"]),
        .target(name: "ExplainKit", dependencies: ["ExplainTensor", "ExplainNN", "ExplainMethods", "ExplainIO", "ExplainReport"]),
        .target(name: "ExplainCLI", dependencies: [
            "ExplainKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "explain", dependencies: ["ExplainCLI"]),
        .executableTarget(name: "ExplainBench", dependencies: ["ExplainKit"]),
        .target(name: "TestSupport", dependencies: ["ExplainKit"], path: "Tests/TestSupport"),
        .testTarget(name: "ExplainTensorTests", dependencies: ["ExplainTensor", "TestSupport"]),
        .testTarget(name: "ExplainNNTests", dependencies: ["ExplainNN", "TestSupport"]),
        .testTarget(name: "ExplainMethodsTests", dependencies: ["ExplainMethods", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ExplainIOTests", dependencies: ["ExplainIO", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "ExplainReportTests", dependencies: ["ExplainReport", "TestSupport"]),
        .testTarget(name: "ExplainCLITests", dependencies: ["ExplainCLI", "TestSupport"]),
    ]
)
