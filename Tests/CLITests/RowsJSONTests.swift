import Foundation
import Testing
import TestSupport

/// `rows --json` writes its tensor list one summary at a time; `rows --ndjson` renders each
/// summary as a whole JSON value. Both must describe the same tensors with the same members.
@Suite struct RowsJSONTests {
    @Test("rows --json lists exactly the summaries rows --ndjson prints, in order, with sorted keys",
          arguments: ["toy-bert", "gguf-cli/llama-q4_0.gguf", "edge/empty-tensors.safetensors", "edge/unicode-names.safetensors", "edge/empty-header.safetensors"])
    func jsonMatchesNDJSON(fixture: String) throws {
        let path = Fixtures.path(fixture)
        let json = try CLI.run(["rows", path, "--json"])
        let lines = try CLI.run(["rows", path, "--ndjson"])
        #expect(json.status == 0 && lines.status == 0, "\(json.stderr)\(lines.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(report["schema_version"] as? Int == 1)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let summaries = try lines.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(tensors.count == summaries.count)
        for (listed, line) in zip(tensors, summaries) {
            #expect(NSDictionary(dictionary: listed).isEqual(to: line), "\(listed["tensor"] ?? "?")")
        }
        // Top-level keys in sorted order, each on its own line at one level of indentation.
        let keys = json.stdout.split(separator: "\n").filter { $0.hasPrefix("  \"") && !$0.hasPrefix("   ") }
            .map { String($0.dropFirst(3).prefix { $0 != "\"" }) }
        #expect(keys == ["findings", "schema_version", "skipped", "tensors"])
    }
}
