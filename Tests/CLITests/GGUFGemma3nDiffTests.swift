import Foundation
import Testing
import TestSupport

/// `diff` of a Hub Gemma 3n checkpoint against its GGUF conversion (TestData/gguf-gemma3n, written
/// by its generate.py as llama.cpp's Gemma3NModel converter writes it; numbers numpy's on
/// `gguf.quants.dequantize`). hunt-56a D3: a faithful conversion failed on the AltUp stacks,
/// `correct_output_scale` and the token tables the converter pads with zero rows up to `vocab_size`.
@Suite struct GGUFGemma3nDiffTests {
    static let hub = "gguf-gemma3n/gemma3n"

    @Test("a faithful Q8_0 conversion: AltUp entries, scales, token tables over the Hub's rows; numbers numpy's; exit 0, either order")
    func faithfulConversion() throws {
        let expected = try #require((try Fixtures.json("gguf-gemma3n/expected.json") as? [String: Any])?["gemma3n-q8_0.gguf"] as? [String: [String: Any]])
        let (status, report, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path(Self.hub), Fixtures.path("gguf-gemma3n/gemma3n-q8_0.gguf")])
        #expect(status == 0)
        try GGUFRotaryDiffTests.check(tensors, against: expected)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
        let table = try #require(tensors["model.embed_tokens_per_layer.weight"])
        #expect(table["shape_a"] as? [Int] == [40, 64] && table["shape_b"] as? [Int] == [48, 64] && table["comparable"] as? Bool == true)
        let padding = try #require(table["row_padding"] as? [String: Any])
        #expect(padding["rows_padded"] as? Int == 8 && padding["side"] as? String == "b")
        #expect((padding["evidence"] as? String)?.hasSuffix("the GGUF side's 8 rows past them are zero") == true)
        #expect(tensors["model.altup_projections.2.weight"]?["name_b"] as? String == "altup_proj.weight[2]")
        #expect(tensors["model.norm.weight"]?["row_padding"] is NSNull)
        let (reverse, _, reversed) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-gemma3n/gemma3n-q8_0.gguf"), Fixtures.path(Self.hub)])
        #expect(reverse == 0)
        #expect((reversed["per_layer_token_embd.weight"]?["row_padding"] as? [String: Any])?["side"] as? String == "a")
    }

    @Test("a padded row that is not zero: the table is compared as stored, a shape change; exit 1")
    func nonZeroPadding() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path(Self.hub), Fixtures.path("gguf-gemma3n/gemma3n-nonzero-pad-q8_0.gguf")])
        #expect(status == 1)
        let table = try #require(tensors["model.embed_tokens_per_layer.weight"])
        #expect(table["comparable"] as? Bool == false)
        let padding = try #require(table["row_padding"] as? [String: Any])
        #expect(padding["rows_padded"] is NSNull)
        #expect((padding["evidence"] as? String)?.contains("its row 45, past the Hub's 40, is not zero") == true)
        // The other table is still compared over the Hub's rows.
        #expect(tensors["model.embed_tokens.weight"]?["comparable"] as? Bool == true)
    }

    /// hunt-57a F2: the converter merges text_config over the top level, so it pads to the
    /// text_config's 48, not the top level's 56; the top level's was read, and this faithful
    /// conversion failed with two shape changes.
    @Test("a composite config: the text_config's vocab_size (48) is the one padded to, not the top level's (56); exit 0")
    func compositeConfig() throws {
        let (status, _, tensors) = try GGUFExpertsDiffTests.report([Fixtures.path("gguf-gemma3n/gemma3n-composite"),
                                                                    Fixtures.path("gguf-gemma3n/gemma3n-q8_0.gguf")])
        #expect(status == 0)
        let padding = try #require(tensors["model.embed_tokens.weight"]?["row_padding"] as? [String: Any])
        #expect(padding["rows_padded"] as? Int == 8)
        #expect((padding["evidence"] as? String)?.contains("up to config.json's vocab_size 48,") == true)
    }
}
