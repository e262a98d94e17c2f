import Foundation
import Testing
import TestSupport

/// `diff` of a Hub llama checkpoint against its GGUF conversion, whose q/k rows llama.cpp's
/// converter permutes (TestData/gguf-rope, written by its generate.py: the permutation and every
/// expected number are numpy's).
@Suite struct GGUFRotaryDiffTests {
    static func expected(_ file: String) throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-rope/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
    }

    static func diff(_ a: String, _ b: String) throws -> (status: Int32, tensors: [String: [String: Any]]) {
        let result = try CLI.run(["diff", Fixtures.path(a), Fixtures.path(b), "--json"])
        let report = try GGUFCLITests.object(result)
        var byName: [String: [String: Any]] = [:]
        for tensor in report["tensors"] as? [[String: Any]] ?? [] { byName[tensor["name"] as? String ?? ""] = tensor }
        return (result.status, byName)
    }

    static func isQK(_ name: String) -> Bool { name.contains("q_proj") || name.contains("k_proj") }

    /// Compares a diff's tensors with numpy's numbers: relative L2 (1e-9), max |a − b|, worst row.
    static func check(_ tensors: [String: [String: Any]], against expected: [String: [String: Any]]) throws {
        #expect(tensors.count == expected.count)
        for (name, ref) in expected {
            let tensor = try #require(tensors[name], "\(name)")
            #expect(tensor["name_b"] as? String == ref["gguf_name"] as? String)
            let rel = try #require(ref["relative_l2"] as? Double), maxAbs = try #require(ref["max_abs"] as? Double)
            #expect(GGUFCLITests.close(tensor["relative_l2"] as? Double ?? -1, rel) || rel == 0 && tensor["relative_l2"] as? Double == 0,
                    "\(name): \(tensor["relative_l2"] ?? "-") vs \(rel)")
            #expect(GGUFCLITests.close(tensor["max_abs_diff"] as? Double ?? -1, maxAbs, 1e-12) || maxAbs == 0, "\(name)")
            if let worst = ref["worst_row"] as? Int, let top = (tensor["top_rows"] as? [[String: Any]])?.first {
                #expect(top["row"] as? Int == worst, "\(name)")
            }
        }
    }

    @Test("a Q8_0 conversion: q/k rows paired back with the heads in the GGUF metadata; quantization error as numpy measures it")
    func quantized() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub/model.safetensors", "gguf-rope/llama-q8_0.gguf")
        #expect(status == 0)
        try Self.check(tensors, against: Self.expected("llama-q8_0.gguf"))
        for (name, tensor) in tensors {
            let order = tensor["row_order"] as? [String: Any]
            guard Self.isQK(name) else {
                #expect(tensor["row_order"] is NSNull, "\(name)")
                continue
            }
            #expect(order?["permuted"] as? Bool == true, "\(name)")
            #expect(order?["heads"] as? Int == (name.contains("q_proj") ? 4 : 2), "\(name)")
            let key = name.contains("q_proj") ? "llama.attention.head_count" : "llama.attention.head_count_kv"
            #expect((order?["evidence"] as? String)?.hasSuffix("from GGUF metadata " + key) == true, "\(name)")
        }
    }

    /// llama.cpp's GraniteModel inherits LlamaModel's permutation and writes its head counts
    /// under its own architecture's keys (hunt-53b D2: a faithful Granite conversion failed with
    /// q/k at relative L2 0.55–1.26, compared in file order).
    @Test("a Granite conversion: q/k rows paired back with granite.attention.head_count(_kv); every tensor as numpy measures it, exit 0")
    func granite() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub/model.safetensors", "gguf-rope/granite-f32.gguf")
        #expect(status == 0)
        try Self.check(tensors, against: Self.expected("granite-f32.gguf"))
        for (name, tensor) in tensors where Self.isQK(name) {
            let order = tensor["row_order"] as? [String: Any]
            #expect(order?["permuted"] as? Bool == true, "\(name)")
            let key = name.contains("q_proj") ? "granite.attention.head_count" : "granite.attention.head_count_kv"
            #expect((order?["evidence"] as? String)?.hasSuffix("from GGUF metadata " + key) == true, "\(name)")
        }
    }

    /// GraniteHybridModel (`conversion/granite.py`) permutes q/k only in the layers it takes for
    /// attention, and writes head_count_kv per layer with 0 for the others (hunt-55a D7: a layer
    /// with 0 there was "undone" with config.json's counts, though stored in Hub order).
    @Test("a Granite hybrid conversion: layer 0 (head_count_kv[0] is 0) compared in file order, layer 1 paired back; exit 0")
    func graniteHybrid() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub", "gguf-rope/granitehybrid-f32.gguf")
        #expect(status == 0)
        try Self.check(tensors, against: Self.expected("granitehybrid-f32.gguf"))
        for (name, tensor) in tensors where Self.isQK(name) {
            let order = tensor["row_order"] as? [String: Any], evidence = order?["evidence"] as? String ?? ""
            if name.hasPrefix("model.layers.0.") {
                #expect(order?["permuted"] as? Bool == false, "\(name)")
                #expect(evidence.hasPrefix("GGUF metadata granitehybrid.attention.head_count_kv[0] is 0"), "\(name)")
            } else {
                #expect(order?["permuted"] as? Bool == true, "\(name)")
                let key = name.contains("q_proj") ? "granitehybrid.attention.head_count" : "granitehybrid.attention.head_count_kv[1]"
                #expect(evidence.hasSuffix("from GGUF metadata " + key), "\(name)")
            }
        }
    }

    /// OlmoModel's converter permutes q/k weights only (`conversion/olmo.py`): the biases stay in
    /// Hub order and are compared as stored (review-53b #2: OLMo conversions failed on q/k).
    @Test("an OLMo conversion: q/k weights paired back with olmo.attention.head_count(_kv), q/k biases compared as stored; exit 0")
    func olmo() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub/model.safetensors", "gguf-rope/olmo-f32.gguf")
        #expect(status == 0)
        try Self.check(tensors, against: Self.expected("olmo-f32.gguf"))
        for (name, tensor) in tensors where Self.isQK(name) {
            let order = tensor["row_order"] as? [String: Any]
            if name.hasSuffix(".bias") {
                #expect(order?["permuted"] as? Bool == false, "\(name)")
                #expect((order?["evidence"] as? String)?.contains("permutes the q/k weights only") == true, "\(name)")
            } else {
                #expect(order?["permuted"] as? Bool == true, "\(name)")
                let key = name.contains("q_proj") ? "olmo.attention.head_count" : "olmo.attention.head_count_kv"
                #expect((order?["evidence"] as? String)?.hasSuffix("from GGUF metadata " + key) == true, "\(name)")
            }
        }
    }

    @Test("either direction: the GGUF file as A pairs its rows back with the Hub's")
    func reversed() throws {
        let (status, tensors) = try Self.diff("gguf-rope/llama-f32.gguf", "gguf-rope/hub")
        #expect(status == 0)
        #expect(tensors.count == 18 && tensors.values.allSatisfy { $0["relative_l2"] as? Double == 0 })
        #expect(tensors.filter { ($0.value["row_order"] as? [String: Any])?["permuted"] as? Bool == true }.count == 6)
    }

    @Test("no head counts in the GGUF: config.json beside A gives them; with neither, rows stay in file order and the report says so")
    func headCounts() throws {
        let fromConfig = try Self.diff("gguf-rope/hub", "gguf-rope/llama-noheads-f32.gguf")
        #expect(fromConfig.status == 0)
        try Self.check(fromConfig.tensors, against: #require(Self.expected("llama-noheads-f32.gguf")["undone"] as? [String: [String: Any]]))
        let k = try #require(fromConfig.tensors["model.layers.0.self_attn.k_proj.weight"]?["row_order"] as? [String: Any])
        #expect((k["evidence"] as? String)?.hasSuffix("from config.json num_key_value_heads") == true)

        let unknown = try Self.diff("gguf-rope/hub-bare.safetensors", "gguf-rope/llama-noheads-f32.gguf")
        #expect(unknown.status == 1)
        try Self.check(unknown.tensors, against: #require(Self.expected("llama-noheads-f32.gguf")["file_order"] as? [String: [String: Any]]))
        for (name, tensor) in unknown.tensors where Self.isQK(name) {
            let order = try #require(tensor["row_order"] as? [String: Any])
            #expect(order["permuted"] as? Bool == false && order["heads"] is NSNull)
            #expect((order["evidence"] as? String)?.hasPrefix("head counts unknown") == true)
        }
        let text = try CLI.run(["diff", Fixtures.path("gguf-rope/hub-bare.safetensors"), Fixtures.path("gguf-rope/llama-noheads-f32.gguf")])
        #expect(text.stdout.contains("row order: 6 tensors (") && text.stdout.contains("head counts unknown"), "\(text.stdout)")
    }

    /// llama.cpp's loader checks each k tensor against head_count_kv × key_length rows and refuses
    /// a file whose counts contradict the shape; undoing the permutation by such counts paired
    /// rows no converter paired, without a word (hunt-54a D6).
    @Test("head counts that contradict the tensor's rows (4 kv heads of 16 for 32 rows): k compared in file order, and the report says why; q undone")
    func headCountsContradictingTheShape() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub", "gguf-rope/llama-wrong-kv-f32.gguf")
        #expect(status == 1)
        let expected = try #require((try Fixtures.json("gguf-rope/expected.json") as? [String: Any])?["llama-wrong-kv-f32.gguf"] as? [String: Any])
        let q = try #require(expected["undone_q_only"] as? [String: [String: Any]]), k = try #require(expected["file_order_k"] as? [String: [String: Any]])
        try Self.check(tensors.filter { q[$0.key] != nil }, against: q)
        try Self.check(tensors.filter { k[$0.key] != nil }, against: k)
        for name in k.keys {
            let order = try #require(tensors[name]?["row_order"] as? [String: Any])
            #expect(order["permuted"] as? Bool == false && order["heads"] as? Int == 4, "\(name)")
            #expect(order["evidence"] as? String == "4 heads (GGUF metadata llama.attention.head_count_kv) of 16 rows (GGUF metadata "
                    + "llama.attention.key_length) make 64 rows, not the tensor's 32: llama.cpp refuses such a file, and the rows are compared in file order")
        }
    }

    @Test("another architecture (qwen2, whose converter does not permute): rows in file order, said so")
    func otherArchitecture() throws {
        let (status, tensors) = try Self.diff("gguf-rope/hub", "gguf-rope/qwen2-f32.gguf")
        #expect(status == 0)
        try Self.check(tensors, against: Self.expected("qwen2-f32.gguf"))
        let order = try #require(tensors["model.layers.1.self_attn.q_proj.bias"]?["row_order"] as? [String: Any])
        #expect(order["permuted"] as? Bool == false)
        #expect((order["evidence"] as? String)?.hasPrefix("general.architecture is 'qwen2'") == true)
    }
}
