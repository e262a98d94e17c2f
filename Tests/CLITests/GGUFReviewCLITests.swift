import Foundation
import Testing
import TestSupport

/// `audit` and `padding` on TestData/gguf-review (gguf-py's GGUFWriter; facts in expected.json
/// from gguf-py's reader and numpy): what llama.cpp refuses, and tying where bytes cannot tell.
@Suite struct GGUFReviewCLITests {
    static func expected(_ file: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("gguf-review/expected.json") as? [String: Any])
        return try #require(all[file] as? [String: Any])
    }



    @Test("the same values as F16 and F32: the bytes cannot show a tie either way, so tying is not 'not tied (identical-bytes)'")
    func sameValuesOtherType() throws {
        let expected = try Self.expected("same-values-f16-f32.gguf")
        #expect(expected["values_equal"] as? Bool == true)
        let padding = try CLI.json(["padding", Fixtures.path("gguf-review/same-values-f16-f32.gguf")])
        let results = try #require(padding["embeddings"] as? [[String: Any]])
        #expect(results.count == 2)
        for r in results {
            let tying = try #require(r["tying"] as? [String: Any])
            #expect(tying["evidence"] as? String != "identical-bytes", "\(r["tensor"] ?? "")")
            #expect(tying["tied"] is NSNull)
            #expect((tying["detail"] as? String)?.contains("bytes of different types cannot show") == true)
        }
    }

    @Test("an output.weight a Gemma loader never reads: gguf-problem, since llama.cpp refuses the file")
    func gemmaOutput() throws {
        let expected = try Self.expected("gemma-with-output.gguf")
        #expect((expected["tensors"] as? [String: Any])?["output.weight"] != nil)
        let audit = try CLI.json(["audit", Fixtures.path("gguf-review/gemma-with-output.gguf")])
        let problems = CLI.findings(audit, rule: "gguf-problem")
        #expect(problems.count == 1)
        #expect(problems.first?["tensors"] as? [String] == ["output.weight"])
        #expect((problems.first?["message"] as? String)?.contains("wrong number of tensors") == true)
        // The loader takes token_embd.weight as the output whatever output.weight holds: the
        // format's tie, not "not tied (evidence: identical-bytes)" beside that finding.
        let padding = try CLI.json(["padding", Fixtures.path("gguf-review/gemma-with-output.gguf")])
        let results = try #require(padding["embeddings"] as? [[String: Any]])
        #expect(results.map { $0["tensor"] as? String } == ["token_embd.weight"])
        let tying = try #require(results.first?["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "format-convention")
    }

    @Test("output.weight with other rows than the vocabulary: gguf-vocabulary-mismatch (error, exit 1)")
    func outputRows() throws {
        let expected = try Self.expected("output-rows-mismatch.gguf")
        let tokens = try #require(expected["tokens"] as? Int)
        let shape = try #require(((expected["tensors"] as? [String: Any])?["output.weight"] as? [String: Any])?["shape"] as? [Int])
        #expect(shape[0] != tokens)
        let audit = try CLI.json(["audit", Fixtures.path("gguf-review/output-rows-mismatch.gguf")], status: 1)
        let mismatch = CLI.findings(audit, rule: "gguf-vocabulary-mismatch")
        #expect(mismatch.count == 1)
        #expect(mismatch.first?["tensors"] as? [String] == ["output.weight"])
        let evidence = try #require(mismatch.first?["evidence"] as? [String: Any])
        #expect(evidence["tokens"] as? Int == tokens && evidence["rows"] as? Int == shape[0])
    }

    @Test("a tensor name of 64 bytes is a gguf-problem (llama.cpp refuses >= 64); 63 bytes is not",
          arguments: [("name-64.gguf", 1), ("name-63.gguf", 0)])
    func nameLength(_ file: String, problems: Int) throws {
        let expected = try Self.expected(file)
        let lengths = (expected["tensors"] as? [String: [String: Any]])?.values.compactMap { $0["name_bytes"] as? Int } ?? []
        #expect(lengths == [file == "name-64.gguf" ? 64 : 63])
        let audit = try CLI.json(["audit", Fixtures.path("gguf-review/" + file)])
        #expect(CLI.findings(audit, rule: "gguf-problem").count == problems)
    }

    /// llama.cpp's vocabulary loader requires `tokenizer.ggml.model`, and reads no vocabulary
    /// for "none" (llama-vocab.cpp): both are gguf-problems beside a token list.
    @Test("tokens without tokenizer.ggml.model, or with the model none: a gguf-problem naming the key",
          arguments: [("tok-no-model.gguf", "is missing beside"), ("tok-model-none.gguf", "llama.cpp reads no vocabulary")])
    func tokenizerModel(_ file: String, says: String) throws {
        let expected = try Self.expected(file)
        #expect(expected["tokens"] as? Int == 64)
        #expect((expected["tokenizer_model"] as? String) == (file == "tok-no-model.gguf" ? nil : "none"))
        let audit = try CLI.json(["audit", Fixtures.path("gguf-review/" + file)])
        let messages = CLI.findings(audit, rule: "gguf-problem").compactMap { $0["message"] as? String }
        #expect(messages.count == 1 && messages.first?.hasPrefix("metadata \"tokenizer.ggml.model\" ") == true
                && messages.first?.contains(says) == true, "\(messages)")
    }
}
