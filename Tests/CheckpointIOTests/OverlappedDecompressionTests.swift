import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// `.zst` checkpoints opened with overlapping decompression: decoded on their own thread while
/// tensors are read, with exactly the results (and the failures) of decoding first.
@Suite struct OverlappedDecompressionTests {
    static func open(_ path: String, overlapping: Bool) throws(CheckpointError) -> Checkpoint {
        try Checkpoint.open(path: path, overlappingDecompression: overlapping)
    }

    @Test("a single-frame file with a declared size is read while it decodes, and equals the original")
    func equalsOriginal() throws {
        let original = try Checkpoint.open(path: Fixtures.path(ZstdSourceTests.plain))
        let checkpoint = try Self.open(Fixtures.path("sources/zstd/model.safetensors.zst"), overlapping: true)
        #expect(checkpoint.files[0].mapping.isFilledInBackground, "zstd -19 from a file declares the size")
        #expect(checkpoint.source.kind == .zstd)
        let expected = try #require(try Fixtures.json("expected/zstd.json") as? [String: Any])
        #expect(checkpoint.source.decompressedBytes == (expected["decompressed_size"] as? NSNumber)?.uint64Value)
        #expect(checkpoint.tensors.map(\.name) == original.tensors.map(\.name))
        // Read in reverse file order: the last tensor's bytes wait for the whole frame.
        for (a, b) in zip(checkpoint.tensors, original.tensors).reversed() {
            #expect(a.copyBytes() == b.copyBytes(), "\(a.name)")
        }
        #expect(throws: Never.self) { try checkpoint.waitUntilLoaded() }
    }

    @Test("without a declared size (zstd from stdin) the file is decoded first, as before")
    func fallsBack() throws {
        let checkpoint = try Self.open(Fixtures.path("sources/zstd/long31.safetensors.zst"), overlapping: true)
        #expect(!checkpoint.files[0].mapping.isFilledInBackground)
        #expect(throws: Never.self) { try checkpoint.waitUntilLoaded() }
    }

    /// What opening, reading every tensor and waiting gives: the bytes, or the error text.
    static func outcome(_ path: String, overlapping: Bool) -> Result<[[UInt8]], CheckpointError> {
        Result { () throws(CheckpointError) -> [[UInt8]] in
            let checkpoint = try open(path, overlapping: overlapping)
            let bytes = checkpoint.tensors.map { $0.copyBytes() }
            try checkpoint.waitUntilLoaded()
            return bytes
        }
    }

    @Test("a flipped byte anywhere in the frame gives the same outcome with and without overlap")
    func corruptionAgrees() throws {
        let bytes = [UInt8](try Fixtures.data("sources/zstd/model.safetensors.zst"))
        let folder = try Fixtures.temporaryDirectory()
        var failures = 0
        for position in stride(from: 6, to: bytes.count, by: 97) {
            var damaged = bytes
            damaged[position] ^= 0x5A
            let path = folder.appendingPathComponent("flip-\(position).safetensors.zst").path
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let first = Self.outcome(path, overlapping: false)
            let overlapped = Self.outcome(path, overlapping: true)
            switch (first, overlapped) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "byte \(position)")
            case (.failure(let a), .failure(let b)):
                failures += 1
                #expect(a.kind == b.kind, "byte \(position): \(a) vs \(b)")
                #expect(b.description.hasPrefix(path + ": "))
            default:
                Issue.record("byte \(position): \(first) vs \(overlapped)")
            }
        }
        // The frame carries a checksum, so almost every flip must be caught.
        #expect(failures > 100)
    }
}
