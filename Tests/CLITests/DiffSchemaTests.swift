import Foundation
import Testing
import TestSupport

/// `diff --json` against its committed JSON Schema (`schemas/diff-report.schema.json`), as the
/// audit report is checked against its own: reports that ran (identical, exceeding, shape and
/// dtype changes, tied copies both ways round, source issues, llama's q/k row order, non-finite
/// numbers written as strings, a RoBERTa position table's row offset, a state-space layer's regrouped tensors, Gemma 3n's padded token tables) and one
/// that could not read its input.
@Suite struct DiffSchemaTests {
    static let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/diff-report.schema.json")

    static let pairs: [(String, String)] = [
        ("diff/source-f32.safetensors", "diff/export-modified.safetensors"),
        ("diff/source-f32.safetensors", "diff/export-bf16.safetensors"),
        ("diff-tied-copies/bert/A", "diff-tied-copies/bert/B"),
        ("diff-tied-copies/t5/B", "diff-tied-copies/t5/A"),
        ("sources/duplicate-tensor-differs", "sources/duplicate-tensor"),
        ("gguf-rope/hub", "gguf-rope/llama-q8_0.gguf"),
        ("gguf-bert-family/roberta", "gguf-bert-family/roberta-misaligned.gguf"),
        ("gguf-ssm/mamba2", "gguf-ssm/mamba2-f32.gguf"),
        ("gguf-gemma3n/gemma3n", "gguf-gemma3n/gemma3n-nonzero-pad-q8_0.gguf"),
        ("diff-f64-range/tiny.safetensors", "diff-f64-range/huge.safetensors"),
        ("bad/invalid-offset--overlap.safetensors", "diff/source-f32.safetensors"),
    ]

    @Test("every report, of a diff that ran or failed to read, is valid against the schema")
    func valid() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema)
        var seen: Set<String> = []
        for (a, b) in Self.pairs {
            let result = try CLI.run(["diff", Fixtures.path(a), Fixtures.path(b), "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(a) \(b)")
            #expect(check.violations(of: report) == [], "\(a) \(b)")
            if report["error"] is NSNull { seen.insert("ran") } else { seen.insert("error") }
            if result.stdout.contains("\"Infinity\"") || result.stdout.contains("\"NaN\"") { seen.insert("non-finite") }
            if result.stdout.contains("\"permuted\": true") { seen.insert("row order") }
            if result.stdout.contains("\"rows_skipped\": 2") { seen.insert("row offset") }
        }
        // The pairs reach what they are here for.
        #expect(seen == ["ran", "error", "non-finite", "row order", "row offset"])
    }

    @Test("the schema rejects what the README does not promise: an unknown key, a summary key missing, a side outside a/b/map")
    func rejects() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema)
        let ran = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["diff", Fixtures.path("diff/source-f32.safetensors"),
                                                                                       Fixtures.path("diff/export-bf16.safetensors"), "--json"]).stdout.utf8)) as? [String: Any])
        #expect(check.violations(of: ran) == [])
        var extra = ran
        extra["surprise"] = 1
        #expect(!check.violations(of: extra).isEmpty)
        var summary = try #require(ran["summary"] as? [String: Any])
        summary["passed"] = nil
        var missing = ran
        missing["summary"] = summary
        #expect(!check.violations(of: missing).isEmpty)
        var failed = try #require(try JSONSerialization.jsonObject(with: Data(try CLI.run(["diff", Fixtures.path("bad/invalid-offset--overlap.safetensors"),
                                                                                          Fixtures.path("diff/source-f32.safetensors"), "--json"]).stdout.utf8)) as? [String: Any])
        #expect(check.violations(of: failed) == [])
        var error = try #require(failed["error"] as? [String: Any])
        error["side"] = "c"
        failed["error"] = error
        #expect(!check.violations(of: failed).isEmpty)
    }
}
