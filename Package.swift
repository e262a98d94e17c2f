// swift-tools-version:6.0
import PackageDescription

// Hot loops (row statistics, hashing, dtype decoding) are 40-175x slower without
// optimization; tests run in debug, so the kernel-carrying targets are always built with -O.
let optimizedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "tensoraudit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "SafetensorsFormat", targets: ["SafetensorsFormat"]),
        .library(name: "GGUFFormat", targets: ["GGUFFormat"]),
        .library(name: "TensorViews", targets: ["TensorViews"]),
        .library(name: "TensorAnalysis", targets: ["TensorAnalysis"]),
        .executable(name: "tensoraudit", targets: ["tensoraudit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "SafetensorsFormat"),
        // GGUF: header reader, ggml type table, quantized row kernels (pure: bytes in, values out).
        .target(name: "GGUFFormat", swiftSettings: optimizedInDebug),
        // zstd-compressed checkpoints are decoded by the system libzstd (`make setup` installs it).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        // AVX2 + FMA row-statistics loops and the AVX2 hash loop, chosen at run time (the binary targets baseline x86-64).
        .target(name: "CMomentKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        .target(name: "TensorViews", dependencies: ["SafetensorsFormat", "CZstd", "CMomentKernels"],
                swiftSettings: optimizedInDebug),
        .target(name: "TensorAnalysis", dependencies: ["SafetensorsFormat", "TensorViews"],
                swiftSettings: optimizedInDebug),
        .executableTarget(
            name: "tensoraudit",
            dependencies: [
                "SafetensorsFormat", "TensorViews", "TensorAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro-benchmarks for `make bench` (release build); not a product users install.
        .executableTarget(name: "tensoraudit-bench", dependencies: ["SafetensorsFormat"]),
        // GB/s of the GGUF row kernels per ggml type (release build; not part of `make bench`).
        .executableTarget(name: "gguf-kernel-bench", dependencies: ["GGUFFormat"]),
        .target(name: "TestSupport", dependencies: ["SafetensorsFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "SafetensorsFormatTests", dependencies: ["SafetensorsFormat", "TestSupport"]),
        .testTarget(name: "GGUFFormatTests", dependencies: ["GGUFFormat", "TestSupport"]),
        .testTarget(name: "TensorViewsTests", dependencies: ["TensorViews", "TestSupport"]),
        .testTarget(name: "TensorAnalysisTests", dependencies: ["TensorAnalysis", "TensorViews", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "tensoraudit"]),
    ]
)

// `make fuzz`: a libFuzzer target over the header parser and the open → views path. It has no
// usable `main` outside -sanitize=fuzzer (it starts libFuzzer's driver), so it is declared only when the
// Makefile sets TENSORAUDIT_FUZZ; plain `swift build` / `swift test` never see it.
if Context.environment["TENSORAUDIT_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "FuzzSafetensors", dependencies: ["SafetensorsFormat", "TensorViews"],
                                             path: "Fuzz/FuzzSafetensors"))
}
