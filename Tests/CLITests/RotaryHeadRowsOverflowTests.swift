import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// A GGUF file's `key_length` times its head count is checked against a q tensor's rows
/// (`LlamaCppRotaryOrder.headRows`); a lying key_length of 2^62 with 4 heads overflowed that
/// product and trapped (found reading the change once more, 2026-12-06). It must be said, not crash.
@Suite struct RotaryHeadRowsOverflowTests {
    /// A GGUF v3 llama file: head_count 4 (u32), key_length 2^62 (u64), one 8x2 F32
    /// `blk.0.attn_q.weight` (GGUF dims [2, 8]), data aligned to 32 bytes.
    static func gguf() -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        u32(3); u64(1); u64(3)
        string("general.architecture"); u32(8); string("llama")
        string("llama.attention.head_count"); u32(4); u32(4)
        string("llama.attention.key_length"); u32(10); u64(1 << 62)
        string("blk.0.attn_q.weight"); u32(2); u64(2); u64(8); u32(0); u64(0)
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        for k in 0 ..< 16 { withUnsafeBytes(of: Float(k).bitPattern.littleEndian) { bytes += $0 } }
        return bytes
    }

    @Test("key_length 2^62 with 4 heads: no trap; the rows are compared in file order and the report says why")
    func lyingKeyLength() throws {
        let values = (0 ..< 16).flatMap { k in withUnsafeBytes(of: Float(k).bitPattern.littleEndian) { Array($0) } }
        let hub = SafetensorsWriter(entries: [.init(name: "model.layers.0.self_attn.q_proj.weight", dtype: .f32, shape: [8, 2], bytes: values)])
        let a = try Fixtures.temporaryFile(hub.serialize(), name: "hub.safetensors")
        let b = try Fixtures.temporaryFile(Self.gguf(), name: "model.gguf")
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let order = try #require((report["tensors"] as? [[String: Any]])?.first?["row_order"] as? [String: Any])
        #expect(order["permuted"] as? Bool == false)
        #expect((order["evidence"] as? String)?.contains("make more rows than an integer holds, not the tensor's 8") == true, "\(order)")
    }
}
