import CZstd
import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
import TestSupport

/// `Checkpoint.openHeaderOnly` (what `inspect` uses): a `.zst` decoded only through its header
/// gives the header facts of the full decode, and refuses to pass for a loaded checkpoint.
@Suite struct HeaderOnlyZstdTests {
    @Test("the same tensor table and sizes as the full decode, with and without a declared size",
          arguments: ["sources/zstd/model.safetensors.zst", "sources/zstd/long31.safetensors.zst"])
    func sameHeader(relative: String) throws {
        let full = try Checkpoint.open(path: Fixtures.path(relative))
        let partial = try Checkpoint.openHeaderOnly(path: Fixtures.path(relative))
        #expect(partial.source.kind == .zstd)
        #expect(partial.source.decompressedBytes == full.source.decompressedBytes)
        #expect(partial.source.compressedBytes == full.source.compressedBytes)
        #expect(partial.tensors.map(\.info) == full.tensors.map(\.info))
        #expect(partial.metadata == full.metadata)
        #expect(throws: Never.self) { try full.waitUntilLoaded() }
    }

    @Test("a large frame is decoded only through its header: waiting for the rest throws, tensor bytes never arrive")
    func stopsAfterHeader() throws {
        var rng = SeededRandom(seed: 3)
        let data = (0..<(4 << 20)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }  // incompressible
        let plain = SafetensorsWriter(entries: [.init(name: "w", dtype: .u8, shape: [4, 1 << 20], bytes: data)]).serialize()
        var compressed = [UInt8](repeating: 0, count: ZSTD_compressBound(plain.count))
        let size = ZSTD_compress(&compressed, compressed.count, plain, plain.count, 3)
        #expect(ZSTD_isError(size) == 0)
        let path = try Fixtures.temporaryFile(Array(compressed[0..<size]), name: "big.safetensors.zst")
        let partial = try Checkpoint.openHeaderOnly(path: path)
        #expect(partial.source.decompressedBytes == UInt64(plain.count))
        #expect(partial.tensors.map(\.name) == ["w"])
        #expect(throws: CheckpointError.self) { try partial.waitUntilLoaded() }
        #expect(!partial.tensors[0].mapping.waitUntilFilled(through: plain.count))
        #expect(throws: Never.self) { try Checkpoint.open(path: path).waitUntilLoaded() }
    }

    @Test("a plain file opens as with open(path:)")
    func plainFile() throws {
        let path = Fixtures.path(ZstdSourceTests.plain)
        let partial = try Checkpoint.openHeaderOnly(path: path)
        #expect(partial.tensors.map(\.info) == (try Checkpoint.open(path: path)).tensors.map(\.info))
        #expect(throws: Never.self) { try partial.waitUntilLoaded() }
    }
}
