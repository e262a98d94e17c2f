import Foundation
import Testing
import TestSupport

/// A name stored in two shards (`TestData/sharded-duplicate`, generate.py): transformers 5.25
/// reads the index's shards sorted by name, a later copy replacing an earlier one, so it loads
/// the copy in the shard that sorts last, wherever the index maps the name (`expected.json`
/// records what `from_pretrained` loaded). hunt-52a D9: `diff` compared the first shard's copy
/// (index order), and `rows` showed it. The source error stays (another loader may read the
/// other copy); the numbers are the loaded copy's, in every command.
@Suite struct ShardedDuplicateTests {
    static let root = "sharded-duplicate"

    static func expected() throws -> [String: Any] {
        try #require(try Fixtures.json("\(root)/expected.json") as? [String: Any])
    }

    @Test("diff against the whole model: exit 1 (source error), and model.norm.weight's numbers are the copy transformers loads",
          arguments: ["index-first", "index-last", "reversed", "unsorted"])
    func diffReadsTheLoadedCopy(folder: String) throws {
        let all = try Self.expected()
        let truth = try #require(all[folder] as? [String: Any])
        let name = try #require(all["tensor"] as? String)
        let result = try CLI.run(["diff", Fixtures.path("\(Self.root)/single"), Fixtures.path("\(Self.root)/\(folder)"), "--json"])
        #expect(result.status == 1, "\(result.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let issue = try #require((report["source_issues_b"] as? [[String: Any]])?.first)
        #expect(issue["rule"] as? String == "tensor-in-two-shards")
        let holders = try #require(truth["shards_holding"] as? [String])
        #expect((issue["evidence"] as? [String: Any])?["loaded_from"] as? String == holders.last)
        let tensor = try #require((report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == name })
        let maxDiff = try #require(tensor["max_abs_diff"] as? Double)
        // from_pretrained's copy equals single/'s in every parameter, or is the 7.0-filled one.
        if truth["loaded_equals_single"] as? Bool == true {
            #expect(maxDiff == 0, "\(tensor)")
            #expect((report["summary"] as? [String: Any])?["exceeding"] as? Int == 0)
        } else {
            #expect(truth["loaded_value"] as? Double == all["copy_value"] as? Double)
            #expect(maxDiff > 0, "\(tensor)")
        }
    }

    @Test("rows, inspect and audit read the same copy: one model.norm.weight, of the loaded values",
          arguments: ["index-first", "reversed", "unsorted"])
    func everyCommandAgrees(folder: String) throws {
        let all = try Self.expected()
        let truth = try #require(all[folder] as? [String: Any])
        let name = try #require(all["tensor"] as? String)
        let path = Fixtures.path("\(Self.root)/\(folder)")
        let rows = try CLI.json(["rows", path, "--tensor", name])
        let first = try #require(((rows["rows"] as? [[String: Any]])?.first))
        let loaded = try #require(truth["loaded_value"] as? Double)
        if truth["loaded_is_real"] as? Bool == true {
            #expect(first["max"] as? Double != 7.0, "\(first)")
        } else {
            #expect(first["min"] as? Double == loaded && first["max"] as? Double == loaded, "\(first)")
        }
        let inspect = try CLI.json(["inspect", path])
        let listed = (inspect["tensors"] as? [[String: Any]] ?? []).filter { $0["name"] as? String == name }
        #expect(listed.count == 1)
        let holders = try #require(truth["shards_holding"] as? [String])
        #expect((listed.first?["file"] as? String)?.hasSuffix("/" + (holders.last ?? "")) == true, "\(listed)")
        let audit = try CLI.run(["audit", path, "--json"])
        #expect(audit.status == 1)
        #expect(audit.stdout.contains("so it loads the copy in \(holders.last ?? ""), the one analysed here"), "\(audit.stdout)")
    }
}
