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

    @Test("a frame that decodes past the size it declares, by 100 bytes and by 1,000: the message says so, not the cap",
          arguments: [100, 1_000])
    func declaredSizeTooSmall(by shortfall: Int) throws {
        let data = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let plain = SafetensorsWriter(entries: [.init(name: "w", dtype: .u8, shape: [64, 64], bytes: data)]).serialize()
        var compressed = [UInt8](repeating: 0, count: ZSTD_compressBound(plain.count))
        let size = ZSTD_compress(&compressed, compressed.count, plain, plain.count, 3)
        #expect(ZSTD_isError(size) == 0)
        var frame = Array(compressed[0..<size])
        // RFC 8878 §3.1.1.1: magic (4 bytes), the frame header descriptor; a single-segment
        // frame (bit 5) with no dictionary id has its content size right after it, in 1, 2
        // (value − 256), 4 or 8 bytes by the descriptor's top two bits.
        let descriptor = frame[4]
        try #require(descriptor & 0x20 != 0 && descriptor & 0x03 == 0)
        let width = [1, 2, 4, 8][Int(descriptor >> 6)]
        try #require(width == 2)
        let stated = Int(frame[5]) | Int(frame[6]) << 8
        #expect(stated + 256 == plain.count)
        let lie = plain.count - shortfall
        frame[5] = UInt8((lie - 256) & 0xFF)
        frame[6] = UInt8((lie - 256) >> 8)
        let path = try Fixtures.temporaryFile(frame, name: "lying.safetensors.zst")
        // zstd reports either "Destination buffer is too small" or "Data corruption detected"
        // (its frame-size check), by where the excess falls; both messages name the declared size.
        let expected = ["the zstd frame decodes to more than the \(lie) bytes it declares",
                        "Data corruption detected (the frame declares \(lie) decompressed bytes"]
        // What `inspect` opens (the header only), and the full decode of the other commands.
        let headerOnly = #expect(throws: CheckpointError.self) { try Checkpoint.openHeaderOnly(path: path) }
        #expect(expected.contains { headerOnly?.description.contains($0) == true }, "\(String(describing: headerOnly))")
        #expect(headerOnly?.description.contains("cap") == false)
        let full = #expect(throws: CheckpointError.self) { try Checkpoint.open(path: path).waitUntilLoaded() }
        #expect(expected.contains { full?.description.contains($0) == true }, "\(String(describing: full))")
        #expect(full?.description.contains("cap") == false)
    }

    @Test("a plain file opens as with open(path:)")
    func plainFile() throws {
        let path = Fixtures.path(ZstdSourceTests.plain)
        let partial = try Checkpoint.openHeaderOnly(path: path)
        #expect(partial.tensors.map(\.info) == (try Checkpoint.open(path: path)).tensors.map(\.info))
        #expect(throws: Never.self) { try partial.waitUntilLoaded() }
    }
}

/// A `.zst` whose decoded bytes are no safetensors file says what they look like, as the same
/// bytes uncompressed do (`not-safetensors`), not "header length … exceeds the limit" from its
/// first 8 bytes read as a length (helper-144).
@Suite struct ZstdContentSniffTests {
    static func compressed(_ plain: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ZSTD_compressBound(plain.count))
        let size = ZSTD_compress(&out, out.count, plain, plain.count, 3)
        return Array(out[0..<size])
    }

    @Test("GGUF, text and a zstd frame inside: not-safetensors naming the content, whole or header-only",
          arguments: [("a GGUF file", Array("GGUF".utf8) + [3, 0, 0, 0] + [UInt8](repeating: 0, count: 200)),
                      ("text", Array(String(repeating: "hello, this is a text file\n", count: 20).utf8)),
                      ("zstd-compressed data", ZstdContentSniffTests.compressed(Array(String(repeating: "x", count: 4096).utf8)))])
    func describesContent(what: String, plain: [UInt8]) throws {
        let path = try Fixtures.temporaryFile(Self.compressed(plain), name: "inside.safetensors.zst")
        for open in [{ try Checkpoint.open(path: path) }, { try Checkpoint.openHeaderOnly(path: path) }] as [() throws -> Checkpoint] {
            do {
                _ = try open()
                Issue.record("\(what): opened")
            } catch let error as CheckpointError {
                guard case .source(_, let kind, let message) = error else { Issue.record("\(error)"); continue }
                #expect(kind == "not-safetensors" && message == "not a safetensors file: its decompressed content looks like \(what)", "\(message)")
            }
        }
    }
}
