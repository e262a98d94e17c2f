import Foundation
import Testing
import TestSupport

/// A policy file's `pad_id` is reported as coming from the policy, not from `--pad-id`.
/// Before, `audit --policy FILE` with `"pad_id": 2` said `pad_id_source: "flag"` and, in text,
/// "pad id 2 given with --pad-id": a claim about a flag nobody gave.
@Suite struct AuditPolicyPadIDTests {
    /// A folder with a 4 × 2 F32 `model.embed_tokens.weight` whose row i is (i, i) (row 0 zero,
    /// row 2 of norm √8 by hand), a config.json naming pad id 1, and a policy naming pad id 2.
    static func fixture() throws -> (folder: String, policy: String) {
        let values: [Float] = [0, 0, 1, 1, 2, 2, 3, 3]
        let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let dir = try Fixtures.temporaryDirectory()
        let model = dir.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data(SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [4, 2], bytes: bytes)])
            .serialize()).write(to: model.appendingPathComponent("model.safetensors"))
        try Data(#"{"pad_token_id": 1}"#.utf8).write(to: model.appendingPathComponent("config.json"))
        let policy = dir.appendingPathComponent("ci-policy.json")
        try Data(#"{"pad_id": 2}"#.utf8).write(to: policy)
        return (model.path, policy.path)
    }

    static func findings(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(["audit"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // The schema lists the pad id sources (`policy` among them).
        let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")
        #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [])
        return report["findings"] as? [[String: Any]] ?? []
    }

    static func evidence(_ findings: [[String: Any]], _ rule: String) -> [String: Any]? {
        findings.first { $0["rule"] as? String == rule }?["evidence"] as? [String: Any]
    }

    @Test("a policy's pad_id: pad_id_source policy, and the sentences name the policy file")
    func policyPadID() throws {
        let (folder, policy) = try Self.fixture()
        let findings = try Self.findings([folder, "--policy", policy])
        let pad = try #require(Self.evidence(findings, "padding-row-nonzero"), "\(findings)")
        #expect(Fixtures.number(pad["pad_id"] as Any) == 2)
        #expect(pad["pad_id_source"] as? String == "policy")
        #expect(closeEnough(Fixtures.number(pad["row_norm"] as Any) ?? .nan, 8.0.squareRoot()))
        // The config's id 1 was not used, because of the policy.
        let ignored = findings.filter { $0["rule"] as? String == "pad-id-source-ignored" }.compactMap { $0["message"] as? String }
        #expect(ignored == ["pad id 1 from pad_token_id in \(folder)/config.json, but pad id 2 given by pad_id in \(policy) is used"],
                "\(ignored)")
        #expect(Self.evidence(findings, "pad-id-source-ignored")?["pad_id_source"] as? String == "policy")
    }

    @Test("--pad-id wins over the policy and is reported as the flag")
    func flagOverPolicy() throws {
        let (folder, policy) = try Self.fixture()
        let findings = try Self.findings([folder, "--policy", policy, "--pad-id", "3"])
        let pad = try #require(Self.evidence(findings, "padding-row-nonzero"), "\(findings)")
        #expect(Fixtures.number(pad["pad_id"] as Any) == 3)
        #expect(pad["pad_id_source"] as? String == "flag")
        // The policy's id it overrides is a source not used, named as config.json's is.
        let ignored = findings.filter { $0["rule"] as? String == "pad-id-source-ignored" }.compactMap { $0["message"] as? String }
        #expect(ignored.contains("pad id 2 given by pad_id in \(policy), but pad id 3 given with --pad-id is used"), "\(ignored)")
        #expect(ignored.contains { $0.hasPrefix("pad id 1 from pad_token_id in") }, "\(ignored)")
    }

    @Test("the policy's pad_id in SARIF and text output says policy too")
    func otherFormats() throws {
        let (folder, policy) = try Self.fixture()
        let sarif = try CLI.run(["audit", folder, "--policy", policy, "--format", "sarif"])
        #expect(sarif.stdout.contains("\"pad_id_source\": \"policy\"") || sarif.stdout.contains("\"pad_id_source\" : \"policy\""),
                "\(sarif.stdout.prefix(4000))")
        #expect(!sarif.stdout.contains("given with --pad-id"), "\(sarif.stdout.prefix(4000))")
        let text = try CLI.run(["audit", folder, "--policy", policy])
        #expect(text.stdout.contains("pad_id_source=policy") && !text.stdout.contains("given with --pad-id"), "\(text.stdout)")
    }
}
