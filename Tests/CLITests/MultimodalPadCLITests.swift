import Foundation
import Testing
import TestSupport

/// A model type outside the table whose config.json states one pad id at the top level and
/// another in its text_config (TestData/knowledge/multimodal-pad, written by
/// generate_multimodal_pad.py; expected padding_idx from transformers' from_pretrained).
@Suite struct MultimodalPadCLITests {
    @Test("llava with top-level pad_token_id 5 and text_config 0: neither is used as the pad id, and the disagreement is a note")
    func disagreeingPads() throws {
        let folder = Fixtures.path("knowledge/multimodal-pad/llava")
        let expected = try #require(try Fixtures.json("knowledge/multimodal-pad/llava/expected.json") as? [String: Any])
        let top = try #require(expected["top_level_pad_token_id"] as? Int)
        // transformers builds the text model from the text_config's id, not the top level's.
        #expect((expected["padding_idx"] as? [String: Int])?.values.contains(top) == false)
        let report = try CLI.json(["audit", folder, "--format", "json"])
        #expect(CLI.findings(report, rule: "padding-row-nonzero").isEmpty, "row \(top) is not known to be the pad row")
        let notes = CLI.findings(report, rule: "pad-id-source-ignored").compactMap { $0["message"] as? String }
        #expect(notes.contains { $0.contains("states pad_token_id \(top) at the top level and 0 in its text_config") && $0.contains("so neither is used") },
                "\(notes)")
    }
}
