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

    @Test("a table the Hub config does not call for stays only in B, and says why; exit 1")
    func tableNotCalledFor() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama31-no-scaling", "gguf-rope-tables/llama31-f32.gguf")
        #expect(status == 1)
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
        #expect(report["not_converter_tables"] as? [String: String] == ["rope_freqs.weight": "no Hub tensor faces it, and config.json "
            + "states nothing that makes llama.cpp's converter compute it (rope_freqs.weight: llama3 rope scaling, or Gemma 4's "
            + "proportional rope; rope_factors_long/short.weight: LongRoPE's long_factor and short_factor lists)"])
        #expect((report["missing_converter_tables"] as? [String: String])?.isEmpty == true)
    }

    /// Expected numbers: the GGUF's value as gguf-py reads it, and the converter's formula in
    /// float64 (Python, `LlamaModel.generate_extra_tensors` with factor 32): index 4 is the first
    /// outside float32 rounding, 2.6945300102233887 against 3.2922621029408843.
    @Test("a table computed from another factor is not the converter's: the first differing value is named; exit 1")
    func tableFromAnotherFactor() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-factor-8-f32.gguf")
        #expect(status == 1)
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
        #expect(report["not_converter_tables"] as? [String: String] == ["rope_freqs.weight": "value 4 is 2.6945300102233887; the "
            + "converter's, from config.json's llama3 rope scaling (factor 32.0, theta 500000.0, head dimension 16), is "
            + "3.2922621029408843 (they must agree within float32 rounding)"])
        let text = try CLI.run(["diff", Fixtures.path("gguf-rope-tables/llama31"), Fixtures.path("gguf-rope-tables/llama31-factor-8-f32.gguf")])
        #expect(text.stdout.contains(#"not the GGUF converter's table: "rope_freqs.weight": value 4 is 2.6945300102233887;"#))
    }

    @Test("a rope_freqs.weight of rank 2 is no table the converter writes: only in B, exit 1")
    func matrixIsNoTable() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-rope-matrix-f32.gguf")
        #expect(status == 1)
        #expect((report["added_by_converter"] as? [String: String])?.isEmpty == true)
        #expect(report["only_in_b"] as? [String] == ["rope_freqs.weight"])
        #expect((report["not_converter_tables"] as? [String: String])?["rope_freqs.weight"]?.hasPrefix("of shape [2, 8]; the converter's") == true)
    }

    @Test("a llama file without the rope_freqs.weight its llama3 config calls for: missing, exit 1, either order")
    func llamaTableMissing() throws {
        for (a, b) in [("gguf-rope-tables/llama31", "gguf-rope-tables/llama31-no-table-f32.gguf"),
                       ("gguf-rope-tables/llama31-no-table-f32.gguf", "gguf-rope-tables/llama31")] {
            let (status, report) = try Self.run(a, b)
            #expect(status == 1, "\(a)")
            #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
            #expect(report["missing_converter_tables"] as? [String: String] == ["rope_freqs.weight": "llama.cpp's converter for "
                + "general.architecture llama writes it from config.json's llama3 rope scaling (factor 32.0, theta 500000.0, head "
                + "dimension 16); this GGUF file has none, so llama.cpp applies no such factors"])
            let summary = try #require(report["summary"] as? [String: Any])
            #expect(summary["missing_converter_tables"] as? Int == 1)
            #expect(summary["passed"] as? Bool == false)
        }
        let text = try CLI.run(["diff", Fixtures.path("gguf-rope-tables/llama31"), Fixtures.path("gguf-rope-tables/llama31-no-table-f32.gguf")])
        #expect(text.status == 1)
        #expect(text.stdout.contains("B DIFFERS from A (1 converter table missing)"))
        #expect(text.stdout.contains(#"missing from the GGUF file: "rope_freqs.weight": llama.cpp's converter for general.architecture llama writes it"#))
    }

    @Test("a phi3 file without its LongRoPE factor tables: both missing, exit 1")
    func phi3TablesMissing() throws {
        let (status, report) = try Self.run("gguf-rope-tables/phi3", "gguf-rope-tables/phi3-no-tables-f32.gguf")
        #expect(status == 1)
        let missing = try #require(report["missing_converter_tables"] as? [String: String])
        #expect(missing.keys.sorted() == ["rope_factors_long.weight", "rope_factors_short.weight"])
        #expect(missing["rope_factors_short.weight"]?.contains("general.architecture phi3 writes it from config.json's short_factor (8 values)") == true)
    }

    @Test("a config that calls for no table, and a file without one: nothing missing, exit 0")
    func noTableCalledForNoneWritten() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama31-no-scaling", "gguf-rope-tables/llama31-no-table-f32.gguf")
        #expect(status == 0)
        #expect((report["missing_converter_tables"] as? [String: String])?.isEmpty == true)
        #expect((report["not_converter_tables"] as? [String: String])?.isEmpty == true)
    }

    /// Expected table: gguf-py reads 1, 1, 1, 1, 1, 16, 16, 16 from the fixture (the converter's
    /// code with torch); before, equal bands made no table here, and the file failed with it
    /// "only in B".
    @Test("Llama 4's equal low and high frequency factors: the table of 1s and 16s is the converter's; exit 0")
    func equalBands() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama4-bands", "gguf-rope-tables/llama4-bands-f32.gguf")
        #expect(status == 0)
        #expect((report["added_by_converter"] as? [String: String])?.keys.sorted() == ["rope_freqs.weight"])
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
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

    /// hunt-57c H1: the converter writes float32, and llama.cpp's rope asserts it; an F16 table with
    /// the right values passed.
    @Test("a table of the right values stored as F16 is not the converter's; exit 1")
    func halfPrecisionTable() throws {
        let (status, report) = try Self.run("gguf-rope-tables/llama4-bands", "gguf-rope-tables/llama4-bands-f16.gguf")
        #expect(status == 1)
        #expect((report["not_converter_tables"] as? [String: String])?["rope_freqs.weight"]?.hasPrefix("stored as F16; the converter's") == true)
    }

    /// hunt-57c M2: InternLM3's converter class writes llama files and no rope table.
    @Test("an InternLM3 config: a rope_freqs.weight is not the converter's, and none is missing")
    func internLM3() throws {
        let (status, report) = try Self.run("gguf-rope-tables/internlm3", "gguf-rope-tables/llama31-f32.gguf")
        #expect(status == 1)
        #expect((report["not_converter_tables"] as? [String: String])?["rope_freqs.weight"]?.contains("InternLM3Model, conversion/internlm.py") == true)
        let (without, other) = try Self.run("gguf-rope-tables/internlm3", "gguf-rope-tables/llama31-no-table-f32.gguf")
        #expect(without == 0)
        #expect((other["missing_converter_tables"] as? [String: String])?.isEmpty == true)
    }

    /// hunt-57c M1: under `rope_parameters.full_attention` the converter reads `rope_type` only and
    /// its own default theta, 10000, not the top level's.
    @Test("under full_attention: a `type` key calls for no table, and a missing rope_theta is 10000; exit 0")
    func nestedParameters() throws {
        let (typeKey, report) = try Self.run("gguf-rope-tables/nested-type-key", "gguf-rope-tables/llama31-no-table-f32.gguf")
        #expect(typeKey == 0)
        #expect((report["missing_converter_tables"] as? [String: String])?.isEmpty == true)
        let (noTheta, nested) = try Self.run("gguf-rope-tables/nested-no-theta", "gguf-rope-tables/nested-no-theta-f32.gguf")
        #expect(noTheta == 0)
        #expect((nested["added_by_converter"] as? [String: String])?["rope_freqs.weight"]?.contains("theta 10000.0") == true)
    }
}
