import Foundation
import Testing
import TestSupport

/// What `padding` says in its notes, `audit` says as findings: why no pad row was checked
/// (`padding-unchecked`) and which pad id sources were not used (`pad-id-source-ignored`).
/// Before, an audit kept none of the notes, and a report without `padding-row-nonzero` could
/// not tell a zero pad row from a pad row nobody looked at.
@Suite struct AuditPaddingNotesTests {
    static let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")

    /// The findings of `rule` in `audit ARGUMENTS --format json`, which must exit `status`.
    static func findings(_ arguments: [String], rule: String, status: Int32 = 0) throws -> [[String: Any]] {
        let result = try CLI.run(["audit"] + arguments + ["--format", "json"])
        #expect(result.status == status, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [])
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }

    /// A folder holding a 4 × 2 F32 `model.embed_tokens.weight` and `config`.
    static func folder(config: String) throws -> String {
        let values: [Float] = [0, 0, 1, 1, 2, 2, 3, 3]
        let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [4, 2], bytes: bytes)])
            .serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    @Test("GPT-2 (pad_token_id null, no tokenizer): no pad token found, and why, as findings")
    func noPadToken() throws {
        // The fixture's config.json says "pad_token_id": null; its one token matrix (by name) is wte.weight.
        let path = Fixtures.path("analysis/gpt2-toy")
        let unchecked = try Self.findings([path], rule: "padding-unchecked")
        #expect(unchecked.count == 1, "\(unchecked)")
        #expect(unchecked.first?["tensors"] as? [String] == ["wte.weight"])
        #expect(unchecked.first?["severity"] as? String == "info")
        #expect((unchecked.first?["evidence"] as? [String: Any])?["reason"] as? String == "no-pad-token")
        #expect((unchecked.first?["message"] as? String)?.hasPrefix("no pad token found") == true, "\(unchecked)")
        // audit takes a pad id from --pad-id or the policy file; padding from --pad-id alone.
        #expect((unchecked.first?["message"] as? String)?.hasSuffix("nothing analysed; use --pad-id or the --policy file's pad_id to choose a row") == true,
                "\(unchecked)")
        #expect(try CLI.run(["padding", path]).stdout.contains("nothing analysed; use --pad-id to choose a row"))
        let ignored = try Self.findings([path], rule: "pad-id-source-ignored")
        #expect(ignored.map { $0["message"] as? String }
            == ["\(path)/config.json sets pad_token_id to null: the config declares no pad token"])
        // With --pad-id the row is checked: the config's null is still a source not used.
        #expect(try Self.findings([path, "--pad-id", "3"], rule: "padding-unchecked").isEmpty)
        #expect(try Self.findings([path, "--pad-id", "3"], rule: "pad-id-source-ignored").count == 1)
        // The text report says it too.
        let text = try CLI.run(["audit", path])
        #expect(text.stdout.contains("padding-unchecked (1)") && text.stdout.contains("no pad token found"), "\(text.stdout)")
    }

    @Test("a pad id that is no row of the matrix: padding-unchecked names the matrix")
    func padIDOutOfRange() throws {
        // No tokenizer bounds config.json's id, so 9 is used, and the matrix has 4 rows.
        let path = try Self.folder(config: #"{"pad_token_id": 9}"#)
        let unchecked = try Self.findings([path], rule: "padding-unchecked")
        #expect(unchecked.count == 1, "\(unchecked)")
        #expect(unchecked.first?["tensors"] as? [String] == ["model.embed_tokens.weight"])
        let evidence = unchecked.first?["evidence"] as? [String: Any]
        #expect(evidence?["reason"] as? String == "pad-id-out-of-range")
        #expect(Fixtures.number(evidence?["pad_id"] as Any) == 9)
        #expect(try Self.findings([path], rule: "padding-row-nonzero").isEmpty)
    }

    @Test("sources that name another pad id than the one used are pad-id-source-ignored")
    func disagreeingSources() throws {
        // Row 0 is zero: no padding-row-nonzero; row 1, the config's pad row, is (1, 1).
        let path = try Self.folder(config: #"{"pad_token_id": 1}"#)
        let ignored = try Self.findings([path, "--pad-id", "0"], rule: "pad-id-source-ignored")
        #expect(ignored.count == 1, "\(ignored)")
        let message = ignored.first?["message"] as? String ?? ""
        #expect(message.hasPrefix("pad id 1 from pad_token_id in \(path)/config.json, but pad id 0 given with --pad-id is used"), "\(message)")
        let evidence = ignored.first?["evidence"] as? [String: Any]
        #expect(Fixtures.number(evidence?["pad_id"] as Any) == 0)
        #expect(evidence?["pad_id_source"] as? String == "flag")
        #expect(try Self.findings([path, "--pad-id", "0"], rule: "padding-unchecked").isEmpty)
        // Without the flag the config's id is used and nothing is left out.
        #expect(try Self.findings([path], rule: "pad-id-source-ignored").isEmpty)
    }

    @Test("a checkpoint without a token matrix says so, not 'no pad token found', when something says it reads tokens")
    func noTokenMatrix() throws {
        // stats.safetensors has no config.json and no tensor named like an embedding (and NaN
        // values: exit 1). Alone, nothing says it is a model of tokens (a vision model, an
        // adapter): no finding. Beside a config.json with vocab_size, or with a pad id given,
        // the missing matrix is news.
        #expect(try Self.findings([Fixtures.path("analysis/stats.safetensors")], rule: "padding-unchecked", status: 1).isEmpty)
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("analysis/stats.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type": "bert", "vocab_size": 1000}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
        for arguments in [[dir.path], [Fixtures.path("analysis/stats.safetensors"), "--pad-id", "0"]] {
            let unchecked = try Self.findings(arguments, rule: "padding-unchecked", status: 1)
            #expect(unchecked.count == 1, "\(arguments): \(unchecked)")
            #expect((unchecked.first?["evidence"] as? [String: Any])?["reason"] as? String == "no-token-matrix")
            #expect(unchecked.first?["tensors"] as? [String] == [])
        }
        // padding says the same.
        let padding = try CLI.run(["padding", Fixtures.path("analysis/stats.safetensors")])
        #expect(padding.stdout.contains("no embedding matrix found") && !padding.stdout.contains("no pad token found"), "\(padding.stdout)")
    }

    @Test("a token matrix without row statistics is statistics-skipped's, not also padding-unchecked's")
    func skippedMatrixIsNotRepeated() throws {
        // 1,048,577 one-byte rows: past the audit's row budget (see AuditCLITests.statisticsSkipped).
        let rows = (1 << 20) + 1
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [.init(name: "embed_tokens.weight", dtype: .u8,
            shape: [UInt64(rows), 1], bytes: [UInt8](repeating: 1, count: rows))]).serialize())
        #expect(try Self.findings([path, "--pad-id", "5"], rule: "padding-unchecked").isEmpty)
        #expect(try Self.findings([path, "--pad-id", "5"], rule: "statistics-skipped").count == 1)
    }
}
