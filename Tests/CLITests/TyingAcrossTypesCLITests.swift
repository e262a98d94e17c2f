import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// An embedding and an output projection stored in two dtypes: their bytes cannot be equal, so
/// only values can say anything. Found by a regression hunt (2026-12-05): a BF16 embedding
/// beside an F32 lm_head of other values, with tie_word_embeddings true, was "tied (evidence:
/// config)" once bytes of two types stopped counting.
@Suite struct TyingAcrossTypesCLITests {
    /// A Llama-named folder: a [rows, 2] BF16 embedding whose row i is (i + 1, 0.5) — exact in
    /// BF16 up to 256 — and an F32 lm_head holding `head` (row-major, 2 values a row), config.json
    /// with `tie_word_embeddings` and pad id 0.
    static func folder(head: [Float], tie: Bool) throws -> String {
        let rows = head.count / 2
        let embedding: [Float] = (0 ..< rows).flatMap { i -> [Float] in [Float(i + 1), 0.5] }
        func bf16(_ values: [Float]) -> [UInt8] {
            values.flatMap { v -> [UInt8] in let b = UInt16(v.bitPattern >> 16); return [UInt8(b & 0xFF), UInt8(b >> 8)] }
        }
        func f32(_ values: [Float]) -> [UInt8] {
            values.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        }
        let dir = try Fixtures.temporaryDirectory()
        let file = SafetensorsWriter(entries: [
            .init(name: "model.embed_tokens.weight", dtype: .bf16, shape: [UInt64(rows), 2], bytes: bf16(embedding)),
            .init(name: "lm_head.weight", dtype: .f32, shape: [UInt64(rows), 2], bytes: f32(head)),
        ])
        try Data(file.serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let config = #"{"model_type": "llama", "pad_token_id": 0, "tie_word_embeddings": \#(tie), "vocab_size": \#(rows), "hidden_size": 2}"#
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    static func tying(_ dir: String) throws -> [String: Any] {
        let padding = try CLI.json(["padding", dir])
        let r = try #require((padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "model.embed_tokens.weight" })
        return try #require(r["tying"] as? [String: Any])
    }

    @Test("other values in another dtype: not tied, whatever config.json says")
    func otherValues() throws {
        // Row 0 of the head differs (by hand: 9 ≠ 1).
        let tying = try Self.tying(try Self.folder(head: [9, 0.5, 2, 0.5, 3, 0.5, 4, 0.5], tie: true))
        #expect(tying["tied"] as? Bool == false)
        #expect(tying["evidence"] as? String == "identical-bytes")
    }

    @Test("the same values in another dtype: the bytes say nothing, config.json decides, and the detail says why")
    func sameValues() throws {
        let tying = try Self.tying(try Self.folder(head: [1, 0.5, 2, 0.5, 3, 0.5, 4, 0.5], tie: true))
        #expect(tying["tied"] as? Bool == true)
        #expect(tying["evidence"] as? String == "config")
        #expect((tying["detail"] as? String)?.contains("bytes of different types cannot show") == true)
    }

    /// transformers ties two stored copies only when every value agrees: a difference in row 30
    /// of 40 (by hand: 31 + 1 there) proves them untied, though the first 16 rows agree
    /// (regression hunt, 2026-12-05: only 16 rows were compared, and this was "tied (config)").
    @Test("a difference past the first rows is found: every row's moments are compared")
    func laterRowDiffers() throws {
        var head: [Float] = (0 ..< 40).flatMap { i -> [Float] in [Float(i + 1), 0.5] }
        head[60] += 1
        let tying = try Self.tying(try Self.folder(head: head, tie: true))
        #expect(tying["tied"] as? Bool == false)
        #expect((tying["detail"] as? String)?.contains("their values differ (row 30)") == true, "\(tying)")
    }

    /// An F32 embedding beside a BF16 head holding its rounding is one matrix in two types
    /// (transformers ties them when it loads in BF16): no difference is proven, and config.json
    /// decides. By hand: (i + 1) + 0.001 rounds to i + 1 in BF16 for i + 1 ≤ 256 (spacing there is
    /// at least 2^−7 > 0.002). It was "their values differ" (adversarial review, 2026-12-05).
    @Test("a head that is the embedding's rounding to the narrower type is not called different")
    func roundingIsNoDifference() throws {
        func bytes(_ values: [Float], bf16: Bool) -> [UInt8] {
            values.flatMap { v -> [UInt8] in
                bf16 ? [UInt8((v.bitPattern >> 16) & 0xFF), UInt8(v.bitPattern >> 24)] : withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) }
            }
        }
        let embedding: [Float] = (0 ..< 40).flatMap { i -> [Float] in [Float(i + 1) + 0.001, 0.5] }
        let head: [Float] = (0 ..< 40).flatMap { i -> [Float] in [Float(i + 1), 0.5] }  // exact in BF16: truncating the bits is the value
        let dir = try Fixtures.temporaryDirectory()
        let file = SafetensorsWriter(entries: [
            .init(name: "model.embed_tokens.weight", dtype: .f32, shape: [40, 2], bytes: bytes(embedding, bf16: false)),
            .init(name: "lm_head.weight", dtype: .bf16, shape: [40, 2], bytes: bytes(head, bf16: true)),
        ])
        try Data(file.serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let config = #"{"model_type": "llama", "pad_token_id": 0, "tie_word_embeddings": true, "vocab_size": 40, "hidden_size": 2}"#
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        let tying = try Self.tying(dir.path)
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "config", "\(tying)")
        #expect((tying["detail"] as? String)?.contains("up to the narrower type's rounding") == true)
    }

    /// Rounding may overflow: 70,000 is above F16's largest finite value (65,504; by hand, past
    /// the halfway point 65,520 it rounds to +Inf), so an F16 head holding +Inf there is the F32
    /// embedding's rounding, not a difference (adversarial review, 2026-12-05: "values differ").
    @Test("a head whose rounding overflowed to Inf is no difference either")
    func roundingOverflowIsNoDifference() throws {
        var embedding: [Float] = (0 ..< 40).flatMap { i -> [Float] in [Float(i + 1), 0.5] }
        embedding[41] = 70_000  // row 20
        let head = embedding.map { Float16($0) }  // Float16(70000) is +Inf
        #expect(head[41].isInfinite)
        let dir = try Fixtures.temporaryDirectory()
        let file = SafetensorsWriter(entries: [
            .init(name: "model.embed_tokens.weight", dtype: .f32, shape: [40, 2],
                  bytes: embedding.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }),
            .init(name: "lm_head.weight", dtype: .f16, shape: [40, 2],
                  bytes: head.flatMap { v -> [UInt8] in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }),
        ])
        try Data(file.serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let config = #"{"model_type": "llama", "pad_token_id": 0, "tie_word_embeddings": true, "vocab_size": 40, "hidden_size": 2}"#
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        let tying = try Self.tying(dir.path)
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "config", "\(tying)")
    }
}
