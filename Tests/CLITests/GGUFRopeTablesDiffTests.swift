import Foundation
import Testing
import TestSupport

/// Tables llama.cpp's converter computes from config.json (TestData/gguf-rope-tables, written by
/// its generate.py): a Llama 3.1 conversion's `rope_freqs.weight`, a 128k Phi-3's
/// `rope_factors_long/short.weight`. hunt-55a: such a conversion failed `diff` with the table
/// "only in B", though no Hub tensor could face it; review-55: a first excuse let any such table
/// pass. The tables in the fixtures are the converter's own computation (torch), not ours.
@Suite struct GGUFRopeTablesDiffTests {
    static func run(_ a: String, _ b: String, map: String? = nil) throws -> (status: Int32, report: [String: Any]) {
        let result = try CLI.run(["diff", Fixtures.path(a), Fixtures.path(b), "--json"] + (map.map { ["--map", $0] } ?? []))
        return (result.status, try GGUFCLITests.object(result))
    }

    @Test("Llama 3.1: rope_freqs.weight is added by the converter, not only in B; exit 0, either order")
    func llama31() throws {
        for (a, b) in [("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-f32.gguf"),
                       ("gguf-rope-tables/llama31-f32.gguf", "gguf-rope-tables/llama31")] {
            let (status, report) = try Self.run(a, b)
            #expect(status == 0, "\(a)")
            let added = try #require(report["added_by_converter"] as? [String: String])
            #expect(added.keys.sorted() == ["rope_freqs.weight"])
            #expect(added["rope_freqs.weight"] == "a table llama.cpp's converter computes from config.json's llama3 rope scaling "
                    + "(factor 32.0, theta 500000.0, head dimension 16), no Hub tensor: its 8 values are the converter's, equal within float32 rounding")
            #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
            #expect((report["tensors"] as? [Any])?.count == 5)
        }
    }

    @Test("Phi-3 LongRoPE: both factor tables added by the converter; exit 0")
    func phi3() throws {
        let (status, report) = try Self.run("gguf-rope-tables/phi3", "gguf-rope-tables/phi3-f32.gguf")
        #expect(status == 0)
        let added = try #require(report["added_by_converter"] as? [String: String])
        #expect(added.keys.sorted() == ["rope_factors_long.weight", "rope_factors_short.weight"])
        #expect(added["rope_factors_long.weight"]?.hasPrefix("a table llama.cpp's converter computes from config.json's long_factor (8 values)") == true)
        #expect((report["tensors"] as? [Any])?.count == 4)
    }

    @Test("a table the Hub config does not call for, or computed from another factor, stays only in B; exit 1",
          arguments: [("gguf-rope-tables/llama31-no-scaling", "gguf-rope-tables/llama31-f32.gguf"),
                      ("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-factor-8-f32.gguf")])
    func notTheConvertersTable(hub: String, file: String) throws {
        let (status, report) = try Self.run(hub, file)
        #expect(status == 1)
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
    }

    @Test("a rope_freqs.weight of rank 2 is no table the converter writes: only in B, exit 1")
    func matrixIsNoTable() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-rope-matrix-f32.gguf")
        #expect(status == 1)
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
    }

    @Test("with --map the user's pairing decides: the table is only in B")
    func explicitMap() throws {
        let folder = try Fixtures.temporaryDirectory()
        let map = folder.appendingPathComponent("map.json")
        try Data(#"{"model.embed_tokens.weight": "token_embd.weight"}"#.utf8).write(to: map)
        let (status, report) = try Self.run("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-f32.gguf", map: map.path)
        #expect(status == 1)
        #expect((report["only_in_b"] as? [String])?.contains("rope_freqs.weight") == true)
    }
}
