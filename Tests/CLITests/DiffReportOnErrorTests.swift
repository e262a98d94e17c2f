import Foundation
import Testing
import TestSupport

/// The CI path of `diff`: with `--json` (or `--output`) an input that cannot be read still gets
/// a report, carrying the error and which input it concerns, exit 2 — as `audit` does. Before,
/// `diff --json A broken > report.json` left an empty file, which a CI step's JSON parser
/// failed on, hiding the real error.
@Suite struct DiffReportOnErrorTests {
    static let invalid = Fixtures.path("bad/invalid-offset--overlap.safetensors")
    static let valid = Fixtures.path("diff/source-f32.safetensors")

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("an unreadable B with --json: the error on stdout as JSON, side b, passed false, nothing compared; exit 2")
    func unreadableB() throws {
        let result = try CLI.run(["diff", Self.valid, Self.invalid, "--json"])
        #expect(result.status == 2)
        let report = try Self.object(result.stdout)
        #expect(report["schema_version"] as? Int == 1)
        #expect(report["a"] as? String == Self.valid && report["b"] as? String == Self.invalid)
        let error = try #require(report["error"] as? [String: Any])
        #expect(error["kind"] as? String == "invalid-offset")
        #expect(error["side"] as? String == "b")
        #expect(error["path"] as? String == Self.invalid)
        #expect((error["message"] as? String)?.hasPrefix(Self.invalid + ": ") == true)
        #expect((report["tensors"] as? [Any])?.isEmpty == true)
        let summary = try #require(report["summary"] as? [String: Any])
        #expect(summary["passed"] as? Bool == false)
        #expect(summary.filter { $0.key != "passed" }.allSatisfy { ($0.value as? Int) == 0 })
        // The stderr line is the usual one, once.
        #expect(result.stderr.split(separator: "\n").map(String.init) == ["tensoraudit: error: \(error["message"] as? String ?? "")"])
    }

    @Test("the error report's summary has exactly the keys of a report that ran, which says error null")
    func sameSummaryKeys() throws {
        let failed = try Self.object(try CLI.run(["diff", Self.invalid, Self.valid, "--json"]).stdout)
        let ran = try CLI.run(["diff", Self.valid, Self.valid, "--json"])
        #expect(ran.status == 0)
        let report = try Self.object(ran.stdout)
        #expect(report["error"] is NSNull)
        let keys = { (object: [String: Any]) in Set(((object["summary"] as? [String: Any]) ?? [:]).keys) }
        #expect(keys(failed) == keys(report) && keys(report).count == 12)
        #expect((failed["error"] as? [String: Any])?["side"] as? String == "a")
    }

    @Test("an invalid --map is side map, written to --output with the summary line on stderr")
    func invalidMap() throws {
        let dir = try Fixtures.temporaryDirectory()
        let map = dir.appendingPathComponent("map.json")
        try Data("{".utf8).write(to: map)
        let file = dir.appendingPathComponent("report.json").path
        let result = try CLI.run(["diff", Self.valid, Self.valid, "--map", map.path, "--json", "--output", file])
        #expect(result.status == 2)
        let report = try Self.object(String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self))
        let error = try #require(report["error"] as? [String: Any])
        #expect(error["kind"] as? String == "invalid-map" && error["side"] as? String == "map")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.last == "tensoraudit: diff ERROR: the input could not be read (exit 2); json report written to \(file)")
    }

    @Test("text: nothing on stdout without --output; with it, the file names the error and the side")
    func text() throws {
        let bare = try CLI.run(["diff", Self.valid, Self.invalid])
        #expect(bare.status == 2 && bare.stdout.isEmpty)
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.txt").path
        #expect(try CLI.run(["diff", Self.valid, Self.invalid, "--output", file]).status == 2)
        let text = String(decoding: try #require(FileManager.default.contents(atPath: file)), as: UTF8.self)
        #expect(text.contains("error (invalid-offset) (in B): \(Self.invalid): "))
        #expect(text.hasSuffix("ERROR: the input could not be read; nothing was compared (exit 2)\n"))
    }

    @Test("a side that does not exist: an existing file in its folder is never replaced; an input itself never")
    func guards() throws {
        let dir = try Fixtures.temporaryDirectory()
        let weights = dir.appendingPathComponent("model.safetensors")
        try Fixtures.data("diff/source-f32.safetensors").write(to: weights)
        let kept = try Data(contentsOf: weights)
        // B missing in the folder that holds the --output target: its files are unknown.
        let missing = dir.appendingPathComponent("missing.safetensors").path
        let result = try CLI.run(["diff", Self.valid, missing, "--json", "--output", weights.path])
        #expect(result.status == 2)
        #expect(try Data(contentsOf: weights) == kept)
        #expect(result.stderr.contains("the error report was not written"), "\(result.stderr)")
        // An --output that is A itself: refused before anything is read, and no report.
        let copy = dir.appendingPathComponent("a.safetensors")
        try kept.write(to: copy)
        let refused = try CLI.run(["diff", copy.path, Self.invalid, "--json", "--output", copy.path])
        #expect(refused.status == 2)
        #expect(try Data(contentsOf: copy) == kept)
        // A new file there is written.
        let fresh = dir.appendingPathComponent("report.json")
        #expect(try CLI.run(["diff", Self.valid, missing, "--json", "--output", fresh.path]).status == 2)
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }

    /// The map file does not exist, so no inode says it is an input: the report written at its
    /// path was read as the map by the next run (review-52 D6).
    @Test("an --output at the path of a --map that could not be read: no report there, by another spelling too")
    func mapPath() throws {
        let dir = try Fixtures.temporaryDirectory()
        for output in ["nomap.json", "sub/../nomap.json"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
            let result = try CLI.run([dir.path, Self.valid, output],
                                     shell: #"cd "$1" && "$TENSORAUDIT" diff "$2" "$2" --map nomap.json --json --output "$3""#)
            #expect(result.status == 2)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nomap.json").path), "\(output)")
            #expect(result.stderr.contains("the error report was not written: it is the input nomap.json"), "\(result.stderr)")
        }
    }

    /// A --map that is a dangling link: its target is the map's place too (review-52b D5).
    @Test("an --output at the target of a dangling --map link: no report there")
    func mapLinkTarget() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.json").path, withDestinationPath: "target.json")
        let result = try CLI.run([dir.path, Self.valid], shell: #"cd "$1" && "$TENSORAUDIT" diff "$2" "$2" --map link.json --json --output target.json"#)
        #expect(result.status == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("target.json").path))
    }
}
