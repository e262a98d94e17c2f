import Foundation
import Testing
import TestSupport

/// `diff` of Hub Gemma 2 and Gemma 3 checkpoints against their GGUF conversions, whose norms
/// llama.cpp's converter stores plus 1 and names per architecture (TestData/gguf-gemma, written
/// by its generate.py with gguf-py's GEMMA2/GEMMA3 name maps; every expected number is numpy's).
/// hunt-54a D1: a faithful conversion failed with every norm off by 1 and
/// `post_attention_layernorm` paired with `blk.N.ffn_norm`, the converted
/// `pre_feedforward_layernorm`.
@Suite struct GGUFGemmaDiffTests {
    static func expected(_ file: String) throws -> [String: [String: Any]] {
        try #require((try Fixtures.json("gguf-gemma/expected.json") as? [String: Any])?[file] as? [String: [String: Any]])
    }

    static func diff(_ a: String, _ b: String) throws -> (status: Int32, tensors: [String: [String: Any]]) {
        try GGUFRotaryDiffTests.diff("gguf-gemma/" + a, "gguf-gemma/" + b)
    }

    /// Every norm says the shift was taken off its GGUF side, every other tensor has none.
    static func checkShifts(_ tensors: [String: [String: Any]], ggufSide: String, architecture: String) {
        for (name, tensor) in tensors {
            guard name.hasSuffix("norm.weight") || (tensor["name_b"] as? String ?? "").hasSuffix("norm.weight") else {
                #expect(tensor["value_shift"] is NSNull, "\(name)")
                continue
            }
            let shift = tensor["value_shift"] as? [String: Any]
            #expect(shift?["shift"] as? Double == 1, "\(name)")
            #expect(shift?["side"] as? String == ggufSide, "\(name)")
            #expect((shift?["evidence"] as? String)?.hasPrefix("general.architecture is '\(architecture)'") == true, "\(name)")
        }
    }

    @Test("a Gemma 2 conversion in F32: the norms paired by gguf-py's GEMMA2 names and compared minus 1, every tensor as numpy measures it; exit 0")
    func gemma2() throws {
        let (status, tensors) = try Self.diff("gemma2", "gemma2-f32.gguf")
        #expect(status == 0)
        try GGUFRotaryDiffTests.check(tensors, against: Self.expected("gemma2-f32.gguf"))
        #expect(tensors["model.layers.1.post_attention_layernorm.weight"]?["name_b"] as? String == "blk.1.post_attention_norm.weight")
        #expect(tensors["model.layers.1.pre_feedforward_layernorm.weight"]?["name_b"] as? String == "blk.1.ffn_norm.weight")
        Self.checkShifts(tensors, ggufSide: "b", architecture: "gemma2")
    }

    @Test("a Gemma 3 conversion in Q8_0, with its q/k norms: quantization error as numpy measures it, norms minus 1; exit 0 either way round")
    func gemma3() throws {
        let (status, tensors) = try Self.diff("gemma3/model.safetensors", "gemma3-q8_0.gguf")
        #expect(status == 0)
        try GGUFRotaryDiffTests.check(tensors, against: Self.expected("gemma3-q8_0.gguf"))
        Self.checkShifts(tensors, ggufSide: "b", architecture: "gemma3")
        // The GGUF file first: the same pairs, the shift taken off A.
        let (reverse, reversed) = try Self.diff("gemma3-q8_0.gguf", "gemma3/model.safetensors")
        #expect(reverse == 0)
        #expect(reversed.count == tensors.count)
        for (name, tensor) in tensors {
            let back = try #require(reversed[tensor["name_b"] as? String ?? ""], "\(name)")
            #expect(back["name_b"] as? String == name)
            #expect(GGUFCLITests.close(back["max_abs_diff"] as? Double ?? -1, tensor["max_abs_diff"] as? Double ?? -2, 1e-12), "\(name)")
        }
        Self.checkShifts(reversed, ggufSide: "a", architecture: "gemma3")
    }

    @Test("a Gemma 2 conversion whose norms were stored without the + 1: every norm fails by the 1 llama.cpp would miss; exit 1")
    func missingShift() throws {
        let (status, tensors) = try Self.diff("gemma2", "gemma2-no-shift-f32.gguf")
        #expect(status == 1)
        let expected = try Self.expected("gemma2-no-shift-f32.gguf")
        try GGUFRotaryDiffTests.check(tensors, against: expected)
        let failing = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(failing == expected.filter { $0.value["shifted"] as? Bool == true }.keys.sorted())
        #expect(failing.count == 9)
    }
}
