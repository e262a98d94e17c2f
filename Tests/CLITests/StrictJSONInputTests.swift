import Foundation
import Testing
import TestSupport

/// The policy file and config.json are read by the strict JSON reader: what Foundation's
/// lenient parser let through (a duplicate key silently winning, a trailing comma) is an input
/// error, exit 2, naming the file.
@Suite struct StrictJSONInputTests {
    static let oddNames = Fixtures.path("edge/odd-names.safetensors")

    static func policy(_ text: String) throws -> String {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("policy.json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test("a duplicate \"severity\" key in a policy is exit 2, not a rule silently switched off")
    func duplicateSeverity() throws {
        // With the last value winning, nan-values would be off; the README promises a typo
        // cannot disable a check.
        let path = try Self.policy(#"{"rules": {"nan-values": {"severity": "error", "severity": "off"}}}"#)
        let result = try CLI.run(["audit", Self.oddNames, "--policy", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(path))
        #expect(result.stderr.contains("duplicate key \"severity\""))
    }

    @Test("a rule listed twice under \"rules\" is exit 2")
    func duplicateRule() throws {
        let path = try Self.policy(#"{"rules": {"outlier-rows": {"enabled": true}, "outlier-rows": {"enabled": false}}}"#)
        let result = try CLI.run(["audit", Self.oddNames, "--policy", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("duplicate key \"outlier-rows\""))
    }

    @Test("a trailing comma in a policy is exit 2", arguments: [
        #"{"rules": {"nan-values": {"severity": "error"},}}"#,
        #"{"fail_on": ["nan-values",]}"#,
    ])
    func trailingComma(text: String) throws {
        let path = try Self.policy(text)
        let result = try CLI.run(["audit", Self.oddNames, "--policy", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("invalid policy: not valid JSON"))
    }

    @Test("the same policy without the duplicate is accepted (the check is not over-eager)")
    func validPolicy() throws {
        let path = try Self.policy(#"{"rules": {"nan-values": {"severity": "error"}}, "fail_on": ["suspicious-name"]}"#)
        // odd-names has suspicious-name warnings: fail_on makes them fail, exit 1.
        #expect(try CLI.run(["audit", Self.oddNames, "--policy", path]).status == 1)
    }

    /// A copy of toy-bert's model beside a hand-written config.json.
    static func modelWithConfig(_ config: String) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"),
                                         toPath: dir.appendingPathComponent("model.safetensors").path)
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    @Test("config.json with a key twice, or a trailing comma, is exit 2 naming config.json", arguments: [
        (#"{"pad_token_id": 0, "pad_token_id": 1}"#, "twice"),
        (#"{"pad_token_id": 0,}"#, "not valid JSON"),
    ])
    func strictConfig(config: String, message: String) throws {
        let dir = try Self.modelWithConfig(config)
        let result = try CLI.run(["padding", dir])
        #expect(result.status == 2)
        #expect(result.stderr.contains("config.json"))
        #expect(result.stderr.contains(message))
    }

    @Test("a well-formed config.json still gives the pad id it states")
    func validConfig() throws {
        let dir = try Self.modelWithConfig(#"{"pad_token_id": 3, "model_type": "bert"}"#)
        let result = try CLI.run(["padding", dir, "--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let first = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(first["pad_id"] as? Int == 3)
        #expect(first["pad_id_source"] as? String == "config")
    }
}
