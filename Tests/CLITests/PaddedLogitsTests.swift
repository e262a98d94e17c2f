import Foundation
import Testing
import TestSupport

/// `rows-beyond-tokenizer` on padded rows of an output projection whose norms are far above the
/// others' (hunt-61a P2): a warning, since transformers' `generate` does not mask their logits.
/// The folders and their expected.json come from `TestData/knowledge/generate_padded_logits.py`
/// (numpy's norms and robust scores; the ids transformers' greedy `generate` emitted).
@Suite struct PaddedLogitsTests {
    static func expected(_ folder: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: Fixtures.path("knowledge/padded-logits/\(folder)/expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// The folder's `rows-beyond-tokenizer` findings by tensor.
    static func findings(_ folder: String) throws -> [String: [String: Any]] {
        let found = try TokensCLITests.auditFindings(Fixtures.path("knowledge/padded-logits/\(folder)"), rule: "rows-beyond-tokenizer")
        return Dictionary(found.compactMap { f in (f["tensors"] as? [String])?.first.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
    }

    @Test("loud padded rows of an output projection, stored or tied, also half the matrix: a warning naming numpy's highest row against the tokenizer's rows, where generate emitted only such ids",
          arguments: [("loud", "lm_head.weight"), ("loud-tied", "model.embed_tokens.weight"), ("loud-half", "lm_head.weight")])
    func loudRowsWarn(folder: String, matrix: String) throws {
        let expected = try Self.expected(folder)
        let generated = try #require(expected["generated"] as? [String: Any])
        // The premise, from transformers: every id greedy generation emitted is past the tokenizer.
        #expect(generated["past_tokenizer"] as? Int == 20)
        let numpy = try #require((expected["matrices"] as? [String: Any])?[matrix] as? [String: Any])
        let finding = try #require(try Self.findings(folder)[matrix])
        #expect(finding["severity"] as? String == "warning")
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["high_norm_rows"] as? Int == numpy["high_norm_rows"] as? Int)
        let loud = try #require(numpy["high_norm_rows"] as? Int)
        #expect(loud > 0)
        #expect(evidence["top_row"] as? Int == numpy["top_row"] as? Int)
        let topNorm = try #require(numpy["top_norm"] as? Double)
        let median = try #require(numpy["median_norm"] as? Double)
        #expect(abs((evidence["top_norm"] as? Double ?? 0) - topNorm) <= 1e-6 * topNorm)
        #expect(abs((evidence["median_norm"] as? Double ?? 0) - median) <= 1e-6 * median)
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("\(loud) of the rows without a token have norms far above the median of the tokenizer's rows"), "\(message)")
        #expect(message.hasSuffix("be emitted as ids the tokenizer cannot decode"), "\(message)")
        #expect(message.contains("transformers' generate does not mask such rows"), "\(message)")
    }

    @Test("the untied loud folder's input embedding, and the rows resize_token_embeddings writes: information, no norm evidence")
    func quietRowsInform() throws {
        for (folder, matrices) in [("quiet", ["lm_head.weight", "model.embed_tokens.weight"]), ("loud", ["model.embed_tokens.weight"])] {
            let expected = try Self.expected(folder)
            let found = try Self.findings(folder)
            for matrix in matrices {
                let numpy = (expected["matrices"] as? [String: Any])?[matrix] as? [String: Any]
                #expect(numpy?["high_norm_rows"] as? Int == 0 || matrix == "model.embed_tokens.weight" && folder == "loud")
                let finding = try #require(found[matrix], "\(folder) \(matrix)")
                #expect(finding["severity"] as? String == "info", "\(folder) \(matrix)")
                #expect((finding["evidence"] as? [String: Any])?["high_norm_rows"] == nil, "\(folder) \(matrix)")
            }
        }
        // transformers: generation from the quiet folder emitted no id past the tokenizer.
        #expect((try Self.expected("quiet")["generated"] as? [String: Any])?["past_tokenizer"] as? Int == 0)
    }
}
