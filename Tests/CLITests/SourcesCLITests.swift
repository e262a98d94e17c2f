import Foundation
import Testing
import TestSupport

/// Every command input kind through the CLI: exit codes and the JSON `source` keys.
@Suite struct SourcesCLITests {
    func report(_ arguments: [String]) throws -> (CLIResult, [String: Any]) {
        let result = try CLI.run(arguments)
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    @Test("inspect reports the source kind", arguments: [
        ("toy-bert/model.safetensors", "file"), ("toy-bert", "directory"), ("toy-bert-sharded", "sharded"),
        ("toy-bert-sharded/model.safetensors.index.json", "sharded"), ("sources/zstd/long31.safetensors.zst", "zstd"),
        ("sources/dir-single", "directory"),
    ])
    func kinds(relative: String, kind: String) throws {
        let (result, json) = try report(["inspect", Fixtures.path(relative), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((json["source"] as? [String: Any])?["kind"] as? String == kind)
        #expect((json["source_issues"] as? [Any])?.isEmpty == true)
    }

    @Test("source issues appear in inspect JSON with rule, severity and tensors (no `level`)")
    func issues() throws {
        let (result, json) = try report(["inspect", Fixtures.path("sources/missing-shard"), "--json"])
        #expect(result.status == 0)
        let issues = try #require(json["source_issues"] as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(issues.first?["rule"] as? String == "missing-shard")
        #expect(issues.first?["severity"] as? String == "error")
        #expect(issues.first?["level"] == nil)
        #expect(issues.first?["tensors"] as? [String] == ["c"])
        let text = try CLI.run(["inspect", Fixtures.path("sources/missing-shard")])
        #expect(text.stdout.contains("error [missing-shard]"))
    }

    @Test("unusable sources exit 2 with one line naming the path", arguments: [
        "sources/invalid-json", "sources/not-an-index", "sources/dir-ambiguous", "sources/dir-empty",
        "sources/zstd/truncated.safetensors.zst", "sources/zstd/not-zstd.safetensors.zst", "sources/no-such-folder",
    ])
    func unusable(relative: String) throws {
        let result = try CLI.run(["inspect", Fixtures.path(relative)])
        #expect(!result.crashed)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("tensoraudit: error: \(Fixtures.path(relative))"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("a corrupt .zst fails audit (decoded alongside the scan) exactly as it fails inspect (decoded first)")
    func corruptZstdAudit() throws {
        var bytes = [UInt8](try Fixtures.data("sources/zstd/model.safetensors.zst"))
        bytes[bytes.count * 2 / 3] ^= 0xFF  // inside a compressed block; the frame checksum catches it
        let path = try Fixtures.temporaryFile(bytes, name: "corrupt.safetensors.zst")
        let audit = try CLI.run(["audit", path, "--format", "json"])
        let inspect = try CLI.run(["inspect", path])
        #expect(!audit.crashed)
        #expect(audit.status == 2)
        // No report computed from partial data: the report written is the error report.
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        #expect((report["error"] as? [String: Any])?["kind"] as? String == "decompression")
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        #expect(audit.stderr.hasPrefix("tensoraudit: error: \(path): "), "\(audit.stderr)")
        #expect(audit.stderr.split(separator: "\n").count == 1)
        #expect(audit.stderr == inspect.stderr)
    }

    @Test("the environment variable lowers the decompression cap")
    func capFromEnvironment() throws {
        let path = Fixtures.path("sources/zstd/bomb.safetensors.zst")
        let capped = try CLI.run(["inspect", path], environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": "65536"])
        #expect(capped.status == 2)
        #expect(capped.stderr.contains("cap of 65536 bytes"))
    }

    /// The README: a decimal byte count from 1 to 64 GiB; anything else is an error, never the
    /// default in silence. `+65536` passed before (hunt-53a D7: Swift's `UInt64("+5")` is 5).
    @Test("a cap that is not decimal digits is an error naming the value, exit 2", arguments: ["+65536", " 65536", "0x10000", "1e5", "-1", "0", ""])
    func capNotDigits(value: String) throws {
        let result = try CLI.run(["inspect", Fixtures.path("toy-bert")], environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": value])
        #expect(result.status == 2, "\(value)")
        #expect(result.stderr.contains("\"\(value)\" is not a byte count from 1 to"), "\(value): \(result.stderr)")
    }

    /// A copy of toy-bert-sharded whose index names shard 1 by a second spelling for one
    /// tensor: `./model-00001-of-00003.safetensors`, or `alias.safetensors`, a link to it.
    func respelled(_ second: String, linking: Bool, everyEntry: Bool = false) throws -> String {
        let source = Fixtures.path("toy-bert-sharded")
        let folder = try Fixtures.temporaryDirectory()
        for name in try FileManager.default.contentsOfDirectory(atPath: source) where name != "model.safetensors.index.json" {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        if linking {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(second).path,
                                                       withDestinationPath: "model-00001-of-00003.safetensors")
        }
        let index = try String(contentsOfFile: source + "/model.safetensors.index.json", encoding: .utf8)
        let entry = "\"bert.embeddings.position_embeddings.weight\": \"model-00001-of-00003.safetensors\""
        #expect(index.contains(entry))
        // `everyEntry`: shard 1 is named only by the second spelling (it was a stray shard).
        let changed = everyEntry ? index.replacingOccurrences(of: "\"model-00001-of-00003.safetensors\"", with: "\"\(second)\"")
            : index.replacingOccurrences(of: entry, with: "\"bert.embeddings.position_embeddings.weight\": \"\(second)\"")
        try Data(changed.utf8).write(to: folder.appendingPathComponent("model.safetensors.index.json"))
        return folder.path
    }

    @Test("a shard the index names by two spellings (./x, or a link to x) is one shard: the audit of the plain folder",
          arguments: [("./model-00001-of-00003.safetensors", false, false), ("alias.safetensors", true, false),
                      ("./model-00001-of-00003.safetensors", false, true), ("alias.safetensors", true, true)])
    func shardByTwoSpellings(second: String, linking: Bool, everyEntry: Bool) throws {
        let plain = Fixtures.path("toy-bert-sharded")
        let folder = try respelled(second, linking: linking, everyEntry: everyEntry)
        for command in [["audit", "--json"], ["ties", "--json"], ["inspect", "--json"]] {
            let expected = try CLI.run([command[0], plain] + command.dropFirst())
            let result = try CLI.run([command[0], folder] + command.dropFirst())
            #expect(result.status == expected.status, "\(command): \(result.stderr)")
            // The same report but for the folder's path and, where the shard was opened by the
            // second spelling (every entry uses it), the path of that shard.
            let shown = result.stdout.replacingOccurrences(of: folder + "/./", with: plain + "/")
                .replacingOccurrences(of: folder + "/alias.safetensors", with: plain + "/model-00001-of-00003.safetensors")
                .replacingOccurrences(of: folder, with: plain)
            #expect(shown == expected.stdout, "\(command)")
        }
        let audit = try CLI.run(["audit", folder])
        #expect(!audit.stdout.contains("tensor-in-two-shards") && !audit.stdout.contains("index-total-size")
                && !audit.stdout.contains("stray-shard"), "\(audit.stdout)")
    }
}
