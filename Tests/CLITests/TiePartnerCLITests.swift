import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// An input embedding, its output projection and a third tensor of no known role, all three
/// with the same bytes: the bytes show the embedding and the projection tied, and the third is
/// a copy, which `padding` lists apart instead of "tied with" (as `ties` calls it a copy).
@Suite struct TiePartnerCLITests {
    static func folder() throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        // 8 × 4 distinct F32 values: no constant matrix, so the bytes are evidence.
        let bytes = (0..<32).flatMap { withUnsafeBytes(of: Float(Double($0) * 0.25 - 3).bitPattern.littleEndian, Array.init) }
        let file = SafetensorsWriter(entries: [
            .init(name: "model.embed_tokens.weight", dtype: .f32, shape: [8, 4], bytes: bytes),
            .init(name: "lm_head.weight", dtype: .f32, shape: [8, 4], bytes: bytes),
            .init(name: "other.copy.weight", dtype: .f32, shape: [8, 4], bytes: bytes),
        ])
        try Data(file.serialize()).write(to: folder.appendingPathComponent("model.safetensors"))
        return folder.path
    }

    @Test("padding: the output projection is the tie partner; the byte copy of no known role is listed as identical bytes")
    func partnerAndCopy() throws {
        let result = try CLI.run(["padding", Self.folder(), "--pad-id", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        // Embedding first, then output projection (the listing's order).
        #expect(lines.filter { $0.hasPrefix("  tied with: ") } == ["  tied with: lm_head.weight", "  tied with: model.embed_tokens.weight"],
                "\(result.stdout)")
        #expect(lines.filter { $0.hasPrefix("  identical bytes: ") } == Array(repeating: "  identical bytes: other.copy.weight", count: 2),
                "\(result.stdout)")
    }

    @Test("padding --json: tied_with still lists every byte-identical tensor, as the README documents")
    func jsonUnchanged() throws {
        let result = try CLI.run(["padding", Self.folder(), "--pad-id", "0", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let embeddings = try #require(object["embeddings"] as? [[String: Any]])
        let first = try #require(embeddings.first { $0["tensor"] as? String == "model.embed_tokens.weight" })
        #expect(first["tied_with"] as? [String] == ["lm_head.weight", "other.copy.weight"], "\(first)")
    }

    @Test("config.json architectures that is not an array of class names: config-invalid-value, and the tying falls back to the model type's default")
    func invalidArchitectures() throws {
        let folder = try Self.folder()
        try Data(#"{"model_type": "llama", "architectures": "LlamaModel"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        let result = try CLI.run(["audit", folder, "--pad-id", "0", "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let findings = try #require(report["findings"] as? [[String: Any]])
        let invalid = findings.first { $0["rule"] as? String == "config-invalid-value" }
        #expect((invalid?["evidence"] as? [String: Any])?["key"] as? String == "architectures", "\(findings)")
    }

    @Test("a constant integer group (batch-norm counters) shows its value as an integer and claims no construction")
    func integerConstants() throws {
        // Three I64 scalars of 709746 (torch's num_batches_tracked), little-endian by hand.
        let bytes = withUnsafeBytes(of: Int64(709_746).littleEndian) { Array($0) }
        let file = try Fixtures.temporaryFile(SafetensorsWriter(entries: (0..<3).map {
            .init(name: "features.\($0).bn.num_batches_tracked", dtype: .i64, shape: [], bytes: bytes)
        }).serialize())
        let text = try CLI.run(["ties", file]).stdout
        #expect(text.contains("(every element equals 709746: tensors of one repeated value are equal without being copies)"), "\(text)")
        #expect(!text.contains("709746.0") && !text.contains("by construction"), "\(text)")
        // Beyond 2^53 every digit (a Double would read 2^53 + 1 as 2^53), and U64's largest.
        let big = withUnsafeBytes(of: Int64(9_007_199_254_740_993).littleEndian) { Array($0) }
        let top = withUnsafeBytes(of: UInt64.max.littleEndian) { Array($0) }
        let wide = try Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "a", dtype: .i64, shape: [], bytes: big), .init(name: "b", dtype: .i64, shape: [], bytes: big),
            .init(name: "c", dtype: .u64, shape: [], bytes: top), .init(name: "d", dtype: .u64, shape: [], bytes: top),
        ]).serialize())
        let wideText = try CLI.run(["ties", wide]).stdout
        #expect(wideText.contains("every element equals 9007199254740993:") && wideText.contains("every element equals 18446744073709551615:"),
                "\(wideText)")
    }

    @Test("an empty evidence list is left out of the text, not a bare key=, and stays [] in JSON")
    func emptyEvidenceList() throws {
        // The GGUF fixture's embedding is tied by the format's convention: no stored copy to name.
        let path = Fixtures.path("gguf-cli/llama-f32.gguf")
        let text = try CLI.run(["audit", path, "--pad-id", "3"]).stdout
        #expect(text.contains("tied=true") && !text.contains("tied_with="), "\(text)")
        let report = try CLI.json(["audit", path, "--pad-id", "3", "--format", "json"])
        let finding = CLI.findings(report, rule: "padding-row-nonzero").first
        #expect((finding?["evidence"] as? [String: Any])?["tied_with"] as? [String] == [])
    }
}
