import Foundation
import Testing
import TestSupport

/// An input embedding saved again, byte for byte, as an output projection: the copy's rows are
/// the embedding's, so `audit` reports them once, through the embedding (review-63b L8).
@Suite struct EmbeddingCopyFindingsTests {
    @Test("toy BERT without its config: the decoder copy's low row 0 is the embedding's untrained-tokens row, not a second outlier-rows finding")
    func lowRowOfCopyIsUntrainedOnce() throws {
        // The model file alone: no config.json, so no pad id leaves row 0 out of the copy's outliers.
        let folder = try Fixtures.temporaryDirectory()
        let file = folder.appendingPathComponent("model.safetensors")
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"), toPath: file.path)
        let report = try CLI.json(["audit", file.path, "--json"])
        // The tie the bytes prove, as `ties` groups them.
        let tied = try #require(CLI.findings(report, rule: "tied-weights-duplicated").first)
        #expect(Set(tied["tensors"] as? [String] ?? []) == ["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"])
        #expect(CLI.findings(report, rule: "outlier-rows").isEmpty, "\(CLI.findings(report, rule: "outlier-rows"))")
        let untrained = CLI.findings(report, rule: "untrained-tokens")
        #expect(untrained.count == 1 && untrained.first?["tensors"] as? [String] == ["bert.embeddings.word_embeddings.weight"])
        // Row 0 is toy BERT's lowest row (`padding` reports its norm 0.0834 as rank 1 of 1000).
        #expect((untrained.first?["evidence"] as? [String: Any])?["lowest_row"] as? Int == 0)
    }

    @Test("an embedding and two byte copies with a NaN in row 3: one nan-values finding naming all three, led by the embedding")
    func severalCopiesJoinOnce() throws {
        var values = (0..<16 * 4).map { Float(1 + $0 % 5) }
        values[3 * 4 + 1] = .nan
        let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let names = ["cls.predictions.decoder.weight", "lm_head.weight", "model.embed_tokens.weight"]
        let file = try Fixtures.temporaryFile(SafetensorsWriter(entries: names.map { .init(name: $0, dtype: .f32, shape: [16, 4], bytes: bytes) })
            .serialize(), name: "three.safetensors")
        let report = try CLI.json(["audit", file, "--json"], status: 1)
        let nan = CLI.findings(report, rule: "nan-values")
        #expect(nan.count == 1, "\(nan)")
        #expect(nan.first?["tensors"] as? [String] == names)
        #expect((nan.first?["evidence"] as? [String: Any])?["first_row"] as? Int == 3)
        #expect((nan.first?["message"] as? String)?.hasPrefix(
            #"model.embed_tokens.weight (byte-identical copies, also stored as "cls.predictions.decoder.weight", "lm_head.weight"): 1 NaN values"#) == true,
            "\(nan)")
    }

    @Test("ties.safetensors: the tied pair's high row is one outlier-rows finding, led by the embedding, naming the copy")
    func highRowOfCopyJoinsEmbedding() throws {
        let expected = try #require(try Fixtures.json("expected/analysis-ties.json") as? [String: Any])
        let groups = try #require(expected["groups"] as? [[String: Any]])
        let pair = try #require(groups.compactMap { $0["tensors"] as? [String] }.first { $0.contains("model.embed_tokens.weight") })
        let report = try CLI.json(["audit", Fixtures.path("analysis/ties.safetensors"), "--json"])
        let outliers = CLI.findings(report, rule: "outlier-rows")
        #expect(outliers.count == 1, "\(outliers)")
        #expect(outliers.first?["tensors"] as? [String] == pair.sorted())
        #expect((outliers.first?["message"] as? String)?
            .hasPrefix(#"model.embed_tokens.weight (byte-identical copies, also stored as "lm_head.weight"): 1 row with outlying norms"#) == true,
            "\(outliers)")
    }
}
