import Foundation
import Testing
import TestSupport

/// State dicts nested 999 and 1,001 dicts deep (TestData/pytorch-deep, torch's view by
/// `generate.py`): the walk runs on a stack of its own, so the limit of 1,000 levels is what
/// stops it, never a stack overflow (942 levels killed every command with SIGSEGV).
@Suite struct DeepNestingTests {
    static func expected(_ file: String) throws -> [String: Any] {
        let files = try #require((try Fixtures.json("pytorch-deep/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        return try #require(files[file])
    }

    @Test("999 levels, zip and legacy: every command reads the one tensor under the name torch gives", arguments: ["dicts-999.pt", "dicts-999.bin"])
    func withinTheLimit(file: String) throws {
        let names = try #require(try Self.expected(file)["tensor_names"] as? [String])
        let path = Fixtures.path("pytorch-deep/" + file)
        let report = try CLI.json(["inspect", path])
        #expect((report["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == names)
        for command in ["audit", "ties", "rows", "padding", "tokens"] {
            let result = try CLI.run([command, path])
            #expect(!result.crashed && [0, 1].contains(result.status), "\(command): \(result.status) \(result.stderr)")
        }
    }

    @Test("1,001 levels: exit 2 naming the nesting limit, and audit still writes its JUnit report")
    func pastTheLimit() throws {
        #expect(try Self.expected("dicts-1001.pt")["levels"] as? Int == 1001)
        let path = Fixtures.path("pytorch-deep/dicts-1001.pt")
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed && result.status == 2)
        #expect(result.stderr == "tensoraudit: error: \(path): nesting depth exceeds the limit of 1000\n", "\(result.stderr)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("deep-\(UInt64.random(in: 0 ... .max)).xml").path
        let audit = try CLI.run(["audit", path, "--format", "junit", "--output", output])
        #expect(!audit.crashed && audit.status == 2)
        #expect(FileManager.default.fileExists(atPath: output))
        try? FileManager.default.removeItem(atPath: output)
    }
}
