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
        .library(name: "StrictJSON", targets: ["StrictJSON"]),
        .library(name: "SafetensorsFormat", targets: ["SafetensorsFormat"]),
        .library(name: "PyTorchFormat", targets: ["PyTorchFormat"]),
        .library(name: "GGUFFormat", targets: ["GGUFFormat"]),
        .library(name: "CheckpointIO", targets: ["CheckpointIO"]),
        .library(name: "TensorScan", targets: ["TensorScan"]),
        .library(name: "TensorAnalysis", targets: ["TensorAnalysis"]),
        .library(name: "ModelKnowledge", targets: ["ModelKnowledge"]),
        .executable(name: "tensoraudit", targets: ["tensoraudit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Tests only: property-based checks of the hardening classes (issue 13).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // RFC 8259 JSON, strictly: duplicate keys kept (to be reported), no trailing commas,
        // byte offsets in every error. Pure: bytes in, values out.
        .target(name: "StrictJSON"),
        // Pure: safetensors bytes in, a validated tensor table out; no I/O.
        .target(name: "SafetensorsFormat", dependencies: ["StrictJSON"]),
        // torch.save checkpoints: a strict zip reader and a symbolic unpickler (never calls anything).
        // -O in debug: the memo-bomb test walks 1M objects (6.7 s unoptimized).
        // StrictJSON for `ExactText`: entry names and storage keys are compared by code points.
        .target(name: "PyTorchFormat", dependencies: ["StrictJSON"], swiftSettings: optimizedInDebug),
        // GGUF: header reader, ggml type table, quantized row kernels (pure: bytes in, values out).
        // Its row kernels have AVX2 versions in CMomentKernels (chosen at run time, bit-identical).
        .target(name: "GGUFFormat", dependencies: ["CMomentKernels", "StrictJSON"], swiftSettings: optimizedInDebug),
        // zstd-compressed checkpoints are decoded by the system libzstd (`make setup` installs it).
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", pkgConfig: "libzstd",
                       providers: [.apt(["libzstd-dev"])]),
        // AVX2 + FMA row-statistics loops and the AVX2 hash loop, chosen at run time (the binary targets baseline x86-64).
        .target(name: "CMomentKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // glibc calls Swift's Glibc module does not export: mallopt (HeapPolicy) and
        // sched_getaffinity (ProcessorCount), both in CheckpointIO.
        .target(name: "CGlibcExtras"),
        // The SIGBUS handler's table of mapped ranges and their messages: static storage and C11
        // atomics, so the handler can name the file without allocating or locking (FaultGuard).
        .target(name: "CFaultRegistry"),
        // Opens a path (file, folder, index, .zst; safetensors, torch, GGUF) into one format-neutral
        // `Checkpoint`: mapping, syscalls, sources; source problems are plain values.
        .target(name: "CheckpointIO", dependencies: ["StrictJSON", "SafetensorsFormat", "PyTorchFormat", "GGUFFormat", "CZstd", "CGlibcExtras",
                                              "CFaultRegistry"],
                swiftSettings: optimizedInDebug),
        // Reads tensor bytes: decoding, the scan plan, the moment kernels, fingerprints, differences.
        .target(name: "TensorScan", dependencies: ["StrictJSON", "SafetensorsFormat", "GGUFFormat", "CheckpointIO", "CMomentKernels"],
                swiftSettings: optimizedInDebug),
        // Findings, the rule catalog, the analyses and the one audit pipeline.
        .target(name: "TensorAnalysis", dependencies: ["StrictJSON", "SafetensorsFormat", "GGUFFormat", "CheckpointIO", "TensorScan", "ModelKnowledge"],
                swiftSettings: optimizedInDebug),
        // Tokenizers, config facts, model-type defaults and untrained-token indicators: pure
        // functions over bytes the caller read. Its JSON comes from the strict reader (StrictJSON);
        // -O in debug because the indicators pass over whole token matrices.
        .target(name: "ModelKnowledge", dependencies: ["StrictJSON"], swiftSettings: optimizedInDebug),
        .executableTarget(
            name: "tensoraudit",
            dependencies: [
                "StrictJSON", "SafetensorsFormat", "CheckpointIO", "TensorScan", "TensorAnalysis", "ModelKnowledge", "CGlibcExtras",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Micro-benchmarks for `make bench` (release build); not a product users install.
        .executableTarget(name: "tensoraudit-bench", dependencies: ["SafetensorsFormat"]),
        // GB/s of the GGUF row kernels per ggml type (release build; not part of `make bench`).
        .executableTarget(name: "gguf-kernel-bench", dependencies: ["GGUFFormat"]),
        .target(name: "TestSupport", dependencies: ["StrictJSON", "SafetensorsFormat"], path: "Tests/TestSupport"),
        .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON", "SafetensorsFormat", "TestSupport"]),
        .testTarget(name: "SafetensorsFormatTests", dependencies: ["SafetensorsFormat", "StrictJSON", "TestSupport"]),
        .testTarget(name: "CheckpointIOTests", dependencies: [
            "CheckpointIO", "GGUFFormat", "TensorScan", "TensorAnalysis", "TestSupport",
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "TensorScanTests", dependencies: ["CheckpointIO", "GGUFFormat", "TensorScan", "TestSupport"]),
        .testTarget(name: "TensorAnalysisTests", dependencies: ["TensorAnalysis", "CheckpointIO", "GGUFFormat", "TensorScan", "ModelKnowledge", "TestSupport"]),
        .testTarget(name: "ModelKnowledgeTests", dependencies: ["ModelKnowledge", "TestSupport"]),
        .testTarget(name: "PyTorchFormatTests", dependencies: ["PyTorchFormat", "TestSupport"]),
        .testTarget(name: "GGUFFormatTests", dependencies: ["GGUFFormat", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "tensoraudit"]),
    ]
)

// `make fuzz`: libFuzzer targets over the header parser and the open → views path
// (FuzzSafetensors), and over whole commands on mutated checkpoint folders (FuzzCommands). It has no
// usable `main` outside -sanitize=fuzzer (it starts libFuzzer's driver), so it is declared only when the
// Makefile sets TENSORAUDIT_FUZZ; plain `swift build` / `swift test` never see it.
if Context.environment["TENSORAUDIT_FUZZ"] != nil {
    // Starts libFuzzer's driver (SwiftPM owns `main`); shared by every target below.
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/FuzzDriver"))
    package.targets.append(.executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzDriver", "SafetensorsFormat", "CheckpointIO", "TensorScan"],
                                             path: "Fuzz/FuzzSafetensors"))
    // Whole commands (audit, rows, ties, padding, diff) on a mutated file of a checkpoint folder.
    package.targets.append(.executableTarget(name: "FuzzCommands",
                                             dependencies: ["FuzzDriver", "SafetensorsFormat", "CheckpointIO", "TensorScan", "TensorAnalysis"],
                                             path: "Fuzz/FuzzCommands"))
    // The same for the torch checkpoint reader (zip layer, symbolic unpickler, state-dict walk).
    // The GGUF reader, its tokenizer section and the row kernels on every decodable row.
    package.targets.append(.executableTarget(name: "FuzzGGUF", dependencies: ["FuzzDriver", "GGUFFormat"], path: "Fuzz/FuzzGGUF"))
    package.targets.append(.executableTarget(name: "FuzzPyTorch", dependencies: ["FuzzDriver", "PyTorchFormat"], path: "Fuzz/FuzzPyTorch"))
}
