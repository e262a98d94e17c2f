import Foundation
import Testing
import TestSupport

/// Granite's merged gate-and-up matrices, which llama.cpp's converter splits along their rows
/// (TestData/gguf-granite, written by its generate.py as `conversion/granite.py` does; checked on
/// 2026-12-07 against the converter's own output from tiny transformers-5.25 GraniteMoe,
/// GraniteMoeShared and GraniteMoeHybrid models). Before, every such conversion failed `diff` with
/// `input_linear` only in A and the halves only in B.
@Suite struct GGUFGraniteDiffTests {
    static let merged = "model.layers.0.block_sparse_moe.input_linear.weight"
    static let shared = "model.layers.0.shared_mlp.input_linear.weight"

    static func run(_ a: String, _ b: String) throws -> (status: Int32, report: [String: Any]) {
        let result = try CLI.run(["diff", Fixtures.path(a), Fixtures.path(b), "--json"])
        return (result.status, try GGUFCLITests.object(result))
    }

    static func tensors(_ report: [String: Any]) -> [String: [String: Any]] {
        Dictionary(((report["tensors"] as? [[String: Any]]) ?? []).compactMap { t in (t["name"] as? String).map { ($0, t) } },
                   uniquingKeysWith: { first, _ in first })
    }

    @Test("every expert's rows [0, 16) pair with ffn_gate_exps, rows [16, 32) with ffn_up_exps, the shared halves with the shexp pair; exit 0, either order")
    func halvesPair() throws {
        for (a, b) in [("gguf-granite/granitemoe", "gguf-granite/granitemoe-f32.gguf"), ("gguf-granite/granitemoe-f32.gguf", "gguf-granite/granitemoe")] {
            let (status, report) = try Self.run(a, b)
            #expect(status == 0, "\(a)")
            #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
            let tensors = Self.tensors(report)
            // 4 experts × 2 halves + 2 shared halves + embedding, norm, router, down experts, shared down.
            #expect(tensors.count == 15)
            let hubFirst = a.hasSuffix("granitemoe")
            for e in 0 ..< 4 {
                for (rows, part) in [("0:16", "gate"), ("16:32", "up")] {
                    let hub = "\(Self.merged)[\(e)][\(rows)]", gguf = "blk.0.ffn_\(part)_exps.weight[\(e)]"
                    let pair = try #require(tensors[hubFirst ? hub : gguf], "\(hub)")
                    #expect(pair["name_b"] as? String == (hubFirst ? gguf : hub))
                    #expect(pair["identical_bytes"] as? Bool == true)
                    let rowsSide = pair[hubFirst ? "rows_a" : "rows_b"] as? [String: Any]
                    #expect(rowsSide?["of"] as? String == "\(Self.merged)[\(e)]")
                    #expect(rowsSide?["start"] as? Int == (part == "gate" ? 0 : 16) && rowsSide?["end"] as? Int == (part == "gate" ? 16 : 32))
                    #expect((pair[hubFirst ? "entry_a" : "entry_b"] as? [String: Any])?["index"] as? Int == e)
                }
            }
            let gate = try #require(tensors[hubFirst ? "\(Self.shared)[0:24]" : "blk.0.ffn_gate_shexp.weight"])
            #expect(gate["name_b"] as? String == (hubFirst ? "blk.0.ffn_gate_shexp.weight" : "\(Self.shared)[0:24]"))
            #expect(gate[hubFirst ? "entry_a" : "entry_b"] is NSNull)
            #expect(tensors[hubFirst ? "\(Self.shared)[24:48]" : "blk.0.ffn_up_shexp.weight"]?["identical_bytes"] as? Bool == true)
        }
    }

    @Test("Q8_0: each half's relative L2 and max |a − b| are numpy's against gguf.quants.dequantize of its entry")
    func quantizedHalves() throws {
        let (status, report) = try Self.run("gguf-granite/granitemoe", "gguf-granite/granitemoe-q8_0.gguf")
        #expect(status == 0)
        let expected = try #require((try Fixtures.json("gguf-granite/expected.json") as? [String: Any])?["granitemoe-q8_0.gguf"] as? [String: [String: Double]])
        #expect(expected.count == 10)
        let tensors = Self.tensors(report)
        for (name, reference) in expected {
            let pair = try #require(tensors[name], "\(name)")
            let l2 = try #require(pair["relative_l2"] as? Double), maxAbs = try #require(pair["max_abs_diff"] as? Double)
            let (l2Reference, maxReference) = (try #require(reference["relative_l2"]), try #require(reference["max_abs"]))
            #expect(abs(l2 - l2Reference) <= 1e-9 * l2Reference, "\(name)")
            #expect(abs(maxAbs - maxReference) <= 1e-9 * maxReference, "\(name)")
        }
    }

    @Test("gate and up exchanged in the GGUF file: every expert half exceeds; exit 1")
    func swappedHalvesFail() throws {
        let (status, report) = try Self.run("gguf-granite/granitemoe", "gguf-granite/granitemoe-swapped-f32.gguf")
        #expect(status == 1)
        let tensors = Self.tensors(report)
        for e in 0 ..< 4 {
            #expect(tensors["\(Self.merged)[\(e)][0:16]"]?["exceeds_tolerance"] as? Bool == true)
            #expect(tensors["\(Self.merged)[\(e)][16:32]"]?["exceeds_tolerance"] as? Bool == true)
        }
        #expect(tensors["\(Self.shared)[0:24]"]?["identical_bytes"] as? Bool == true)
    }

    @Test("a dense Granite 4 hybrid: the shared MLP is ffn_gate, ffn_up and ffn_down; exit 0")
    func denseHybrid() throws {
        let (status, report) = try Self.run("gguf-granite/granitehybrid-dense", "gguf-granite/granitehybrid-dense-f32.gguf")
        #expect(status == 0)
        let tensors = Self.tensors(report)
        #expect(tensors["\(Self.shared)[0:24]"]?["name_b"] as? String == "blk.0.ffn_gate.weight")
        #expect(tensors["\(Self.shared)[24:48]"]?["name_b"] as? String == "blk.0.ffn_up.weight")
        #expect(tensors["model.layers.0.shared_mlp.output_linear.weight"]?["name_b"] as? String == "blk.0.ffn_down.weight")
        #expect(tensors.count == 5)
    }

    @Test("a map's row ranges that do not cover the rows exactly cut nothing: the tensor stays whole, only in A")
    func partialRangesCutNothing() throws {
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        // Rows [0, 20) and [24, 48): rows 20–23 would be lost, so the tensor is not cut.
        try Data(#"{"\#(Self.shared)[0:20]": "blk.0.ffn_gate_shexp.weight", "\#(Self.shared)[24:48]": "blk.0.ffn_up_shexp.weight"}"#.utf8)
            .write(to: map)
        let result = try CLI.run(["diff", Fixtures.path("gguf-granite/granitemoe"), Fixtures.path("gguf-granite/granitemoe-f32.gguf"),
                                  "--json", "--map", map.path])
        #expect(result.status == 1)
        let report = try GGUFCLITests.object(result)
        #expect((report["only_in_a"] as? [String])?.contains(Self.shared) == true)
        #expect(Self.tensors(report)["\(Self.shared)[24:48]"] == nil)
    }

    /// hunt-57c H2 (and hunt-55a A2 for Mixtral): llama.cpp requires the stacks, and such a file passed.
    @Test("tensors literally named ffn_gate_exps.weight[E] in place of the stacks pair with nothing; exit 1, either order")
    func literalEntryNames() throws {
        for (a, b) in [("gguf-granite/granitemoe", "gguf-granite/granitemoe-literal-entries-f32.gguf"),
                       ("gguf-granite/granitemoe-literal-entries-f32.gguf", "gguf-granite/granitemoe")] {
            let (status, report) = try Self.run(a, b)
            #expect(status == 1)
            let (hubSide, ggufSide) = a.hasSuffix(".gguf") ? ("only_in_b", "only_in_a") : ("only_in_a", "only_in_b")
            #expect(report[hubSide] as? [String] == [Self.merged])
            #expect((report[ggufSide] as? [String])?.count == 8)
        }
    }

    /// hunt-57c M3: a map naming a tensor and rows of it compares it whole, as with entries.
    @Test("a map naming a tensor whole and its row ranges compares it whole")
    func wholeAndRanges() throws {
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        try Data(#"{"\#(Self.shared)": "blk.0.ffn_gate_shexp.weight", "\#(Self.shared)[0:24]": "blk.0.ffn_gate_shexp.weight"}"#.utf8).write(to: map)
        let result = try CLI.run(["diff", Fixtures.path("gguf-granite/granitemoe"), Fixtures.path("gguf-granite/granitemoe-f32.gguf"),
                                  "--json", "--map", map.path])
        let tensors = Self.tensors(try GGUFCLITests.object(result))
        #expect(tensors[Self.shared]?["shape_a"] as? [Int] == [48, 32])
        #expect(tensors["\(Self.shared)[0:24]"] == nil)
    }
}
