import Foundation
import Testing
import TestSupport

/// A model type outside the table whose config.json states one pad id at the top level and
/// another (or none, or null) in its text_config (TestData/knowledge/multimodal-pad, written by
/// generate_multimodal_pad.py; expected padding_idx from transformers' from_pretrained).
@Suite struct MultimodalPadCLITests {
    @Test("llava whose top level and text_config disagree on pad_token_id: neither is used as the pad id, and a note says why",
          arguments: ["llava", "llava-top5-textnull", "llava-top5-textnone", "llava-topnull-text5"])
    func disagreeingPads(folder: String) throws {
        let path = Fixtures.path("knowledge/multimodal-pad/" + folder)
        let expected = try #require(try Fixtures.json("knowledge/multimodal-pad/\(folder)/expected.json") as? [String: Any])
        let top = expected["top_level_pad_token_id"] as? Int
        let padding = try #require(expected["padding_idx"] as? [String: Int])
        // transformers never builds the text model from the top level's id.
        if let top { #expect(!padding.values.contains(top)) }
        let report = try CLI.json(["audit", path, "--format", "json"])
        #expect(CLI.findings(report, rule: "padding-row-nonzero").isEmpty, "no row is known to be the pad row")
        let inner: String = switch expected["text_config_pad_token_id"] {
        case let id as Int: "\(id) in its text_config"
        case is NSNull: "null in its text_config"
        default: "none in its text_config"
        }
        let notes = CLI.findings(report, rule: "pad-id-source-ignored").compactMap { $0["message"] as? String }
        #expect(notes.contains { $0.contains("states pad_token_id \(top.map(String.init) ?? "null") at the top level and \(inner)")
                    && $0.contains("so neither is used") }, "\(notes)")
    }
}
