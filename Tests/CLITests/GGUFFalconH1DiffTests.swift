import Foundation
import Testing
import TestSupport

/// `diff` of Hub Falcon-H1 checkpoints against their GGUF conversions, whose converter multiplies
/// the µP multipliers into most weights (TestData/gguf-falcon-h1: the two conversions are
/// llama.cpp's converter's own output; `expected.json` holds the float32 factors it applies and
/// numpy's numbers, its generate.py checks numpy's products against the converter's bytes).
/// Before: every multiplied tensor failed at relative L2 |1 − m| / m.
@Suite struct GGUFFalconH1DiffTests {
    static func expected(_ file: String) throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-falcon-h1/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
    }

    /// Factors are float32 values; compared as such (Foundation's JSON reader on Linux can miss a
    /// double's last digit, not a float's).
    static func floats(_ value: Any?) -> [Float]? {
        (value as? [Any])?.compactMap { ($0 as? Double).map(Float.init) }
    }

    @Test("the converter's own files: every multiplied tensor equals the Hub values multiplied as it does; exit 0, either order",
          arguments: [("falcon-h1-irr-bf16", "falcon-h1-irr-bf16-f32.gguf"), ("falcon-h1-real-f16", "falcon-h1-real-f16-f16.gguf")])
    func faithfulConversion(folder: String, file: String) throws {
        let expected = try Self.expected(file)
        let hub = Fixtures.path("gguf-falcon-h1/\(folder)"), gguf = Fixtures.path("gguf-falcon-h1/\(file)")
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([hub, gguf])
        #expect(status == 0)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
        for (name, tensor) in tensors {
            guard let reference = expected[name] else {
                #expect(tensor["multipliers"] is NSNull, "\(name) is not multiplied")
                continue
            }
            #expect(tensor["name_b"] as? String == reference["gguf"] as? String)
            #expect(tensor["relative_l2"] as? Double == 0 && tensor["max_abs_diff"] as? Double == 0, "\(name)")
            let multipliers = try #require(tensor["multipliers"] as? [String: Any], "\(name)")
            #expect(Self.floats(multipliers["factors"]) == Self.floats(reference["factors"]), "\(name)")
            #expect(multipliers["side"] as? String == "b")
            #expect(multipliers["rounding"] as? String == (file.hasSuffix("f16.gguf") ? "float16" : "float32"))
        }
        #expect(Set(expected.keys).isSubset(of: Set(tensors.keys)))
        // GGUF as A: the Hub side is B, and its values are the ones multiplied.
        let (reverse, _, reversed) = try GGUFExpertsDiffTests.report([gguf, hub])
        #expect(reverse == 0)
        let embedding = try #require(reversed["token_embd.weight"]?["multipliers"] as? [String: Any])
        #expect(embedding["side"] as? String == "a" && reversed["token_embd.weight"]?["relative_l2"] as? Double == 0)
    }

    @Test("in_proj: ssm_in_multiplier, then five row bands by mamba_d_ssm 64 and mamba_n_groups × mamba_d_state 2 × 8")
    func inProjectionBands() throws {
        let (_, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-falcon-h1/falcon-h1-irr-bf16"),
                                                               Fixtures.path("gguf-falcon-h1/falcon-h1-irr-bf16-f32.gguf")])
        let multipliers = try #require(tensors["model.layers.1.mamba.in_proj.weight"]?["multipliers"] as? [String: Any])
        let bands = try #require(multipliers["row_bands"] as? [[String: Any]])
        #expect(bands.map { [$0["start"] as? Int, $0["end"] as? Int] } == [[0, 64], [64, 128], [128, 144], [144, 160], [160, 164]])
        // config.json's ssm_multipliers, rounded to float32 (numpy's float32() of each).
        #expect(Self.floats(bands.map { $0["factor"] as Any }) == [0.3535533845424652, 0.7071067690849304, 0.5773502588272095,
                                                                  0.40824830532073975, 1.7320507764816284])
        #expect(Self.floats(multipliers["factors"]) == [1.1180340051651])
    }

    @Test("a conversion that forgot the multipliers fails on exactly the multiplied tensors, numbers numpy's; exit 1")
    func unmultiplied() throws {
        let expected = try Self.expected("falcon-h1-real-f16-unmultiplied.gguf")
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16"),
                                                                    Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16-unmultiplied.gguf")])
        #expect(status == 1)
        for (name, reference) in expected {
            let tensor = try #require(tensors[name])
            let rel = try #require(reference["relative_l2"] as? Double), maxAbs = try #require(reference["max_abs_diff"] as? Double)
            #expect(GGUFCLITests.close(tensor["relative_l2"] as? Double ?? -1, rel), "\(name): \(tensor["relative_l2"] ?? "-") vs \(rel)")
            #expect(GGUFCLITests.close(tensor["max_abs_diff"] as? Double ?? -1, maxAbs, 1e-12), "\(name)")
        }
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == expected.keys.sorted())
    }

    @Test("k_proj's two multipliers in order, said in one line for both layers")
    func statement() throws {
        let text = try CLI.run(["diff", Fixtures.path("gguf-falcon-h1/falcon-h1-irr-bf16"),
                                Fixtures.path("gguf-falcon-h1/falcon-h1-irr-bf16-f32.gguf")]).stdout
        #expect(text.contains("multipliers: 2 tensors (\"model.layers.0.self_attn.k_proj.weight\", \"model.layers.1.self_attn.k_proj.weight\"): "
                              + "general.architecture is 'falcon-h1', whose converter (FalconH1Model, conversion/falcon_h1.py) multiplies "
                              + "'k_proj' tensors by config.json's key_multiplier 0.4330127018922193, then attention_in_multiplier "
                              + "1.224744871391589, each product rounded to float32 (it turns the checkpoint's values into float32 first): "
                              + "the Hub values so multiplied compared"))
    }

    /// transformers' FalconH1 multiplies the attention's input by attention_in_multiplier, so the
    /// converter's q/k/v biases, multiplied like their weights, are not the model's: matched, and
    /// said so (falcon-h1-biases, written with numpy as the converter multiplies).
    @Test("q/k/v biases with attention_in_multiplier 1.5: the converter's values match, and the note says they are not the model's")
    func attentionBiases() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-falcon-h1/falcon-h1-biases"),
                                                                    Fixtures.path("gguf-falcon-h1/falcon-h1-biases-f32.gguf")])
        #expect(status == 0)
        for part in ["q_proj", "k_proj", "v_proj"] {
            for kind in ["weight", "bias"] {
                let tensor = try #require(tensors["model.layers.0.self_attn.\(part).\(kind)"])
                #expect(tensor["relative_l2"] as? Double == 0)
                let evidence = try #require((tensor["multipliers"] as? [String: Any])?["evidence"] as? String)
                #expect(evidence.contains("so the converter's bias is not the Hub model's") == (kind == "bias"), "\(part).\(kind)")
            }
        }
    }

    /// A copy of `folder`'s files with config.json edited by `edit`.
    static func editedCopy(of folder: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let source = Fixtures.path(folder)
        let copy = try Fixtures.temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name != "config.json" {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: copy.appendingPathComponent(name).path)
        }
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: copy.appendingPathComponent("config.json"))
        return copy.path
    }

    /// hunt-58c F6, F7: the converter's `find_hparam` also reads `mamba_`-prefixed multipliers, and
    /// its `load_hparams` reads an `llm_config` as the text_config; both faithful files failed.
    @Test("multipliers under mamba_-prefixed keys, or in an llm_config, are the converter's too; exit 0",
          arguments: ["prefixed", "llm_config"])
    func converterReadings(variant: String) throws {
        let folder = try Self.editedCopy(of: "gguf-falcon-h1/falcon-h1-real-f16") { config in
            if variant == "prefixed" {
                for key in ["key_multiplier", "attention_out_multiplier", "mlp_multipliers", "ssm_in_multiplier"] {
                    config["mamba_" + key] = config.removeValue(forKey: key)
                }
            } else {
                var inner: [String: Any] = [:]
                for key in ["embedding_multiplier", "key_multiplier", "ssm_multipliers", "mamba_d_ssm"] { inner[key] = config.removeValue(forKey: key) }
                config["llm_config"] = inner
            }
        }
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([folder, Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16-f16.gguf")])
        #expect(status == 0)
        #expect(tensors["model.layers.0.self_attn.k_proj.weight"]?["relative_l2"] as? Double == 0)
        #expect(tensors["model.layers.1.mamba.in_proj.weight"]?["relative_l2"] as? Double == 0)
    }

    /// helper-176: the converter reads config.json itself, not FalconH1Config's defaults, and
    /// raises on a missing multiplier, so no file is the converter's and nothing is multiplied.
    @Test("a multiplier config.json leaves out: nothing multiplied for its tensors, said why; they fail; exit 1")
    func missingMultiplier() throws {
        let source = Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16")
        let folder = try Fixtures.temporaryDirectory()
        for name in ["model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as? [String: Any])
        config.removeValue(forKey: "key_multiplier")
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([folder.path, Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16-f16.gguf")])
        #expect(status == 1)
        let key = try #require(tensors["model.layers.0.self_attn.k_proj.weight"])
        let multipliers = try #require(key["multipliers"] as? [String: Any])
        #expect(multipliers["factors"] is NSNull && multipliers["row_bands"] is NSNull)
        #expect((multipliers["evidence"] as? String)?.contains("multiplies by key_multiplier, which config.json does not state") == true)
        #expect(key["exceeds_tolerance"] as? Bool == true)
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == ["model.layers.0.self_attn.k_proj.weight", "model.layers.1.self_attn.k_proj.weight"])
    }

    /// Review of the session's change: a header may declare `in_proj` as [2^63, 0] (no values, a
    /// valid file), and converting its row count to Int trapped (exit 132, no report).
    @Test("an in_proj declared [2^63, 0]: no band cut, a shape change; exit 1, no trap")
    func hugeDeclaredRows() throws {
        let folder = try GGUFFalconH1DiffTests.editedCopy(of: "gguf-falcon-h1/falcon-h1-real-f16") { _ in }
        var header = Array(#"{"model.layers.0.mamba.in_proj.weight":{"dtype":"F32","shape":[9223372036854775808,0],"data_offsets":[0,0]}}"#.utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        let length = UInt64(header.count)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + header
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/model.safetensors"))
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([folder, Fixtures.path("gguf-falcon-h1/falcon-h1-real-f16-f16.gguf")])
        #expect(status == 1)
        let inProj = try #require(tensors["model.layers.0.mamba.in_proj.weight"])
        #expect(inProj["comparable"] as? Bool == false)
        #expect(((inProj["multipliers"] as? [String: Any])?["evidence"] as? String)?.contains("this is not one") == true)
    }
}
