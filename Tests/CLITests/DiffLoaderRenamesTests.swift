import Foundation
import Testing
import TestSupport

/// `diff` of two Hub-format checkpoints pairs the names transformers renames as it loads
/// (`LoaderRenames`, from transformers 5.25's conversion_mapping.py: the `legacy` renames of every
/// model, GPTNeoXForCausalLM's `embed_out.` → `lm_head.`). A BERT saved with `LayerNorm.gamma`
/// against a file written from its loaded state dict (`LayerNorm.weight`) failed with every
/// LayerNorm "only in A" and "only in B", though `from_pretrained` loads both alike (hunt-61b P1).
@Suite struct DiffLoaderRenamesTests {
    /// A folder holding `names` (each a 2 × 2 F32 tensor of the same four values) and, when
    /// given, a config.json naming `architecture`.
    static func folder(_ names: [String], architecture: String? = nil) throws -> String {
        let dir = try Fixtures.temporaryDirectory().path
        let values = [Float(1), -2, 0.5, 4].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [2, 2], bytes: values) }
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        if let architecture {
            try Data(#"{"architectures": ["\#(architecture)"]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        }
        return dir
    }

    static func pairs(_ a: String, _ b: String) throws -> (status: Int32, pairs: [String: String], onlyInA: [String], onlyInB: [String]) {
        let result = try CLI.run(["diff", a, b, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        var pairs: [String: String] = [:]
        for tensor in report["tensors"] as? [[String: Any]] ?? [] {
            if let name = tensor["name"] as? String, let nameB = tensor["name_b"] as? String { pairs[name] = nameB }
        }
        return (result.status, pairs, report["only_in_a"] as? [String] ?? [], report["only_in_b"] as? [String] ?? [])
    }

    @Test("LayerNorm.gamma/beta and weight-norm .weight_g/.weight_v against their loaded names: paired, B matches A, either order")
    func legacyNames() throws {
        let old = try Self.folder(["encoder.LayerNorm.gamma", "encoder.LayerNorm.beta", "conv.weight_g", "conv.weight_v", "dense.weight"])
        let new = try Self.folder(["encoder.LayerNorm.weight", "encoder.LayerNorm.bias", "conv.parametrizations.weight.original0",
                                   "conv.parametrizations.weight.original1", "dense.weight"])
        let forward = try Self.pairs(old, new)
        #expect(forward.status == 0 && forward.onlyInA.isEmpty && forward.onlyInB.isEmpty, "\(forward)")
        #expect(forward.pairs == ["encoder.LayerNorm.gamma": "encoder.LayerNorm.weight", "encoder.LayerNorm.beta": "encoder.LayerNorm.bias",
                                  "conv.weight_g": "conv.parametrizations.weight.original0",
                                  "conv.weight_v": "conv.parametrizations.weight.original1", "dense.weight": "dense.weight"])
        let backward = try Self.pairs(new, old)
        #expect(backward.status == 0 && backward.pairs["encoder.LayerNorm.weight"] == "encoder.LayerNorm.gamma", "\(backward)")
        let text = try CLI.run(["diff", old, new]).stdout
        #expect(text.contains("encoder.LayerNorm.gamma -> encoder.LayerNorm.weight"), "\(text)")
    }

    @Test("embed_out.weight against lm_head.weight: paired under a GPTNeoXForCausalLM config, not under a LlamaForCausalLM one")
    func gptNeoXHead() throws {
        let hub = try Self.folder(["embed_out.weight", "gpt_neox.embed_in.weight"], architecture: "GPTNeoXForCausalLM")
        let resaved = try Self.folder(["lm_head.weight", "gpt_neox.embed_in.weight"])
        let paired = try Self.pairs(resaved, hub)
        #expect(paired.status == 0 && paired.pairs["lm_head.weight"] == "embed_out.weight", "\(paired)")
        let llama = try Self.folder(["embed_out.weight", "gpt_neox.embed_in.weight"], architecture: "LlamaForCausalLM")
        let unpaired = try Self.pairs(resaved, llama)
        #expect(unpaired.status == 1 && unpaired.onlyInA == ["lm_head.weight"] && unpaired.onlyInB == ["embed_out.weight"], "\(unpaired)")
    }

    @Test("embed_out.weight under a BART config against a GPTNeoXForCausalLM folder's lm_head: each side loads as its own config's class, so no pair (hunt-61c P3)")
    func renameFollowsTheSidesOwnClass() throws {
        let bart = try Self.folder(["embed_out.weight"], architecture: "BartForConditionalGeneration")
        let neox = try Self.folder(["lm_head.weight"], architecture: "GPTNeoXForCausalLM")
        let result = try Self.pairs(bart, neox)
        #expect(result.onlyInA == ["embed_out.weight"] && result.onlyInB == ["lm_head.weight"], "\(result)")
        // A side without a config.json loads as the other side's class.
        let bare = try Self.folder(["embed_out.weight"])
        #expect(try Self.pairs(bare, neox).pairs == ["embed_out.weight": "lm_head.weight"])
    }

    @Test("a name the other side also holds is not renamed onto another: A's gamma and weight both against B's weight")
    func presentNamesStay() throws {
        let a = try Self.folder(["x.LayerNorm.gamma", "x.LayerNorm.weight"])
        let b = try Self.folder(["x.LayerNorm.weight"])
        let result = try Self.pairs(a, b)
        #expect(result.pairs == ["x.LayerNorm.weight": "x.LayerNorm.weight"] && result.onlyInA == ["x.LayerNorm.gamma"], "\(result)")
    }
}
