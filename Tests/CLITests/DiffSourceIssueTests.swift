import Foundation
import Testing
import TestSupport

/// `diff` of checkpoints whose layout is broken: each side's source issues are listed, and an
/// error-level one fails the run. The fixtures are `TestData/sources` (generate_sources.py):
/// `sharded-ok` holds a, b, c; `duplicate-tensor-differs` holds b in both shards, the second
/// copy doubled (the copy transformers loads: the shard that sorts last, hunt-52a D9);
/// `missing-shard-held` indexes c to a missing shard and stores it in shard 1.
@Suite struct DiffSourceIssueTests {
    let sound = Fixtures.path("sources/sharded-ok")

    func json(_ arguments: [String]) throws -> (CLIResult, [String: Any]) {
        let result = try CLI.run(arguments + ["--json"])
        return (result, (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:])
    }

    @Test("a tensor in two shards whose copies differ: not verified, exit 1 (it said 'B matches A', exit 0)")
    func tensorInTwoShards() throws {
        let twice = Fixtures.path("sources/duplicate-tensor-differs")
        let text = try CLI.run(["diff", sound, twice])
        #expect(text.status == 1, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("source issues in B:\n  error [tensor-in-two-shards] 1 tensor(s) present in 2 shards"), "\(text.stdout)")
        #expect(!text.stdout.contains("source issues in A:"), "\(text.stdout)")
        // b is compared from the copy transformers loads, shard 2's doubled one: B differs.
        #expect(text.stdout.hasSuffix("B DIFFERS from A (1 exceeding, 1 source error in B)\n"), "\(text.stdout)")

        let (result, report) = try json(["diff", sound, twice])
        #expect(result.status == 1)
        let issues = try #require(report["source_issues_b"] as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(issues.first?["rule"] as? String == "tensor-in-two-shards")
        #expect(issues.first?["severity"] as? String == "error")
        #expect(issues.first?["tensors"] as? [String] == ["b"])
        #expect((report["source_issues_a"] as? [Any])?.isEmpty == true)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["source_errors"] as? Int == 1)
        // The copy read is the one transformers loads (shard 2's, doubled), so the values differ
        // too; before hunt-52a D9 the first shard's copy was read and "agreed".
        #expect(report["exceeds_tolerance"] as? Bool == true)
    }

    @Test("the same checkpoint on both sides counts each side's source error")
    func bothSides() throws {
        let twice = Fixtures.path("sources/duplicate-tensor")
        let text = try CLI.run(["diff", twice, twice])
        #expect(text.status == 1)
        #expect(text.stdout.contains("source issues in A:") && text.stdout.contains("source issues in B:"), "\(text.stdout)")
        #expect(text.stdout.hasSuffix("B NOT VERIFIED against A (1 source error in A, 1 source error in B)\n"), "\(text.stdout)")
    }

    @Test("a NaN mismatch beside a source error: B DIFFERS, not NOT VERIFIED; summary.passed is the exit status")
    func nanMismatchAndSourceError() throws {
        // duplicate-tensor (b in both shards) with a[0] set to NaN in shard 1, found through
        // Foundation's JSON parser (A, sharded-ok, holds a number there).
        let dir = try Fixtures.copyOfFolder("sources/duplicate-tensor")
        let shard = dir.appendingPathComponent("model-00001-of-00002.safetensors")
        var bytes = Array(try Data(contentsOf: shard))
        let start = try Fixtures.safetensorsEntry("a", in: bytes).range.lowerBound
        bytes.replaceSubrange(start ..< start + 4, with: [0x00, 0x00, 0xC0, 0x7F])
        try Data(bytes).write(to: shard)
        let text = try CLI.run(["diff", sound, dir.path])
        #expect(text.status == 1)
        #expect(text.stdout.hasSuffix("B DIFFERS from A (1 with NaN mismatches, 1 source error in B)\n"), "\(text.stdout)")
        let (_, report) = try json(["diff", sound, dir.path])
        #expect((report["summary"] as? [String: Any])?["passed"] as? Bool == false)
    }

    /// `diff sound B` where B's source issue `line` is listed and fails nothing: exit 0, the
    /// issue under "source issues in B:", the verdict "B matches A"; returns the JSON summary.
    func listedAndPassing(_ fixture: String, line: String) throws -> [String: Any] {
        let b = Fixtures.path(fixture)
        let text = try CLI.run(["diff", sound, b])
        #expect(text.status == 0, "\(text.stdout)")
        #expect(text.stdout.contains("source issues in B:\n  " + line), "\(text.stdout)")
        #expect(text.stdout.hasSuffix("B matches A within tolerance\n"), "\(text.stdout)")
        let (_, report) = try json(["diff", sound, b])
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["source_errors"] as? Int == 0)
        return summary
    }

    @Test("an error-level source issue that does not say which bytes a name reads (index-total-size) is listed and fails nothing")
    func errorThatDoesNotFail() throws {
        let summary = try listedAndPassing("sources/total-size-impossible", line: "error [index-total-size]")
        #expect(summary["source_errors"] as? Int == 0 && summary["passed"] as? Bool == true)
        // And the failing kind: passed false with exceeds_tolerance false.
        let (_, twice) = try json(["diff", sound, Fixtures.path("sources/duplicate-tensor")])
        #expect((twice["summary"] as? [String: Any])?["passed"] as? Bool == false && twice["exceeds_tolerance"] as? Bool == false)
    }

    @Test("a warning-level source issue is listed and does not fail the run")
    func warningOnly() throws {
        let summary = try listedAndPassing("sources/stray-shard", line: "warning [stray-shard] \"model-old.safetensors\" sits beside the index")
        #expect(summary["source_errors"] as? Int == 0)
    }

    @Test("a missing shard's tensor stored in another shard is said to be read from there")
    func missingShardHeldElsewhere() throws {
        let held = Fixtures.path("sources/missing-shard-held")
        let (result, report) = try json(["diff", sound, held])
        #expect(result.status == 1)
        // c was compared: it is read from shard 1.
        let names = (report["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["a", "b", "c"])
        let issue = try #require((report["source_issues_b"] as? [[String: Any]])?.first)
        #expect(issue["rule"] as? String == "missing-shard")
        let message = try #require(issue["message"] as? String)
        #expect(message.hasSuffix("is missing; 1 of its 1 tensor is in another shard, where the index does not place it, "
            + "and is read from there (a loader that follows the index fails)"), "\(message)")
        #expect((issue["evidence"] as? [String: Any])?["found_elsewhere"] as? [String] == ["c"])

        // Without a copy elsewhere the message is as before, with the count's grammar.
        let missing = try CLI.run(["inspect", Fixtures.path("sources/missing-shard")])
        #expect(missing.stdout.contains("is missing; its 1 tensor cannot be checked"), "\(missing.stdout)")
    }

    @Test("names only one side has are quoted: a tensor named 'a, b' is one name")
    func onlyInListsQuoted() throws {
        func file(_ name: String) throws -> String {
            try Fixtures.temporaryFile(Array(#"{"\#(name)":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#.utf8).withLengthPrefix + [0, 0, 128, 63])
        }
        let text = try CLI.run(["diff", try file("a, b"), try file("c")])
        #expect(text.status == 1)
        #expect(text.stdout.contains("only in A: \"a, b\"\n"), "\(text.stdout)")
        #expect(text.stdout.contains("only in B: \"c\"\n"), "\(text.stdout)")
    }
}

private extension Array where Element == UInt8 {
    /// A safetensors file's bytes: this header with its 8-byte little-endian length before it.
    var withLengthPrefix: [UInt8] { Swift.withUnsafeBytes(of: UInt64(count).littleEndian, Array.init) + self }
}
