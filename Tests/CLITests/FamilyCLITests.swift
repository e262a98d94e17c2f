import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `padding` and `tokens` on the family folders of TestData/knowledge/families (real tokenizer
/// and config conventions written by tokenizers/transformers), each given a token matrix of the
/// family's vocabulary size. Expected answers: the folders' expected.json (transformers and
/// tokenizers), never our output.
@Suite struct FamilyCLITests {
    /// The family's config and tokenizer files beside a [vocab, 4] matrix whose row i is (i + 1, 1, 1, 1).
    static func folder(_ family: String, matrix: String) throws -> (String, [String: Any]) {
        let source = "knowledge/families/" + family
        let expected = try #require(try Fixtures.json(source + "/expected.json") as? [String: Any])
        let vocab = try #require(expected["vocab_size"] as? Int)
        let dir = try Fixtures.temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.path(source)) where name != "expected.json" {
            try FileManager.default.copyItem(atPath: Fixtures.path(source + "/" + name), toPath: dir.path + "/" + name)
        }
        var bytes: [UInt8] = []
        for i in 0..<vocab {
            for x in [Float(i + 1), 1, 1, 1] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        }
        let entry = SafetensorsWriter.Entry(name: matrix, dtype: .f32, shape: [UInt64(vocab), 4], bytes: bytes)
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        return (dir.path, expected)
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("GPT-2 byte-level: no pad token anywhere, so nothing is analysed; unused tokens are the impossible bytes and reserved slots")
    func gpt2() throws {
        let (dir, expected) = try Self.folder("gpt2-bytelevel", matrix: "wte.weight")
        #expect(expected["pad_token_id"] is NSNull && expected["config_pad_token_id"] is NSNull)
        let padding = try Self.json(["padding", dir])
        #expect((padding["embeddings"] as? [Any])?.isEmpty == true)
        #expect((padding["notes"] as? [String])?.contains { $0.hasPrefix("no pad token found") } == true)
        let tokens = try Self.json(["tokens", dir])
        let matrix = try #require((tokens["embeddings"] as? [[String: Any]])?.first)
        let unused = Set((expected["invalid_utf8_token_ids"] as? [Int] ?? []) + (expected["reserved_ids"] as? [Int] ?? []))
        #expect(matrix["unused_tokens"] as? Int == unused.count)
        #expect((matrix["unused_sample"] as? [[String: Any]])?.allSatisfy { unused.contains($0["id"] as? Int ?? -1) } == true)
        // GPT2Config ties by default (transformers' answer), so the tied-model indicator is used.
        #expect(expected["tie_word_embeddings"] as? Bool == true)
        #expect(matrix["indicator"] as? String == "unused-similarity")
        #expect((matrix["tying"] as? [String: Any])?["evidence"] as? String == "model-type-default")
    }

    @Test("Llama byte-fallback: the pad token comes from the tokenizer; LlamaConfig's pad_token_id None builds the embedding without padding_idx")
    func llama() throws {
        let (dir, expected) = try Self.folder("llama-bytefallback", matrix: "model.embed_tokens.weight")
        let padID = try #require(expected["pad_token_id"] as? Int)
        let padding = try Self.json(["padding", dir])
        let r = try #require((padding["embeddings"] as? [[String: Any]])?.first)
        #expect(r["pad_id"] as? Int == padID)
        #expect(r["pad_token"] as? String == expected["pad_token"] as? String)
        #expect(r["pad_id_source"] as? String == "tokenizer")
        #expect(closeEnough(Fixtures.number(r["row_norm"] as Any) ?? 0, (Double(padID + 1) * Double(padID + 1) + 3).squareRoot()))
        let tying = try #require(r["tying"] as? [String: Any])
        #expect(expected["tie_word_embeddings"] as? Bool == false)
        #expect(tying["tied"] as? Bool == false && tying["evidence"] as? String == "model-type-default")
        // transformers' config has no pad id (expected.json's config_pad_token_id, None), and
        // LlamaModel then builds nn.Embedding(…, padding_idx=None): the <unk> row trains, so a
        // non-zero row is expected (info), not "nothing accounts for it" (a warning before).
        #expect(expected.keys.contains("config_pad_token_id") && expected["config_pad_token_id"] is NSNull)
        let finding = try #require((padding["findings"] as? [[String: Any]])?.first)
        #expect(finding["severity"] as? String == "info")
        #expect((finding["evidence"] as? [String: Any])?["padding_idx_row"] as? Bool == false)
        #expect((finding["message"] as? String)?.contains("the class default pad_token_id None (config.json gives none): without padding_idx") == true)
        let tokens = try Self.json(["tokens", dir])
        let matrix = try #require((tokens["embeddings"] as? [[String: Any]])?.first)
        let unused = Set((expected["invalid_utf8_fallback_ids"] as? [Int] ?? []) + (expected["duplicate_ascii_fallback_ids"] as? [Int] ?? []))
        #expect(matrix["unused_tokens"] as? Int == unused.count)
        #expect(matrix["indicator"] as? String == "input-row-norm")
        // Row norms grow with the row: the lowest-norm ordinary tokens are the first ordinary ids.
        let candidates = try #require(matrix["candidates"] as? [[String: Any]])
        let special = Set(((tokens["tokenizer"] as? [String: Any])?["special_tokens"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        let firstOrdinary = (0..<300).first { !special.contains($0) && !unused.contains($0) }
        #expect(candidates.first?["row"] as? Int == firstOrdinary)
    }
}
