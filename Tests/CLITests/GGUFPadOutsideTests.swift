import Foundation
import Testing
import TestSupport

/// A GGUF `tokenizer.ggml.padding_token_id` that names no token of the list (−1, or 1000 of 8
/// tokens; TestData/gguf-tokens, written by gguf-py) is not used and is said so: `tokens` showed
/// `pad token "#-1" (id -1)` and `padding` then said the tokenizer declares no pad token.
@Suite struct GGUFPadOutsideTests {
    @Test("an id outside the token list is no pad token, and the note says why", arguments: ["pad-negative.gguf", "pad-beyond.gguf"])
    func notUsed(file: String) throws {
        let expected = try #require((try Fixtures.json("gguf-tokens/expected.json") as? [String: Any])?[file] as? [String: Any])
        let id = try #require(expected["padding_token_id"] as? Int), count = try #require(expected["tokens"] as? Int)
        let path = Fixtures.path("gguf-tokens/" + file)
        let result = try CLI.run(["tokens", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((report["tokenizer"] as? [String: Any])?["pad_id"] == nil || (report["tokenizer"] as? [String: Any])?["pad_id"] is NSNull,
                "\(report["tokenizer"] ?? "none")")
        let note = "\(path): tokenizer.ggml.padding_token_id \(id) is not a token id (\(count) tokens); not used"
        #expect((report["notes"] as? [String] ?? []).contains(note), "\(report["notes"] ?? "none")")
        #expect(!(try CLI.run(["tokens", path]).stdout.contains("(id \(id))")))
        // The audit's padding-unchecked finding agrees with that note: the tokenizer declared an
        // id, not a usable one (it said "declares no pad token"; adversarial test).
        let audit = try CLI.run(["audit", path, "--json"])
        let findings = try #require((try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]])
        let unchecked = try #require(findings.first { $0["rule"] as? String == "padding-unchecked" }?["message"] as? String, "\(findings)")
        #expect(unchecked.contains("the tokenizer declares no usable pad token") && !unchecked.contains("declares no pad token"), "\(unchecked)")
    }
}
