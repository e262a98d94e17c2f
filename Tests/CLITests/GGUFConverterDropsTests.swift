import Foundation
import Testing
import TestSupport

/// `diff` of a Hub BERT checkpoint against its conversion by llama.cpp's own converter, which
/// leaves the pooler and the pre-training heads out on purpose (TestData/gguf-converted: the
/// GGUF file is the converter's output; what it dropped and every number are gguf-py's and
/// numpy's, in expected.json).
@Suite struct GGUFConverterDropsTests {
    static func expected() throws -> [String: Any] {
        try #require(try Fixtures.json("gguf-converted/expected.json") as? [String: Any])
    }

    @Test("a faithful F16 conversion passes: the tensors the converter drops are listed as dropped by it, not as only in A")
    func faithfulConversion() throws {
        let expected = try Self.expected()
        let result = try CLI.run(["diff", Fixtures.path("gguf-converted/hub"), Fixtures.path("gguf-converted/bert-f16.gguf"), "--json"])
        #expect(result.status == 0)
        let report = try GGUFCLITests.object(result)
        let dropped = try #require(report["dropped_by_converter"] as? [String: String])
        #expect(dropped.keys.sorted() == expected["dropped"] as? [String])
        #expect(dropped.values.allSatisfy { $0.contains("conversion/bert.py") })
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        #expect(report["exceeds_tolerance"] as? Bool == false)

        let compared = try #require(expected["compared"] as? [String: [String: Any]])
        let tensors = report["tensors"] as? [[String: Any]] ?? []
        #expect(tensors.count == compared.count)
        for tensor in tensors {
            let name = tensor["name"] as? String ?? ""
            let ref = try #require(compared[name], "\(name)")
            #expect(tensor["name_b"] as? String == ref["gguf"] as? String)
            #expect(GGUFCLITests.close(tensor["max_abs_diff"] as? Double ?? -1, ref["max_abs_diff"] as? Double ?? -2, 1e-12)
                        || ref["max_abs_diff"] as? Double == 0, "\(name)")
            if let rel = ref["relative_l2"] as? Double {
                #expect(GGUFCLITests.close(tensor["relative_l2"] as? Double ?? -1, rel) || rel == 0 && tensor["relative_l2"] as? Double == 0,
                        "\(name): \(tensor["relative_l2"] ?? "-") vs \(rel)")
            }
        }
    }

    @Test("the text report says which tensors the converter dropped and why, and that B matches")
    func textReport() throws {
        let result = try CLI.run(["diff", Fixtures.path("gguf-converted/hub"), Fixtures.path("gguf-converted/bert-f16.gguf")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("dropped by the GGUF converter (not a failure): \"bert.pooler.dense.bias\", \"bert.pooler.dense.weight\", \"cls.predictions.bias\""))
        #expect(!result.stdout.contains("only in A"))
        #expect(result.stdout.contains("B matches A within tolerance"))
    }

    /// `diff --json` of two fixtures: its exit status, its report, and what expected.json says
    /// the converter drops.
    static func jsonDiff(_ a: String, _ b: String) throws -> (status: Int32, report: [String: Any], dropped: [String]?) {
        let result = try CLI.run(["diff", Fixtures.path(a), Fixtures.path(b), "--json"])
        return (result.status, try GGUFCLITests.object(result), try expected()["dropped"] as? [String])
    }

    @Test("a tensor the converter keeps is still required: its absence fails, the dropped ones stay excused")
    func keptTensorMissing() throws {
        let (status, report, dropped) = try Self.jsonDiff("gguf-converted/hub", "gguf-converted/bert-f16-missing.gguf")
        #expect(status == 1)
        #expect(report["only_in_a"] as? [String] == ["bert.embeddings.token_type_embeddings.weight"])
        #expect((report["dropped_by_converter"] as? [String: String])?.keys.sorted() == dropped)
    }

    @Test("either direction: the GGUF file as A, the Hub folder as B")
    func reversed() throws {
        let (status, report, dropped) = try Self.jsonDiff("gguf-converted/bert-f16.gguf", "gguf-converted/hub")
        #expect(status == 0)
        #expect((report["dropped_by_converter"] as? [String: String])?.keys.sorted() == dropped)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
    }

    @Test("with --map the user's pairing decides: nothing is excused")
    func explicitMap() throws {
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        try Data(#"{"bert.embeddings.word_embeddings.weight": "token_embd.weight"}"#.utf8).write(to: map)
        let result = try CLI.run(["diff", Fixtures.path("gguf-converted/hub"), Fixtures.path("gguf-converted/bert-f16.gguf"),
                                  "--map", map.path, "--json"])
        #expect(result.status == 1)
        let report = try GGUFCLITests.object(result)
        #expect((report["dropped_by_converter"] as? [String: String])?.isEmpty == true)
        #expect((report["only_in_a"] as? [String])?.contains("bert.pooler.dense.weight") == true)
    }
}
