import Foundation
import Testing
import TestSupport

/// `diff` of Hub state-space (Mamba) checkpoints against their GGUF conversions
/// (TestData/gguf-ssm, written by its generate.py: `mamba2-f32.gguf` and `mamba-f32.gguf` are,
/// tensor for tensor, the bytes llama.cpp's converter writes from those folders; numbers numpy's).
/// Before: `A_log` failed at relative L2 ~10 (the converter stores −exp(A_log)), and the
/// tensors it regroups (`conv1d` squeezed, Mamba-2's `A`, `D` and norm) as shape changes.
@Suite struct GGUFStateSpaceDiffTests {
    static func expected(_ file: String) throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-ssm/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
    }

    @Test("faithful Mamba-2 and Mamba conversions: every tensor paired, numbers numpy's; exit 0, either order",
          arguments: [("mamba2", "mamba2-f32.gguf"), ("mamba", "mamba-f32.gguf")])
    func faithfulConversion(folder: String, file: String) throws {
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/\(folder)"), Fixtures.path("gguf-ssm/\(file)")])
        #expect(status == 0)
        try GGUFRotaryDiffTests.check(tensors, against: Self.expected(file))
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
        let a = try #require(tensors["backbone.layers.1.mixer.A_log"])
        let state = try #require(a["state_space"] as? [String: Any])
        #expect(state["negated_exponential"] as? Bool == true && state["side"] as? String == "b")
        #expect(state["reshaped"] as? Bool == (folder == "mamba2"))
        // −exp in float32 against float64: not bytes, a rounding.
        #expect(a["identical_bytes"] as? Bool == false && (a["relative_l2"] as? Double ?? 1) < 1e-6)
        let conv = try #require(tensors["backbone.layers.0.mixer.conv1d.weight"])
        #expect(conv["identical_bytes"] as? Bool == true && conv["comparable"] as? Bool == true)
        #expect((conv["state_space"] as? [String: Any])?["reshaped"] as? Bool == true)
        // Tensors the converter leaves alone carry no statement.
        #expect(tensors["backbone.layers.0.mixer.in_proj.weight"]?["state_space"] is NSNull)
        let (reverse, _, reversed) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/\(file)"), Fixtures.path("gguf-ssm/\(folder)")])
        #expect(reverse == 0)
        #expect((reversed["blk.1.ssm_a"]?["state_space"] as? [String: Any])?["side"] as? String == "a")
    }

    @Test("Mamba-2's norm regrouped into 2 groups of 32, compared in A's shape; its text statement")
    func regroupedNorm() throws {
        let (_, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-f32.gguf")])
        let norm = try #require(tensors["backbone.layers.0.mixer.norm.weight"])
        #expect(norm["shape_a"] as? [Int] == [64] && norm["shape_b"] as? [Int] == [2, 32] && norm["identical_bytes"] as? Bool == true)
        let text = try CLI.run(["diff", Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-f32.gguf")]).stdout
        #expect(text.contains("state space: 2 tensors (\"backbone.layers.0.mixer.norm.weight\", \"backbone.layers.1.mixer.norm.weight\"): "
                              + "general.architecture is 'mamba2', whose converter (Mamba2Model, conversion/mamba.py) stores this state-space "
                              + "tensor regrouped, [64] as [2, 32]: the same values in the same order, compared in A's shape"))
    }

    @Test("a conversion that kept A_log, or regrouped the norm in another order, fails on those pairs; exit 1",
          arguments: [("mamba2-no-exp-f32.gguf", "mixer.A_log"), ("mamba2-norm-transposed-f32.gguf", "mixer.norm.weight")])
    func unfaithful(file: String, failing: String) throws {
        let expected = try Self.expected(file)
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/\(file)")])
        #expect(status == 1)
        try GGUFRotaryDiffTests.check(tensors, against: expected)
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == ["backbone.layers.0.\(failing)", "backbone.layers.1.\(failing)"])
    }

    /// hunt-56b A1: any regrouping of as many values passed, though llama.cpp's loader expects
    /// exactly the converter's shape.
    @Test("a norm regrouped into 4 rows where ssm.group_count says 2 is a shape change, said why; exit 1")
    func otherGrouping() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-norm-4-rows-f32.gguf")])
        #expect(status == 1)
        let norm = try #require(tensors["backbone.layers.0.mixer.norm.weight"])
        #expect(norm["comparable"] as? Bool == false && norm["shape_b"] as? [Int] == [4, 16])
        let state = try #require(norm["state_space"] as? [String: Any])
        #expect(state["reshaped"] as? Bool == false && state["negated_exponential"] as? Bool == false)
        #expect((state["evidence"] as? String)?.hasSuffix("stores this state-space tensor [64], as [2, 32], but the GGUF side holds [4, 16] F32: compared as stored") == true)
    }

    /// hunt-57a F1: the Hub's own shapes passed, though the converter never writes them and
    /// llama.cpp's loader refuses them.
    @Test("every regrouped tensor left in the Hub's shape is a shape change, said why; the rest still pairs; exit 1")
    func hubShapes() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-hub-shape-f32.gguf")])
        #expect(status == 1)
        let changed = tensors.filter { $0.value["comparable"] as? Bool == false }.keys.sorted()
        #expect(changed == (0 ..< 2).flatMap { n in ["A_log", "D", "conv1d.weight", "norm.weight"].map { "backbone.layers.\(n).mixer.\($0)" } }.sorted())
        let d = try #require(tensors["backbone.layers.0.mixer.D"]?["state_space"] as? [String: Any])
        #expect((d["evidence"] as? String)?.hasSuffix("stores this state-space tensor [4] as [4, 1], but the GGUF side holds the Hub's own "
                                                       + "shape, which llama.cpp's loader refuses: a shape change") == true)
        #expect(tensors["backbone.layers.0.mixer.in_proj.weight"]?["identical_bytes"] as? Bool == true)
    }

    /// hunt-57a F6: without the key the norm was read as one group and passed.
    @Test("no ssm.group_count: the norm's grouping is unknown, a shape change; exit 1")
    func missingGroupCount() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-no-group-count-f32.gguf")])
        #expect(status == 1)
        let changed = tensors.filter { $0.value["comparable"] as? Bool == false }.keys.sorted()
        #expect(changed == ["backbone.layers.0.mixer.norm.weight", "backbone.layers.1.mixer.norm.weight"])
        let state = try #require(tensors["backbone.layers.1.mixer.norm.weight"]?["state_space"] as? [String: Any])
        #expect((state["evidence"] as? String)?.contains("mamba2.ssm.group_count, which it always writes as a positive uint32 and "
                                                         + "llama.cpp's loader requires, but the GGUF file's is absent, 0 or of another type") == true)
    }

    /// hunt-57a F4: the converter keeps a float16 checkpoint's A_log in float16, so torch's −exp
    /// overflows to −∞ at 12 and 95 (float32 gives −162,754.8 for 12); compared in float32, the
    /// faithful file failed at relative L2 ∞. Expected values: torch's half −exp (the fixture).
    @Test("an F16 checkpoint: ssm_a is −exp(A_log) in float16, −∞ included, equal to the Hub's; exit 0")
    func halfPrecisionExponential() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2-f16"), Fixtures.path("gguf-ssm/mamba2-f16-f32.gguf")])
        #expect(status == 0)
        for n in 0 ..< 2 {
            let pair = try #require(tensors["backbone.layers.\(n).mixer.A_log"])
            #expect(pair["max_abs_diff"] as? Double == 0 && pair["relative_l2"] as? Double == 0 && pair["nan_mismatches"] as? Int == 0)
            let state = try #require(pair["state_space"] as? [String: Any])
            #expect((state["evidence"] as? String)?.contains("stores A_log as A = −exp(A_log) in float16 (the checkpoint's type, which it keeps)") == true)
        }
    }

    /// The converter writes config.json's n_groups (2 here); a file that says 4 and stores the norm
    /// [4, 16] takes the gated norm over other groups: a different model, which passed.
    @Test("ssm.group_count 4 where the Hub's n_groups is 2: the norm is a shape change, said why; exit 1")
    func groupCountUnlikeTheHubs() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-ssm/mamba2"), Fixtures.path("gguf-ssm/mamba2-group-count-4-f32.gguf")])
        #expect(status == 1)
        let changed = tensors.filter { $0.value["comparable"] as? Bool == false }.keys.sorted()
        #expect(changed == ["backbone.layers.0.mixer.norm.weight", "backbone.layers.1.mixer.norm.weight"])
        let state = try #require(tensors["backbone.layers.0.mixer.norm.weight"]?["state_space"] as? [String: Any])
        #expect((state["evidence"] as? String)?.hasSuffix("writes mamba2.ssm.group_count from config.json's n_groups, 2, and regroups this "
                                                          + "norm by it, but the GGUF file's group count is 4: the norm is taken over other groups") == true)
    }

    /// helper-177's sweep: every faithful LFM2 conversion failed with its short-convolution kernel
    /// as a shape change (TestData/gguf-lfm2, numpy's `squeeze(1)` as the converter does).
    @Test("LFM2's short convolution squeezed [16, 1, 3] → [16, 3]: compared in A's shape; left unsqueezed, a shape change",
          arguments: [("lfm2-f32.gguf", 0), ("lfm2-unsqueezed-f32.gguf", 1)])
    func shortConvolution(file: String, status expected: Int32) throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-lfm2/lfm2"), Fixtures.path("gguf-lfm2/\(file)")])
        #expect(status == expected)
        let conv = try #require(tensors["model.layers.0.conv.conv.weight"])
        #expect(conv["name_b"] as? String == "blk.0.shortconv.conv.weight")
        let state = try #require(conv["state_space"] as? [String: Any])
        #expect(state["reshaped"] as? Bool == (expected == 0) && state["negated_exponential"] as? Bool == false)
        #expect(conv["comparable"] as? Bool == (expected == 0))
        #expect((state["evidence"] as? String)?.contains("whose converter (LFM2Model, conversion/lfm2.py) stores this convolution") == true)
        if expected == 0 { #expect(conv["relative_l2"] as? Double == 0 && conv["identical_bytes"] as? Bool == true) }
        // The projections the converter leaves alone carry no statement.
        #expect(tensors["model.layers.0.conv.in_proj.weight"]?["state_space"] is NSNull)
    }
}
