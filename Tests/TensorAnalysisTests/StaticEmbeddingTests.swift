import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import SafetensorsFormat
import TestSupport

/// Static embedding models: the pad row is the row the pad token really uses, and no tie is
/// claimed for a model without an output layer. The model2vec answers come from numpy and
/// tokenizers (TestData/knowledge/families/model2vec-static/expected.json).
@Suite struct StaticEmbeddingTests {
    static let model2vec = "knowledge/families/model2vec-static"

    @Test("model2vec: the pad token's row is mapping[pad_id], its weight is reported, no tie is claimed")
    func model2vecPadRow() throws {
        let expected = try #require(try Fixtures.json(Self.model2vec + "/expected.json") as? [String: Any])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: Fixtures.path(Self.model2vec)))
        let r = try #require(report.results.first)
        #expect(report.results.count == 1)
        #expect(r.tensor == "embeddings")
        #expect(r.padID.id == expected["pad_id"] as? Int)
        #expect(r.padToken == expected["pad_token"] as? String)
        #expect(r.rowIndex == expected["pad_row_index"] as? Int)
        #expect(r.rowIndex != r.padID.id, "the fixture maps the pad token to another row")
        #expect(closeEnough(r.rowNorm, Fixtures.number(expected["pad_row_norm"] as Any) ?? 0))
        #expect(closeEnough(r.tokenWeight ?? 0, Fixtures.number(expected["pad_weight"] as Any) ?? 1))
        #expect(r.staticLayout?.kind == .model2vec)
        #expect(r.tying.tied == nil && !r.tying.outputProjectionPresent)
        #expect(!r.explanation.contains("tied to"))
        #expect(r.unusedRows == nil, "rows are not token ids under a mapping")
        let finding = try #require(PaddingAnalysis.findings(report).first)
        #expect(finding.evidence["row_index"] == .int(Int64(r.rowIndex)))
        #expect(finding.message.contains("static embedding model"))
        // The fixture's mapping (generate_families.py: [7, 8, 10, 5, 1, 4, 10, 9, 2, 8, 7, 7, …],
        // numpy: `(mapping == mapping[0]).sum() - 1`) sends tokens 10 and 11 to the pad token's
        // row 7 too: the row is theirs, a non-zero row is expected, info (helper-149: it was a
        // warning that "nothing in the file accounts for" it).
        #expect(r.rowSharers == 2)
        #expect(finding.severity == .info)
        #expect(finding.evidence["row_shared_with"] == .int(2))
        #expect(finding.message.contains("pad token 0 \"[PAD]\" (row 7)") || finding.message.contains("(row 7)"), "\(finding.message)")
        #expect(finding.message.contains("mapping sends 2 other tokens to this row"), "\(finding.message)")
        #expect(r.explanation.contains("mapping sends 2 other tokens to that row"), "\(r.explanation)")
    }

    @Test("model2vec: a pad token alone on its row keeps the warning that nothing in the file accounts for it")
    func model2vecPadRowAlone() throws {
        // The fixture with mapping[10] and mapping[11] moved off row 7 (to row 0): the pad token is alone there.
        let dir = try Fixtures.copyOfFolder(Self.model2vec)
        let file = dir.appendingPathComponent("model.safetensors")
        var bytes = Array(try Data(contentsOf: file))
        let mapping = try Fixtures.safetensorsEntry("mapping", in: bytes).range
        let width = mapping.count / 20
        for k in [10, 11] {
            let at = mapping.lowerBound + k * width
            for b in 0..<width { bytes[at + b] = 0 }
        }
        try Data(bytes).write(to: file)
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir.path))
        let r = try #require(report.results.first)
        #expect(r.rowIndex == 7 && r.rowSharers == 0)
        let finding = try #require(PaddingAnalysis.findings(report).first)
        #expect(finding.severity == .warning)
        #expect(finding.message.contains("no tie accounts for it"), "\(finding.message)")
    }

    /// Mapping entries for ids the tokenizer does not have are no tokens: with "over" (10) and
    /// "lazy" (11) taken out of tokenizer.json's vocabulary, nothing else uses row 7, so the
    /// warning stands (hunt-52a D7: model2vec 0.10.0 loads such a model; the count was 2, info).
    @Test("model2vec: mapping entries past the tokenizer's tokens share nothing")
    func model2vecMappingPastTokens() throws {
        let dir = try Fixtures.copyOfFolder(Self.model2vec)
        let file = dir.appendingPathComponent("tokenizer.json")
        var tokenizer = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        var model = try #require(tokenizer["model"] as? [String: Any])
        var vocab = try #require(model["vocab"] as? [String: Int])
        vocab = vocab.filter { $0.value != 10 && $0.value != 11 }
        model["vocab"] = vocab
        tokenizer["model"] = model
        try JSONSerialization.data(withJSONObject: tokenizer).write(to: file)
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir.path))
        let r = try #require(report.results.first)
        #expect(r.rowIndex == 7 && r.rowSharers == 0)
        #expect(try #require(PaddingAnalysis.findings(report).first).severity == .warning)
    }

    /// model2vec's int8 quantisation stores `embeddings` as I8 and encodes with those values
    /// (TestData/knowledge/families/model2vec-int8, saved by model2vec itself; answers from numpy
    /// and model2vec in expected.json). It was "no embedding matrix found", the pad row unchecked.
    @Test("model2vec int8: the I8 matrix is the static model's, its pad row mapping[pad_id] with numpy's norm, every row norm numpy's")
    func model2vecInt8() throws {
        let folder = "knowledge/families/model2vec-int8"
        let expected = try #require(try Fixtures.json(folder + "/expected.json") as? [String: Any])
        #expect(expected["loaded_embedding_dtype"] as? String == "int8")
        let checkpoint = try Checkpoint.open(path: Fixtures.path(folder))
        let report = try PaddingAnalysis.analyze(checkpoint)
        let r = try #require(report.results.first)
        #expect(report.results.count == 1)
        #expect(r.tensor == "embeddings")
        #expect(r.staticLayout?.kind == .model2vec && r.staticLayout?.mapping == "mapping")
        #expect(r.padID.id == expected["pad_id"] as? Int)
        #expect(r.padToken == expected["pad_token"] as? String)
        #expect(r.rowIndex == expected["pad_row_index"] as? Int)
        #expect(r.rowIndex != r.padID.id)
        #expect(closeEnough(r.rowNorm, Fixtures.number(expected["pad_row_norm"] as Any) ?? 0))
        let norms = try #require(expected["row_norms"] as? [Any]).compactMap(Fixtures.number)
        let moments = try #require(checkpoint.tensor(named: "embeddings")?.rowMoments())
        #expect(moments.count == norms.count)
        for (row, norm) in norms.enumerated() where row < moments.count {
            #expect(closeEnough(moments[row].l2Norm, norm), "row \(row)")
        }
        // `--tensor embeddings` names the same matrix: the same row through the mapping.
        let requested = try PaddingAnalysis.analyze(checkpoint, tensors: ["embeddings"])
        #expect(requested.results.first?.rowIndex == expected["pad_row_index"] as? Int)
    }

    static func write(_ entries: [SafetensorsWriter.Entry]) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        return dir.path
    }

    static func floats(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    @Test("sentence-transformers static: a lone embedding.weight is the token matrix; its row is the pad id")
    func sentenceTransformersStatic() throws {
        let values: [Float] = [3, 4, 0, 0, 1, 0, 0, 2, 2, 1, 0, 0]
        let dir = try Self.write([.init(name: "embedding.weight", dtype: .f32, shape: [4, 3], bytes: Self.floats(values))])
        let r = try #require(try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0).results.first)
        #expect(r.tensor == "embedding.weight" && r.role == .embedding)
        #expect(r.staticLayout?.kind == .sentenceTransformers)
        #expect(r.rowIndex == 0)
        #expect(closeEnough(r.rowNorm, 5))  // row 0 is (3, 4, 0)
        #expect(r.tying.tied == nil)
    }

    @Test("a lone embedding.weight in shard 1 of 2, or beside a Llama config.json, is no static model (hunt-59c P7)")
    func partOfATransformersModel() throws {
        let values: [Float] = [3, 4, 0, 0, 1, 0, 0, 2, 2, 1, 0, 0]
        let entry = SafetensorsWriter.Entry(name: "embedding.weight", dtype: .f32, shape: [4, 3], bytes: Self.floats(values))
        // One shard by its name, read alone: the rest of the model may be in shard 2.
        let shardDir = try Fixtures.temporaryDirectory()
        let shard = shardDir.appendingPathComponent("model-00001-of-00002.safetensors")
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: shard)
        // Its name is no transformers embedding name, so no matrix is taken without --tensor.
        let partial = try PaddingAnalysis.analyze(try Checkpoint.open(path: shard.path), padID: 0)
        #expect(partial.results.isEmpty && partial.notes.contains { $0.text.contains("no embedding matrix found") }, "\(partial.notes)")
        // A whole file beside a config of a model type transformers registers: that model's matrix.
        let dir = try Self.write([entry])
        try Data(#"{"model_type": "llama", "vocab_size": 4, "hidden_size": 3, "pad_token_id": 0}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/config.json"))
        let llama = try #require(try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0).results.first)
        #expect(llama.staticLayout == nil && llama.tying.notApplicable == false, "\(llama.tying)")
        // A model type transformers registers though it is outside the tie-default table (CANINE).
        try Data(#"{"model_type": "canine"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let canine = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0)
        #expect(canine.results.allSatisfy { $0.staticLayout == nil && !$0.tying.notApplicable }, "\(canine.results)")
        #expect(!canine.notes.contains { $0.text.contains("static") }, "\(canine.notes)")
        // model2vec's own model_type is no transformers type: still static.
        try Data(#"{"model_type": "model2vec", "architectures": ["StaticModel"]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let model2vec = try #require(try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0).results.first)
        #expect(model2vec.staticLayout?.kind == .sentenceTransformers)
    }

    @Test("a mapping entry outside the matrix is a note, never a row")
    func badMapping() throws {
        let mapping: [Int64] = [99, 0, 1]
        let bytes = mapping.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let dir = try Self.write([
            .init(name: "embeddings", dtype: .f32, shape: [2, 2], bytes: Self.floats([1, 0, 0, 1])),
            .init(name: "mapping", dtype: .i64, shape: [3], bytes: bytes),
        ])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0)
        #expect(report.results.isEmpty)
        #expect(report.notes.contains { $0.text.contains("mapping[0] is 99") }, "\(report.notes)")
    }

    @Test("a mapping value outside the matrix is stated as the exact integer it is (not -2.0, not 9.2e+18)",
          arguments: [(SafetensorsFormat.DType.i64, UInt64(bitPattern: -2), "-2"), (.u64, (1 << 63) + 3, "9223372036854775811")])
    func exactMappingValue(dtype: SafetensorsFormat.DType, bits: UInt64, stated: String) throws {
        let bytes = [bits, 0, 1].flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
        let dir = try Self.write([
            .init(name: "embeddings", dtype: .f32, shape: [2, 2], bytes: Self.floats([1, 0, 0, 1])),
            .init(name: "mapping", dtype: dtype, shape: [3], bytes: bytes),
        ])
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: dir), padID: 0)
        #expect(report.notes.contains { $0.text.contains("mapping[0] is \(stated), not a row") }, "\(report.notes)")
    }
}
