import Foundation
import Testing
import TestSupport

/// Why an embedding's all-zero row is zero: freshly built RoBERTa and MPNet models, whose word
/// and position embeddings transformers builds with padding_idx, and a T5 whose pad row was
/// zeroed by hand (TestData/knowledge/zero-pad-rows, written by generate_zero_pad_rows.py).
/// Expected rows come from numpy and the padding_idx of each module after transformers'
/// from_pretrained, in expected.json.
@Suite struct ZeroPadRowCLITests {
    static func audit(_ folder: String) throws -> (zeroFindings: [String: [String: Any]], expected: [String: Any]) {
        let expected = try #require(try Fixtures.json("knowledge/zero-pad-rows/\(folder)/expected.json") as? [String: Any])
        let report = try CLI.json(["audit", Fixtures.path("knowledge/zero-pad-rows/" + folder), "--format", "json"])
        var byTensor: [String: [String: Any]] = [:]
        for finding in CLI.findings(report, rule: "all-zero-rows") {
            if let tensors = finding["tensors"] as? [String], tensors.count == 1 { byTensor[tensors[0]] = finding }
        }
        return (byTensor, expected)
    }

    @Test("a zero row that transformers builds with padding_idx is said to be that row (word and position embeddings)",
          arguments: ["roberta", "mpnet"])
    func paddingIdxRows(folder: String) throws {
        let (findings, expected) = try Self.audit(folder)
        let padding = try #require(expected["padding_idx"] as? [String: Int])
        let zeroRows = try #require(expected["zero_rows"] as? [String: [Int]])
        #expect(padding.count == 2, "word and position embeddings")
        for (tensor, index) in padding {
            #expect(zeroRows[tensor] == [index], "\(tensor): numpy's zero rows")
            let finding = try #require(findings[tensor], "\(tensor) has an all-zero-rows finding")
            let evidence = try #require(finding["evidence"] as? [String: Any])
            #expect(evidence["padding_idx"] as? Int == index, "\(tensor)")
            let message = try #require(finding["message"] as? String)
            #expect(message.contains("nn.Embedding initialises that row to zero and the embedding lookup never updates it"), "\(message)")
            #expect(finding["severity"] as? String == "info")
        }
        // The word embedding's zero row is the pad token's too (config.json's pad_token_id).
        let word = try #require(padding.keys.first { $0.hasSuffix("word_embeddings.weight") })
        let evidence = findings[word]?["evidence"] as? [String: Any]
        #expect(evidence?["pad_id"] as? Int == padding[word])
        #expect(evidence?["pad_id_source"] as? String == "config")
    }

    @Test("MPNet fixes padding_idx at 1 (model-type-default); RoBERTa takes config.json's pad_token_id (config)")
    func evidenceOfTheIndex() throws {
        let roberta = try Self.audit("roberta").zeroFindings
        let mpnet = try Self.audit("mpnet").zeroFindings
        let robertaPosition = try #require(roberta["roberta.embeddings.position_embeddings.weight"]?["message"] as? String)
        #expect(robertaPosition.contains("padding_idx = pad_token_id, here config.json's pad_token_id 1") && robertaPosition.hasSuffix("(padding_idx evidence: config)"))
        let mpnetPosition = try #require(mpnet["mpnet.embeddings.position_embeddings.weight"]?["message"] as? String)
        #expect(mpnetPosition.contains("builds it with padding_idx 1;") && mpnetPosition.hasSuffix("(padding_idx evidence: model-type-default)"))
    }

    @Test("a T5 pad row zeroed by hand: padding_idx does not account for it (T5 builds no padding_idx)")
    func zeroedWithoutPaddingIdx() throws {
        let (findings, expected) = try Self.audit("t5-zeroed")
        #expect((expected["padding_idx"] as? [String: Int])?.isEmpty == true)
        #expect((expected["zero_rows"] as? [String: [Int]])?["shared.weight"] == [0])
        let finding = try #require(findings["shared.weight"])
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["pad_id"] as? Int == 0)
        #expect(evidence["padding_idx"] == nil)
        #expect((finding["message"] as? String)?.contains("without padding_idx") == true)
        #expect((finding["message"] as? String)?.contains("so padding_idx does not account for the zero row") == true)
    }

    @Test("padding explains a zero pad row the same way")
    func paddingCommand() throws {
        let text = try CLI.run(["padding", Fixtures.path("knowledge/zero-pad-rows/roberta")]).stdout
        #expect(text.contains("the pad row is all zeros: RobertaConfig's model"))
        #expect(text.contains("(padding_idx evidence: config)"))
    }
}
