import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import ModelKnowledge
import TestSupport

/// `untrained-tokens` and the rows it exposes to renderers, on the real MiniLM row norms
/// (TestData/knowledge/minilm-norms; answers from numpy and tokenizers in expected.json).
@Suite struct TokenAnalysisTests {
    static func expected() throws -> [String: Any] {
        try #require((try Fixtures.json("knowledge/minilm-norms/expected.json") as? [String: Any])?["embedding"] as? [String: Any])
    }

    @Test("the audit report lists the flagged rows, lowest first, as plain indices")
    func untrainedRowsInReport() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("knowledge/minilm-norms/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["config.json", "tokenizer.json", "special_tokens_map.json", "tokenizer_config.json"] {
            try Fixtures.data("real/all-minilm-l6-v2/" + name).write(to: dir.appendingPathComponent(name))
        }
        let e = try Self.expected()
        let report = try AuditPipeline.run(try Checkpoint.open(path: dir.path))
        let rows = try #require(report.untrainedRows.first)
        #expect(report.untrainedRows.count == 1)
        #expect(rows.tensor == e["tensor"] as? String)
        #expect(rows.rows.count == e["low_rows"] as? Int)
        #expect(rows.rows.first == e["lowest_row"] as? Int)
        #expect(rows.indicator == "input-row-norm")
        #expect(!report.findings.contains { $0.rule == .outlierRows })
    }

    @Test("without tokenizer files the rows are flagged but not named, counted as unnamed (not ordinary), and the message says why")
    func noTokenizer() throws {
        let e = try Self.expected()
        let report = try AuditPipeline.run(try Checkpoint.open(path: Fixtures.path("knowledge/minilm-norms/model.safetensors")),
                                           policy: { var p = AuditPolicy(); p.tensors = [e["tensor"] as? String ?? ""]; return p }())
        let finding = try #require(report.findings.first { $0.rule == .untrainedTokens })
        #expect(finding.message.contains("no tokenizer was read (none beside the checkpoint, or an unreadable one)"))
        #expect(finding.evidence["rows"] == .int(Int64(e["low_rows"] as? Int ?? -1)))
        #expect(finding.evidence["lowest_token"] == nil)
        // Nothing names the rows, so none is claimed to be an ordinary token.
        #expect(finding.evidence["unnamed"] == .int(Int64(e["low_rows"] as? Int ?? -1)))
        #expect(finding.evidence["ordinary"] == .int(0))
    }

    @Test("a low row the model builds with padding_idx (config.json's pad_token_id) is not a token that missed training, whatever pad id is used")
    func paddingIdxRow() throws {
        let e = try Self.expected()
        let lowest = try #require(e["lowest_row"] as? Int)
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("knowledge/minilm-norms/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        for name in ["tokenizer.json", "special_tokens_map.json", "tokenizer_config.json"] {
            try Fixtures.data("real/all-minilm-l6-v2/" + name).write(to: dir.appendingPathComponent(name))
        }
        // BertModel builds nn.Embedding(…, padding_idx=pad_token_id): here the lowest row.
        var config = try #require(try JSONSerialization.jsonObject(with: Fixtures.data("real/all-minilm-l6-v2/config.json")) as? [String: Any])
        config["pad_token_id"] = lowest
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        var policy = AuditPolicy()
        policy.padID = PadID.flag(0)  // the pad id in use is another row
        let report = try AuditPipeline.run(try Checkpoint.open(path: dir.path), policy: policy)
        let finding = try #require(report.findings.first { $0.rule == .untrainedTokens })
        #expect(finding.evidence["padding_idx"] == .int(Int64(lowest)))
        #expect(finding.message.contains("row \(lowest) is the padding_idx row (BertConfig's model"), "\(finding.message)")
        let sorted = ["known_unused", "special", "beyond_vocabulary", "ordinary", "unnamed"].reduce(Int64(0)) { total, key in
            if case .int(let n)? = finding.evidence[key] { return total + n }
            return total
        }
        let explained: Int64 = finding.evidence["pad_row"] == nil ? 1 : 2
        #expect(sorted == Int64(e["low_rows"] as? Int ?? -1) - explained, "the padding_idx row is sorted into no category")
    }

    @Test("a zero pad row among the flagged rows is said to be all zero, not padding-row-nonzero's question")
    func zeroPadRow() throws {
        // 40 rows of norms 1.00–1.04 (one value in a column), row 0 (the pad id) all zero, row 7
        // of norm 0.01: both far below the median (~1.02, MAD ~0.01), by hand.
        var values = [Float](repeating: 0, count: 40 * 4)
        for row in 1..<40 { values[row * 4 + row % 4] = row == 7 ? 0.01 : 1 + 0.01 * Float(row % 5) }
        let bytes = values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let writer = SafetensorsWriter(entries: [.init(name: "bert.embeddings.word_embeddings.weight", dtype: .f32, shape: [40, 4], bytes: bytes)])
        let dir = try Fixtures.temporaryDirectory()
        try Data(writer.serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "pad_token_id": 0, "vocab_size": 40, "hidden_size": 4}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        let report = try AuditPipeline.run(try Checkpoint.open(path: dir.path))
        let finding = try #require(report.findings.first { $0.rule == .untrainedTokens })
        #expect(finding.evidence["pad_row"] == .int(0))
        #expect(finding.message.contains("row 0 is the pad row (pad id 0 from pad_token_id in "), "\(finding.message)")
        #expect(finding.message.contains("), all zero: not a token that missed training"), "\(finding.message)")
        #expect(!finding.message.contains("padding-row-nonzero's question"))
    }
}
