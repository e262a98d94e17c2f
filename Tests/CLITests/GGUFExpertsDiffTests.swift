import Foundation
import Testing
import TestSupport

/// `diff` of Hub mixture-of-experts checkpoints against their GGUF conversions
/// (TestData/gguf-moe, written by its generate.py: experts stacked as llama.cpp's converter
/// stacks them, names by gguf-py's `get_tensor_name_map(arch)`, numbers numpy's on
/// `gguf.quants.dequantize`). hunt-54a D3: every expert was "only in A" and every stacked
/// `blk.N.ffn_*_exps.weight` "only in B", so a faithful Qwen2-MoE or Qwen3-MoE conversion failed
/// and its experts' quantization error was never measured.
@Suite struct GGUFExpertsDiffTests {
    static func expected(_ file: String) throws -> [String: Any] {
        try #require((try Fixtures.json("gguf-moe/expected.json") as? [String: Any])?[file] as? [String: Any])
    }

    static func report(_ arguments: [String]) throws -> (status: Int32, report: [String: Any], tensors: [String: [String: Any]]) {
        let result = try CLI.run(["diff"] + arguments + ["--json"])
        let report = try GGUFCLITests.object(result)
        var byName: [String: [String: Any]] = [:]
        for tensor in report["tensors"] as? [[String: Any]] ?? [] { byName[tensor["name"] as? String ?? ""] = tensor }
        return (result.status, report, byName)
    }

    @Test("each Hub expert pairs with its entry of the stacked tensor (NAME[E]); numbers numpy's; exit 0",
          arguments: [("qwen3moe", "qwen3moe-q8_0.gguf"), ("mixtral", "mixtral-f16.gguf")])
    func faithfulConversion(folder: String, file: String) throws {
        let expected = try Self.expected(file)
        let pairs = try #require(expected["tensors"] as? [String: [String: Any]])
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/\(folder)"), Fixtures.path("gguf-moe/\(file)")])
        #expect(status == 0)
        #expect(pairs.keys.filter { $0.contains(".experts.") }.count == 24)
        try GGUFRotaryDiffTests.check(tensors, against: pairs)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        // An expert's entry keeps the Hub shape: [64, 32] for gate/up, [32, 64] for down.
        let down = try #require(tensors[folder == "mixtral" ? "model.layers.1.block_sparse_moe.experts.3.w2.weight"
                                                             : "model.layers.1.mlp.experts.3.down_proj.weight"])
        #expect(down["name_b"] as? String == "blk.1.ffn_down_exps.weight[3]")
        #expect(down["shape_b"] as? [Int] == [32, 64])
        let entry = try #require(down["entry_b"] as? [String: Any])
        #expect(entry["of"] as? String == "blk.1.ffn_down_exps.weight" && entry["index"] as? Int == 3)
        #expect(down["entry_a"] is NSNull)
        // Every other pair is a tensor stored under its name.
        #expect(tensors.values.filter { $0["entry_b"] is NSNull }.count == tensors.count - 24)
    }

    @Test("the GGUF file as A: its entries are A's names, the Hub's B's; the same numbers")
    func ggufAsA() throws {
        let pairs = try #require(try Self.expected("qwen3moe-q8_0.gguf")["tensors"] as? [String: [String: Any]])
        let (status, _, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe-q8_0.gguf"), Fixtures.path("gguf-moe/qwen3moe")])
        #expect(status == 0)
        #expect(tensors.count == pairs.count)
        for (hub, reference) in pairs {
            let gguf = try #require(reference["gguf_name"] as? String)
            let tensor = try #require(tensors[gguf], "\(gguf)")
            #expect(tensor["name_b"] as? String == hub)
            // ‖a − b‖ / ‖a‖ with A the GGUF side: numpy's max |a − b| is symmetric.
            #expect(GGUFCLITests.close(tensor["max_abs_diff"] as? Double ?? -1, reference["max_abs"] as? Double ?? 0, 1e-12)
                    || reference["max_abs"] as? Double == 0, "\(gguf)")
        }
    }

    @Test("experts stacked out of order: exactly the two swapped pairs exceed, by numpy's numbers; exit 1")
    func swappedExperts() throws {
        let pairs = try #require(try Self.expected("qwen3moe-swapped-q8_0.gguf")["tensors"] as? [String: [String: Any]])
        let (status, _, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/qwen3moe-swapped-q8_0.gguf")])
        #expect(status == 1)
        try GGUFRotaryDiffTests.check(tensors, against: pairs)
        let exceeding = tensors.filter { $0.value["exceeds_tolerance"] as? Bool == true }.keys.sorted()
        #expect(exceeding == ["model.layers.0.mlp.experts.1.gate_proj.weight", "model.layers.0.mlp.experts.2.gate_proj.weight"])
        #expect(pairs.filter { ($0.value["relative_l2"] as? Double ?? 0) > 0.01 }.keys.sorted() == exceeding)
    }

    @Test("a stack with fewer or more experts than the Hub: the missing experts by name, the extra entries as NAME[E]; exit 1",
          arguments: ["qwen3moe-3-experts-q8_0.gguf", "qwen3moe-5-experts-q8_0.gguf"])
    func expertCountsDiffer(file: String) throws {
        let expected = try Self.expected(file)
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/\(file)")])
        #expect(status == 1)
        try GGUFRotaryDiffTests.check(tensors, against: try #require(expected["tensors"] as? [String: [String: Any]]))
        #expect(report["only_in_a"] as? [String] == expected["only_in_a"] as? [String])
        #expect(report["only_in_b"] as? [String] == expected["only_in_b"] as? [String])
        #expect(((expected["only_in_a"] as? [String] ?? []) + (expected["only_in_b"] as? [String] ?? [])).count == 6)
    }

    @Test("--map may name an entry: that pair compared, the stack's other entries only in B, an entry past the stack unused")
    func mapNamingEntries() throws {
        let pairs = try #require(try Self.expected("qwen3moe-q8_0.gguf")["tensors"] as? [String: [String: Any]])
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        try Data(#"""
            {"model.layers.0.mlp.experts.3.gate_proj.weight": "blk.0.ffn_gate_exps.weight[3]",
             "model.layers.0.mlp.experts.2.gate_proj.weight": "blk.0.ffn_gate_exps.weight[9]",
             "model.layers.0.mlp.experts.1.gate_proj.weight": "blk.0.ffn_gate_exps.weight[01]"}
            """#.utf8).write(to: map)
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/qwen3moe-q8_0.gguf"),
                                                         "--map", map.path])
        #expect(status == 1)
        let name = "model.layers.0.mlp.experts.3.gate_proj.weight"
        try GGUFRotaryDiffTests.check(tensors.filter { $0.key == name }, against: pairs.filter { $0.key == name })
        let onlyInB = try #require(report["only_in_b"] as? [String])
        #expect(onlyInB.filter { $0.hasPrefix("blk.0.ffn_gate_exps.weight") }
                == ["blk.0.ffn_gate_exps.weight[0]", "blk.0.ffn_gate_exps.weight[1]", "blk.0.ffn_gate_exps.weight[2]"])
        #expect(onlyInB.contains("blk.1.ffn_gate_exps.weight"))
        let unused = report["unused_map_entries"] as? [[String: Any]] ?? []
        #expect(unused.compactMap { $0["b"] as? String } == ["blk.0.ffn_gate_exps.weight[01]", "blk.0.ffn_gate_exps.weight[9]"])
        #expect(unused.compactMap { $0["reason"] as? String }
                == ["B has no tensor of this name", "B: \"blk.0.ffn_gate_exps.weight\" has 4 entries along its first dimension"])
    }

    @Test("a map naming a tensor whole and by entry: it is compared whole, and the entry is unused with the reason")
    func mapNamingWholeAndEntry() throws {
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        try Data(#"""
            {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "token_embd.weight[0]"}
            """#.utf8).write(to: map)
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/qwen3moe-q8_0.gguf"),
                                                         "--map", map.path])
        #expect(status == 1)
        #expect(tensors["model.embed_tokens.weight"]?["name_b"] as? String == "token_embd.weight")
        #expect((report["only_in_b"] as? [String])?.contains { $0.hasPrefix("token_embd.weight[") } == false)
        let unused = try #require((report["unused_map_entries"] as? [[String: Any]])?.first)
        #expect(unused["b"] as? String == "token_embd.weight[0]")
        #expect(unused["reason"] as? String
                == "B: the map also names \"token_embd.weight\" itself, which is compared whole, not split into entries")
    }

    @Test("a stack declaring 20,000 entries stays whole: its experts only in A, the stack only in B; quick")
    func tooManyEntries() throws {
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/qwen3moe-20000-entries-f32.gguf")])
        #expect(status == 1)
        #expect(report["only_in_b"] as? [String] == ["blk.0.ffn_gate_exps.weight"])
        #expect(report["only_in_a"] as? [String] == (0 ..< 4).map { "model.layers.0.mlp.experts.\($0).gate_proj.weight" })
        #expect(tensors.count == 41)
    }

    @Test("a tensor literally named like entry 0 beside the stack: the stack stays whole, expert 0 faces that tensor with entry_b null")
    func literalEntryName() throws {
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen3moe"), Fixtures.path("gguf-moe/qwen3moe-literal-entry-f32.gguf")])
        #expect(status == 1)
        let expert0 = try #require(tensors["model.layers.0.mlp.experts.0.gate_proj.weight"])
        #expect(expert0["name_b"] as? String == "blk.0.ffn_gate_exps.weight[0]")
        #expect(expert0["entry_b"] is NSNull)
        #expect(expert0["identical_bytes"] as? Bool == true)
        #expect(report["only_in_b"] as? [String] == ["blk.0.ffn_gate_exps.weight"])
        #expect(report["only_in_a"] as? [String] == (1 ..< 4).map { "model.layers.0.mlp.experts.\($0).gate_proj.weight" })
    }

    /// llama.cpp's loader makes every stacked expert tensor with `{arch}.expert_count` entries
    /// (0 without the key) and refuses another shape (`check_tensor_dims`, "wrong shape").
    @Test("audit: stacks contradicting qwen3moe.expert_count are one gguf-problem naming the first; a consistent file has none",
          arguments: [("qwen3moe-count-8-q8_0.gguf", "qwen3moe.expert_count is 8"),
                      ("qwen3moe-no-count-q8_0.gguf", "the file states no qwen3moe.expert_count (llama.cpp then takes 0)"),
                      ("qwen3moe-q8_0.gguf", nil), ("qwen3moe-3-experts-q8_0.gguf", nil)])
    func expertCountContradicted(file: String, statement: String?) throws {
        let result = try CLI.run(["audit", Fixtures.path("gguf-moe/\(file)"), "--format", "json"])
        let problems = (try GGUFCLITests.object(result)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-problem" }
        guard let statement else {
            #expect(problems.isEmpty)
            return
        }
        #expect(problems.count == 1)
        let message = try #require(problems.first?["message"] as? String)
        #expect(message.hasPrefix("blk.0.ffn_gate_exps.weight stacks 4 experts (and 5 more stacked expert tensors), but \(statement):"))
        #expect(message.hasSuffix("and will not load the file"))
        #expect(problems.first?["tensors"] as? [String] == ["blk.0.ffn_gate_exps.weight"])
        #expect(problems.first?["severity"] as? String == "warning")
    }

    @Test("audit: an expert_count above llama.cpp's 1,024 is a gguf-problem; an architecture llama.cpp has no loader for gets none")
    func expertCountPastLimit() throws {
        let result = try CLI.run(["audit", Fixtures.path("gguf-moe/qwen3moe-count-2048-q8_0.gguf"), "--format", "json"])
        let problems = (try GGUFCLITests.object(result)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-problem" }
        #expect(problems.compactMap { $0["message"] as? String }
                == ["qwen3moe.expert_count is 2048, more than llama.cpp's limit of 1024 experts (LLAMA_MAX_EXPERTS, "
                    + "llama.cpp as vendored in llama-cpp-python 0.3.36): its loader stops on an assertion"])
    }

    /// Qwen3.5-MoE's converter (`Qwen3_5MoeTextModel`, built on `Qwen3NextModel`) stores norm
    /// weights plus 1 except `linear_attn.norm.weight` (hunt-55a: a faithful conversion's norms
    /// were off by 1).
    @Test("qwen35moe: norms compared with 1 taken off the GGUF side, linear_attn.norm as stored; numpy's numbers; exit 0")
    func qwen35Norms() throws {
        let pairs = try #require(try Self.expected("qwen35moe-norms-f32.gguf")["tensors"] as? [String: [String: Any]])
        let (status, _, tensors) = try Self.report([Fixtures.path("gguf-moe/qwen35moe"), Fixtures.path("gguf-moe/qwen35moe-norms-f32.gguf")])
        #expect(status == 0)
        try GGUFRotaryDiffTests.check(tensors, against: pairs)
        for (name, reference) in pairs {
            let shift = tensors[name]?["value_shift"] as? [String: Any]
            #expect(shift?["shift"] as? Double == (reference["shifted"] as? Bool == true ? 1 : 0), "\(name)")
        }
        #expect(pairs.values.filter { $0["shifted"] as? Bool == true }.count == 3)
    }

    /// Files written before llama.cpp stacked experts (PR #6387, April 2024) hold each expert as
    /// `blk.N.ffn_gate.E.weight` (llama-arch.cpp's LLM_TENSOR_FFN_GATE_EXP); hunt-55a D8.
    @Test("a GGUF with one tensor per expert (blk.N.ffn_gate.E.weight): each Hub expert faces it, the stacked file's numbers; exit 0")
    func splitExperts() throws {
        let pairs = try #require(try Self.expected("mixtral-f16.gguf")["tensors"] as? [String: [String: Any]])
        let (status, report, tensors) = try Self.report([Fixtures.path("gguf-moe/mixtral"), Fixtures.path("gguf-moe/mixtral-split-experts-f16.gguf")])
        #expect(status == 0)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        var split: [String: [String: Any]] = [:]
        for (name, reference) in pairs {
            var entry = reference
            if let gguf = reference["gguf_name"] as? String, let (tensor, index) = Self.entryParts(gguf) {
                entry["gguf_name"] = String(tensor.dropLast("_exps.weight".count)) + ".\(index).weight"
            }
            split[name] = entry
        }
        #expect(split.values.filter { ($0["gguf_name"] as? String)?.contains("ffn_gate.3.weight") == true }.count == 2)
        try GGUFRotaryDiffTests.check(tensors, against: split)
        #expect(tensors.values.allSatisfy { $0["entry_b"] is NSNull })
    }

    static func entryParts(_ name: String) -> (String, Int)? {
        guard name.hasSuffix("]"), let open = name.lastIndex(of: "["), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)])
        else { return nil }
        return (String(name[..<open]), index)
    }
}
