import Foundation
import Testing
import TestSupport

/// llava, a composite model type outside the table, whose config.json states one pad id at the
/// top level and another (or none, or null) in its text_config (TestData/knowledge/multimodal-pad,
/// written by generate_multimodal_pad.py; expected padding_idx from transformers' from_pretrained).
@Suite struct MultimodalPadCLITests {
    @Test("llava: a stated text_config pad id is the pad id (the top level's set aside); without one, the top level's is not used",
          arguments: ["llava", "llava-top5-textnull", "llava-top5-textnone", "llava-topnull-text5"])
    func padFromTheTextConfig(folder: String) throws {
        let path = Fixtures.path("knowledge/multimodal-pad/" + folder)
        let expected = try #require(try Fixtures.json("knowledge/multimodal-pad/\(folder)/expected.json") as? [String: Any])
        let built = try #require(expected["padding_idx"] as? [String: Int]).values.first
        let report = try CLI.json(["padding", path])
        let pads = Set((report["embeddings"] as? [[String: Any]] ?? []).compactMap { $0["pad_id"] as? Int })
        // The pad row checked is the one transformers builds padding_idx on, or none.
        #expect(pads == Set([built].compactMap { $0 }), "\(report)")
        let notes = (report["notes"] as? [String] ?? []).joined(separator: "\n")
        if let top = expected["top_level_pad_token_id"] as? Int {
            #expect(notes.contains("the top-level pad_token_id \(top) is not what") || notes.contains("so the top-level one is not used"), "\(notes)")
        }
    }
}
