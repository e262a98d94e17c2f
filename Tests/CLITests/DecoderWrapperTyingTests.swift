import Foundation
import Testing
import TestSupport

/// The wrappers that build their decoder from a `decoder` sub-config (VisionEncoderDecoder with
/// a TrOCR decoder, EncoderDecoder with BERT): transformers ties the decoder's output projection
/// by that sub-config, whatever the wrapper's top level says
/// (TestData/knowledge/decoder-wrappers: every way config.json can state it, and whether the
/// model `from_pretrained` loads ties, in `expected.json`). A TrOCR saved by transformers 5.25
/// (false at the top, true in its decoder) was "not tied (evidence: config)".
@Suite struct DecoderWrapperTyingTests {
    static let root = "knowledge/decoder-wrappers"

    static func families() throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("\(root)/expected.json") as? [String: Any])?["families"] as? [String: [String: Any]])
    }

    @Test("each config variant: tied and not tied as from_pretrained ties; unknown only where the decoder leaves the key out and its model type's default is not known",
          arguments: ["trocr", "bert2bert"])
    func variants(family: String) throws {
        let facts = try #require(try Self.families()[family])
        let embedding = try #require(facts["input_embedding"] as? String)
        let variants = try #require(facts["variants"] as? [String: [String: Bool]])
        #expect(variants.count == 9)
        let weights = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(Self.root)/\(family)/model.safetensors")))
        for (name, outcome) in variants.sorted(by: { $0.key < $1.key }) {
            let config = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("\(Self.root)/\(family)/variants/\(name).json")))
            let folder = try Fixtures.temporaryDirectory()
            try weights.write(to: folder.appendingPathComponent("model.safetensors"))
            try config.write(to: folder.appendingPathComponent("config.json"))
            let report = try CLI.json(["padding", folder.path, "--pad-id", "1", "--tensor", embedding])
            let tying = try #require((report["embeddings"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
            let tied = tying["tied"] as? Bool, evidence = tying["evidence"] as? String
            let decoderStates = !name.hasSuffix("decoder-absent")
            if decoderStates {
                #expect(tied == outcome["tied"] && evidence == "config", "\(family) \(name): \(tying)")
            } else if family == "bert2bert" {
                // BertConfig's default, true, which the model-type table knows.
                #expect(tied == outcome["tied"] && evidence == "model-type-default", "\(family) \(name): \(tying)")
            } else {
                // TrOCR is not in the table: not known, never the wrapper's top-level value.
                #expect(tied == nil && evidence == "unknown", "\(family) \(name): \(tying)")
            }
        }
    }
}
