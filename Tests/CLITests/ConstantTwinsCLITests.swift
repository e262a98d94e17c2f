import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// An embedding and an output projection that are both all zeros hold identical bytes by
/// construction: no tie is shown by them. `ties` calls the group `constant` (no finding), and
/// `padding` takes its tying evidence from the config or the model type's default instead.
@Suite struct ConstantTwinsCLITests {
    static func folder(config: Bool = true) throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        let zeros = [UInt8](repeating: 0, count: 16 * 4 * 4)
        let file = SafetensorsWriter(entries: [
            .init(name: "model.embed_tokens.weight", dtype: .f32, shape: [16, 4], bytes: zeros),
            .init(name: "lm_head.weight", dtype: .f32, shape: [16, 4], bytes: zeros),
        ])
        try Data(file.serialize()).write(to: folder.appendingPathComponent("model.safetensors"))
        if config {
            try Data(#"{"model_type": "llama", "pad_token_id": 0}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        }
        return folder.path
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }

    @Test("ties: two all-zero matrices are a constant group, not tied weights saved twice")
    func ties() throws {
        let path = try Self.folder()
        let groups = try #require(try Self.json(["ties", path, "--json"])["groups"] as? [[String: Any]])
        #expect(groups.map { $0["kind"] as? String } == ["constant"], "\(groups)")
        let findings = try #require(try Self.json(["audit", path, "--json"])["findings"] as? [[String: Any]])
        #expect(!findings.contains { $0["rule"] as? String == "tied-weights-duplicated" }, "\(findings)")
    }

    @Test("padding without config.json: the zeros are listed as identical bytes, not 'tied with', and the detail does not contradict itself")
    func paddingWithoutConfig() throws {
        let result = try CLI.run(["padding", Self.folder(config: false), "--pad-id", "0"])
        #expect(result.stdout.contains("identical bytes: lm_head.weight") && !result.stdout.contains("tied with:"), "\(result.stdout)")
        #expect(result.stdout.contains("tying: unknown (evidence: none)"), "\(result.stdout)")
        #expect(!result.stdout.contains("were not compared"), "the bytes were compared: \(result.stdout)")
    }

    @Test("padding: the identical zeros are not the tying evidence; LlamaConfig's default is, and the detail says why")
    func padding() throws {
        let defaults = try #require((try Fixtures.json("knowledge/model-type-defaults.json") as? [String: Any])?["model_types"] as? [String: [String: Any]])
        let llamaTies = try #require(defaults["llama"]?["tie_word_embeddings"] as? Bool)
        let embeddings = try #require(try Self.json(["padding", Self.folder(), "--json"])["embeddings"] as? [[String: Any]])
        #expect(!embeddings.isEmpty)
        for embedding in embeddings {
            let tying = try #require(embedding["tying"] as? [String: Any])
            #expect(tying["evidence"] as? String == "model-type-default" && tying["tied"] as? Bool == llamaTies, "\(tying)")
            let detail = tying["detail"] as? String ?? ""
            #expect(detail.contains("equal by construction, not evidence of a tie"), "\(tying)")
        }
    }
}
