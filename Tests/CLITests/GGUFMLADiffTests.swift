import Foundation
import Testing
import TestSupport

/// `diff` of a Hub DeepSeek-V2/V3 checkpoint against its GGUF conversion, whose converter splits
/// each attention head's rows of `kv_b_proj` into an entry of `attn_k_b` (transposed) and one of
/// `attn_v_b` (TestData/gguf-mla, numpy's view, split and transpose as the converter's). Before:
/// `kv_b_proj` was "only in A" and both halves "only in B" (helper-177's sweep).
@Suite struct GGUFMLADiffTests {
    static func path(_ name: String) -> String { Fixtures.path("gguf-mla/\(name)") }

    @Test("each head's key rows face its attn_k_b entry read transposed, its value rows its attn_v_b entry; exit 0, either order")
    func faithful() throws {
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Self.path("deepseek2"), Self.path("deepseek2-f32.gguf")])
        #expect(status == 0)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
        // 4 heads of 6 key rows and 5 value rows: [11h, 11h + 6) and [11h + 6, 11h + 11).
        for h in 0..<4 {
            let key = try #require(tensors["model.layers.0.self_attn.kv_b_proj.weight[\(11 * h):\(11 * h + 6)]"])
            #expect(key["name_b"] as? String == "blk.0.attn_k_b.weight[\(h)]")
            #expect(key["shape_a"] as? [Int] == [6, 8] && key["shape_b"] as? [Int] == [8, 6] && key["relative_l2"] as? Double == 0)
            #expect((key["transpose"] as? [String: Any])?["transposed"] as? Bool == true)
            let value = try #require(tensors["model.layers.0.self_attn.kv_b_proj.weight[\(11 * h + 6):\(11 * h + 11)]"])
            #expect(value["name_b"] as? String == "blk.0.attn_v_b.weight[\(h)]" && value["identical_bytes"] as? Bool == true)
            #expect(value["transpose"] is NSNull)
        }
        let (reverse, _, _) = try GGUFExpertsDiffTests.report([Self.path("deepseek2-f32.gguf"), Self.path("deepseek2")])
        #expect(reverse == 0)
    }

    @Test("heads 0 and 1 of attn_k_b exchanged: exactly those two pieces exceed; exit 1")
    func swappedHeads() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Self.path("deepseek2"), Self.path("deepseek2-swapped-heads-f32.gguf")])
        #expect(status == 1)
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == ["model.layers.0.self_attn.kv_b_proj.weight[0:6]", "model.layers.0.self_attn.kv_b_proj.weight[11:17]"])
    }

    @Test("attn_k_b not transposed is not the split llama.cpp reads: kv_b_proj only in A, both halves only in B; exit 1")
    func notTransposed() throws {
        let (status, report, _) = try GGUFExpertsDiffTests.report([Self.path("deepseek2"), Self.path("deepseek2-k-not-transposed-f32.gguf")])
        #expect(status == 1)
        #expect(report["only_in_a"] as? [String] == ["model.layers.0.self_attn.kv_b_proj.weight"])
        #expect(report["only_in_b"] as? [String] == ["blk.0.attn_k_b.weight", "blk.0.attn_v_b.weight"])
    }

    /// hunt-58c F2: the split came from the GGUF shapes alone, so a file cut with other head sizes
    /// passed; the converter splits by config.json's sizes.
    @Test("config.json's qk_nope_head_dim 5 where the GGUF halves say 6: not the converter's split, nothing paired; exit 1")
    func configDisagrees() throws {
        let folder = try GGUFFalconH1DiffTests.editedCopy(of: "gguf-mla/deepseek2") { $0["qk_nope_head_dim"] = 5 }
        let (status, report, _) = try GGUFExpertsDiffTests.report([folder, Self.path("deepseek2-f32.gguf")])
        #expect(status == 1)
        #expect(report["only_in_a"] as? [String] == ["model.layers.0.self_attn.kv_b_proj.weight"])
    }
}
