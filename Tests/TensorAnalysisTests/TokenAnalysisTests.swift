import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
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
}
