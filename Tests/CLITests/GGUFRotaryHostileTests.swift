import Foundation
import Testing
import TestSupport

/// `diff` against GGUF conversions whose head-count metadata lies or is unusable
/// (TestData/gguf-rope/hostile, written by generate_hostile.py; numbers are numpy's). A count that
/// is there but unusable is named with its value, never reported as absent; k needs only
/// head_count_kv; nothing traps.
@Suite struct GGUFRotaryHostileTests {
    static let files = ["zero.gguf", "string.gguf", "u64.gguf", "kvonly.gguf", "perlayer.gguf", "perlayer-zero.gguf",
                        "archint.gguf", "shape.gguf"]

    static func expected(_ file: String) throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-rope/hostile/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
    }

    @Test("each hostile file: the heads the evidence supports, numpy's numbers, and the stored value named", arguments: files)
    func hostileMetadata(file: String) throws {
        let (status, tensors) = try GGUFRotaryDiffTests.diff("gguf-rope/hostile/hub.safetensors", "gguf-rope/hostile/" + file)
        #expect(status == 0 || status == 1)
        let expected = try Self.expected(file)
        // numpy's numbers where the generator kept the shapes; a changed shape is not compared.
        try GGUFRotaryDiffTests.check(tensors.filter { expected[$0.key]?["relative_l2"] is Double },
                                      against: expected.filter { $0.value["relative_l2"] is Double })
        for (name, reference) in expected where !(reference["relative_l2"] is Double) {
            #expect(tensors[name]?["comparable"] as? Bool == false, "\(file) \(name)")
        }
        for (name, reference) in expected {
            let order = try #require(tensors[name]?["row_order"] as? [String: Any], "\(name)")
            #expect(order["permuted"] as? Bool == reference["permuted"] as? Bool, "\(file) \(name)")
            #expect(order["heads"] as? Int == reference["heads"] as? Int, "\(file) \(name)")
            let evidence = order["evidence"] as? String ?? ""
            if let names = reference["evidence_names"] as? String {
                #expect(evidence.contains(names), "\(file) \(name): \(evidence)")
            }
            // The generator wrote both head-count keys in these files: never call them absent.
            if ["zero.gguf", "string.gguf", "u64.gguf", "perlayer.gguf", "perlayer-zero.gguf"].contains(file) {
                #expect(!evidence.contains("no llama.attention.head_count"), "\(file) \(name): \(evidence)")
            }
        }
    }

    @Test("a complex q facing the GGUF's real rows is not compared: no permutation claimed for it")
    func complexNotCompared() throws {
        let (_, tensors) = try GGUFRotaryDiffTests.diff("gguf-rope/hostile/hub-complex.safetensors", "gguf-rope/hostile/shape.gguf")
        let q1 = try #require(tensors["model.layers.1.self_attn.q_proj.weight"])
        let order = try #require(q1["row_order"] as? [String: Any])
        #expect(order["permuted"] as? Bool == false, "\(order)")
        #expect((order["evidence"] as? String)?.hasPrefix("the dtypes cannot be compared element-wise") == true, "\(order)")
        // The F32 tensors of the same file are still paired back.
        #expect((tensors["model.layers.1.self_attn.k_proj.weight"]?["row_order"] as? [String: Any])?["permuted"] as? Bool == true)
    }

    @Test("unusable GGUF counts fall back to config.json; an unusable num_key_value_heads is named, not taken as absent")
    func configFallback() throws {
        let (status, tensors) = try GGUFRotaryDiffTests.diff("gguf-rope/hostile/hub-config", "gguf-rope/hostile/zero.gguf")
        #expect(status == 0 || status == 1)
        let fileOrder = try Self.expected("zero.gguf")
        for (name, tensor) in tensors {
            let order = try #require(tensor["row_order"] as? [String: Any], "\(name)")
            let evidence = order["evidence"] as? String ?? ""
            if name.contains("q_proj") {
                // config.json says num_attention_heads 2, the count the generator permuted q by.
                // The GGUF's unusable head_count is named beside it (it was dropped unsaid).
                #expect(order["heads"] as? Int == 2 && evidence.contains("from config.json num_attention_heads; passed over: GGUF metadata llama.attention.head_count is"),
                        "\(name): \(evidence)")
                #expect(tensor["relative_l2"] as? Double == 0, "\(name)")
            } else {
                // k was permuted by num_key_value_heads, which is the string "1": unknown, both values named.
                #expect(order["permuted"] as? Bool == false, "\(name)")
                #expect(evidence.contains("llama.attention.head_count_kv is 0")
                        && evidence.contains("config.json num_key_value_heads is \"1\""), "\(name): \(evidence)")
                let rel = try #require(fileOrder[name]?["relative_l2"] as? Double)
                #expect(GGUFCLITests.close(tensor["relative_l2"] as? Double ?? -1, rel), "\(name)")
            }
        }
    }
}
