import CheckpointIO
import GGUFFormat
import Testing
@testable import TensorAnalysis
import TestSupport

/// The head counts `diff` reads per q/k tensor from a per-layer `llama.attention.head_count`
/// list: one lookup per tensor must not cost the whole list (tensors × elements grew as the
/// square of the input: a 2M-entry list with 2,000 q tensors took 4 s).
@Suite struct RotaryHeadCountScaleTests {
    /// A GGUF v3 file with no tensors and one metadata key: `key` an int32 array of `values`.
    /// Layout by the GGUF spec (little-endian): magic, version, tensor count, key count, then
    /// the key (u64 length + bytes), value type 9 (array), element type 5 (int32), u64 count,
    /// the elements.
    static func gguf(_ key: String, _ values: [Int32]) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        u32(3); u64(0); u64(1)
        u64(UInt64(key.utf8.count)); bytes += Array(key.utf8)
        u32(9); u32(5); u64(UInt64(values.count))
        for v in values { u32(UInt32(bitPattern: v)) }
        return bytes
    }

    @Test("each layer's head count is read in constant time: n layers with an n-entry list scale linearly")
    func perLayerLookupIsLinear() throws {
        func run(_ n: Int) throws {
            let file = try GGUFFile.parse(Self.gguf("llama.attention.head_count", (0 ..< n).map { Int32($0 % 7 + 1) }))
            var wrong = 0
            for layer in 0 ..< n {
                let count = LlamaCppRotaryOrder.headCount(role: .query, layer: layer, gguf: file, config: nil)
                // The element read is named with its index (review-53 #7).
                if count != .known(layer % 7 + 1, source: "GGUF metadata llama.attention.head_count[\(layer)]") { wrong += 1 }
            }
            #expect(wrong == 0)
        }
        let ratio = try LinearTime.ratio(3000, run)
        #expect(ratio < LinearTime.bound, "4x the layers took \(ratio)x the time")
    }

    @Test("a u64 list: an entry above Int.max is named for its layer, the others are used")
    func wideEntries() throws {
        var bytes = Self.gguf("llama.attention.head_count", [])
        // Rewrite as a u64 array of [4, 2^63].
        bytes.removeLast(12)
        withUnsafeBytes(of: UInt32(10).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: UInt64(2).littleEndian) { bytes += $0 }
        for v in [UInt64(4), UInt64(1) << 63] { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        let file = try GGUFFile.parse(bytes)
        #expect(LlamaCppRotaryOrder.headCount(role: .query, layer: 0, gguf: file, config: nil)
                == .known(4, source: "GGUF metadata llama.attention.head_count[0]"))
        guard case .unknown(let reasons) = LlamaCppRotaryOrder.headCount(role: .query, layer: 1, gguf: file, config: nil) else {
            Issue.record("layer 1 should be unknown")
            return
        }
        #expect(reasons.first == "GGUF metadata llama.attention.head_count[1] is beyond a signed 64-bit count", "\(reasons)")
    }

    @Test("a GGUF head count of 0 passed over for config.json's is named beside the count used")
    func passedOverCountIsNamed() throws {
        // head_count as a one-entry int32 list holding 0: layer 0's count is 0.
        let file = try GGUFFile.parse(Self.gguf("llama.attention.head_count", [0]))
        var config = ModelConfig(path: "config.json")
        config.attentionHeads = 4
        #expect(LlamaCppRotaryOrder.headCount(role: .query, layer: 0, gguf: file, config: config)
                == .known(4, source: "config.json num_attention_heads; passed over: GGUF metadata llama.attention.head_count[0] is 0, not a positive count"))
        // A usable GGUF count is taken alone, with nothing passed over.
        let good = try GGUFFile.parse(Self.gguf("llama.attention.head_count", [8]))
        #expect(LlamaCppRotaryOrder.headCount(role: .query, layer: 0, gguf: good, config: config)
                == .known(8, source: "GGUF metadata llama.attention.head_count[0]"))
    }
}
