import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// What the tokenizer files beside a checkpoint disagree on reaches `padding`, `tokens` and
/// `audit`. Before, `CheckpointKnowledge.read` kept the notes of a GGUF file's own tokenizer
/// only: tokenizer_config.json and special_tokens_map.json naming different pad tokens was
/// noted by the tokenizer reader and then shown by no command.
///
/// The folders are TestData/knowledge/families/pad-precedence (written by
/// generate_families.py; expected.json holds the pad token transformers' AutoTokenizer uses)
/// beside a 296 × 2 matrix (the vocabulary's 296 ids; `len(tokenizer)` is 296 in
/// transformers) whose row i is (i + 1, 1): no row is zero.
@Suite struct TokenizerPadNotesCLITests {
    static let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")

    /// The case's files beside `model.safetensors`, and transformers' pad token and id for it.
    static func folder(_ name: String) throws -> (path: String, padToken: String, padID: Int) {
        let root = "knowledge/families/pad-precedence"
        let cases = try #require((try Fixtures.json(root + "/expected.json") as? [String: Any])?["cases"] as? [String: Any])
        let expected = try #require(cases[name] as? [String: Any])
        let dir = try Fixtures.temporaryDirectory()
        for file in try FileManager.default.contentsOfDirectory(atPath: Fixtures.path(root + "/" + name)) {
            try FileManager.default.copyItem(atPath: Fixtures.path(root + "/" + name + "/" + file), toPath: dir.path + "/" + file)
        }
        var bytes: [UInt8] = []
        for i in 0..<296 {
            for x in [Float(i + 1), 1] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
        }
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32, shape: [296, 2], bytes: bytes)
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        return (dir.path, try #require(expected["pad_token"] as? String), try #require(expected["pad_token_id"] as? Int))
    }

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// `audit --format json`'s findings of `rule` (the report checked against its schema).
    static func auditFindings(_ path: String, rule: String) throws -> [[String: Any]] {
        let report = try json(["audit", path, "--format", "json"])
        #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [])
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }

    @Test("tokenizer_config.json's pad token overridden by special_tokens_map.json's: noted by padding, tokens and audit")
    func mapOverridesConfig() throws {
        let (path, padToken, padID) = try Self.folder("config-vs-map")
        // transformers uses the map's "</s>" (id 2), not the config's "<s>".
        #expect(padToken == "</s>" && padID == 2)
        let note = "\(path)/special_tokens_map.json sets pad_token to \"</s>\", overriding \"<s>\" from \(path)/tokenizer_config.json, as transformers does"

        let padding = try Self.json(["padding", path, "--json"])
        #expect((padding["notes"] as? [String])?.contains(note) == true, "\(padding["notes"] ?? "none")")
        #expect((padding["embeddings"] as? [[String: Any]])?.first?["pad_id"] as? Int == padID)
        #expect(try CLI.run(["padding", path]).stdout.contains("note: " + note))

        let tokens = try Self.json(["tokens", path, "--json"])
        #expect((tokens["notes"] as? [String])?.contains(note) == true, "\(tokens["notes"] ?? "none")")
        #expect((tokens["tokenizer"] as? [String: Any])?["pad_id"] as? Int == padID)
        #expect(try CLI.run(["tokens", path]).stdout.contains("note: " + note))

        // The config's pad token is a source of the pad id that was not used.
        let ignored = try Self.auditFindings(path, rule: "pad-id-source-ignored")
        #expect(ignored.map { $0["message"] as? String } == [note], "\(ignored)")
        #expect(ignored.first?["severity"] as? String == "info")
        let evidence = ignored.first?["evidence"] as? [String: Any]
        #expect(Fixtures.number(evidence?["pad_id"] as Any) == Double(padID))
        #expect(evidence?["pad_id_source"] as? String == "tokenizer")
        // Row 2 is (3, 1): the pad row was checked.
        #expect(try Self.auditFindings(path, rule: "padding-row-nonzero").count == 1)
        #expect(try Self.auditFindings(path, rule: "padding-unchecked").isEmpty)
        #expect(try CLI.run(["audit", path]).stdout.contains(note))
    }

    @Test("special_tokens_map.json beside a tokenizer_config.json with added_tokens_decoder: transformers ignores it, and audit says so")
    func mapIgnored() throws {
        let (path, padToken, padID) = try Self.folder("decoder-ignores-map")
        // transformers keeps the config's "<s>" (id 1) and never reads the map's "</s>".
        #expect(padToken == "<s>" && padID == 1)
        let note = "\(path)/special_tokens_map.json names another pad token, but transformers ignores it because \(path)/tokenizer_config.json has added_tokens_decoder"
        let padding = try Self.json(["padding", path, "--json"])
        #expect((padding["notes"] as? [String])?.contains(note) == true, "\(padding["notes"] ?? "none")")
        #expect((padding["embeddings"] as? [[String: Any]])?.first?["pad_id"] as? Int == padID)
        #expect((try Self.json(["tokens", path, "--json"])["notes"] as? [String])?.contains(note) == true)
        let ignored = try Self.auditFindings(path, rule: "pad-id-source-ignored")
        #expect(ignored.map { $0["message"] as? String } == [note], "\(ignored)")
        #expect(Fixtures.number((ignored.first?["evidence"] as? [String: Any])?["pad_id"] as Any) == Double(padID))
    }

    @Test("a tokenizer note about another role is printed by padding and tokens, and is no pad-id-source-ignored finding")
    func otherRoleIsNotAPadSource() throws {
        // Hand-written: the two files agree on the pad token and disagree on bos_token.
        let (path, _, _) = try Self.folder("padding-only")
        try Data(#"{"tokenizer_class": "LlamaTokenizerFast", "bos_token": "<s>"}"#.utf8)
            .write(to: URL(fileURLWithPath: path + "/tokenizer_config.json"))
        try Data(#"{"bos_token": "<unk>"}"#.utf8).write(to: URL(fileURLWithPath: path + "/special_tokens_map.json"))
        let note = "\(path)/special_tokens_map.json sets bos_token to \"<unk>\", overriding \"<s>\" from \(path)/tokenizer_config.json, as transformers does"
        #expect((try Self.json(["padding", path, "--json"])["notes"] as? [String])?.contains(note) == true)
        #expect((try Self.json(["tokens", path, "--json"])["notes"] as? [String])?.contains(note) == true)
        // The pad token comes from tokenizer.json's padding section alone: nothing was left out.
        #expect(try Self.auditFindings(path, rule: "pad-id-source-ignored").isEmpty)
    }

    @Test("a GGUF tokenizer.ggml.padding_token_id that is no integer is pad-id-source-ignored; the other unusable ids are no finding")
    func ggufUnusablePaddingID() throws {
        // generate.py in TestData/gguf-tokens writes the keys with these values (expected.json "noted").
        let file = Fixtures.path("gguf-tokens/ids-unusable.gguf")
        let noted = try #require((try Fixtures.json("gguf-tokens/expected.json") as? [String: Any])
            .flatMap { $0["ids-unusable.gguf"] as? [String: Any] }?["noted"] as? [String: String])
        let value = try #require(noted["tokenizer.ggml.padding_token_id"])
        let ignored = try Self.auditFindings(file, rule: "pad-id-source-ignored")
        #expect(ignored.count == 1, "\(ignored)")
        let message = ignored.first?["message"] as? String ?? ""
        #expect(message.hasPrefix("\(file): tokenizer.ggml.padding_token_id is \(value), not a token id"), "\(message)")
        #expect(try Self.auditFindings(file, rule: "padding-unchecked").count == 1)
    }

    @Test("tokenizer_config.json's pad_token null is a pad id source that declares no pad token")
    func configNull() throws {
        // Hand-written: the only pad token source besides tokenizer_config.json's null is none.
        let (path, _, _) = try Self.folder("config-vs-map")
        try FileManager.default.removeItem(atPath: path + "/special_tokens_map.json")
        try Data(#"{"tokenizer_class": "LlamaTokenizerFast", "pad_token": null}"#.utf8)
            .write(to: URL(fileURLWithPath: path + "/tokenizer_config.json"))
        let note = "\(path)/tokenizer_config.json sets pad_token to null"
        let ignored = try Self.auditFindings(path, rule: "pad-id-source-ignored")
        #expect(ignored.map { $0["message"] as? String } == [note], "\(ignored)")
        #expect((ignored.first?["evidence"] as? [String: Any])?["pad_id"] == nil)
        let unchecked = try Self.auditFindings(path, rule: "padding-unchecked")
        #expect((unchecked.first?["evidence"] as? [String: Any])?["reason"] as? String == "no-pad-token", "\(unchecked)")
    }
}
