import Foundation
import Testing
import TestSupport

/// A folder holding a `.safetensors` file and a `.safetensors.zst` file: before 2026-12-06 the
/// plain file was read and the compressed one ignored without a word, whatever its name. Now
/// `X.safetensors` beside `X.safetensors.zst` reads `X.safetensors` and says the `.zst` was not
/// checked (`ignored-compressed-copy`, info); files of other names are as ambiguous as two plain
/// files (exit 2, naming both).
@Suite struct CompressedCopyFolderTests {
    /// A folder holding `plain` (a copy of a plain fixture) and `compressed` (a zstd fixture).
    static func folder(plain: String, compressed: String) throws -> URL {
        let folder = try Fixtures.temporaryDirectory()
        try Fixtures.data("diff/source-f32.safetensors").write(to: folder.appendingPathComponent(plain))
        try Fixtures.data("sources/zstd/model.safetensors.zst").write(to: folder.appendingPathComponent(compressed))
        return folder
    }

    static func findings(_ stdout: String, rule: String) throws -> [[String: Any]] {
        let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return ((report["findings"] as? [[String: Any]]) ?? []).filter { $0["rule"] as? String == rule }
    }

    @Test("X.safetensors beside X.safetensors.zst: the plain file is read, an info finding names the copy not checked",
          arguments: ["model.safetensors", "weights.safetensors"])
    func sameName(plain: String) throws {
        let folder = try Self.folder(plain: plain, compressed: plain + ".zst")
        let audit = try CLI.run(["audit", folder.path, "--json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let found = try Self.findings(audit.stdout, rule: "ignored-compressed-copy")
        #expect(found.count == 1)
        #expect(found.first?["severity"] as? String == "info")
        let evidence = try #require(found.first?["evidence"] as? [String: Any])
        #expect(evidence["read"] as? String == plain && evidence["copy"] as? String == plain + ".zst")
        // The tensors read are the plain file's (the diff fixture holds embed.weight; the zstd
        // fixture does not).
        let inspect = try CLI.run(["inspect", folder.path])
        #expect(inspect.stdout.contains("\(folder.path)/\(plain): ") && inspect.stdout.contains("embed.weight"))
        #expect(inspect.stdout.contains("info [ignored-compressed-copy]"))
    }

    @Test("a .safetensors and a .safetensors.zst of other names, no index: ambiguous, exit 2, naming both")
    func otherNames() throws {
        let folder = try Self.folder(plain: "a.safetensors", compressed: "b.safetensors.zst")
        let result = try CLI.run(["inspect", folder.path])
        #expect(result.status == 2)
        #expect(result.stderr == "tensoraudit: error: \(folder.path): the folder holds 2 .safetensors and .safetensors.zst files and no index "
                + "(a.safetensors, b.safetensors.zst); name one file, or add a *.safetensors.index.json\n", "\(result.stderr)")
        // Each file named alone is read.
        #expect(try CLI.run(["inspect", folder.appendingPathComponent("b.safetensors.zst").path]).status == 0)
    }

    @Test("model.safetensors beside another .zst: model.safetensors is read (rule 1), no note about a file of another name")
    func modelBesideOther() throws {
        let folder = try Self.folder(plain: "model.safetensors", compressed: "other.safetensors.zst")
        let audit = try CLI.run(["audit", folder.path, "--json"])
        #expect(audit.status == 0)
        #expect(try Self.findings(audit.stdout, rule: "ignored-compressed-copy").isEmpty)
    }

    @Test("a folder or a dangling link named like the copy is no copy: no finding")
    func notAFile() throws {
        let folder = try Fixtures.temporaryDirectory()
        try Fixtures.data("diff/source-f32.safetensors").write(to: folder.appendingPathComponent("model.safetensors"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("model.safetensors.zst"), withIntermediateDirectories: false)
        let other = try Fixtures.temporaryDirectory()
        try Fixtures.data("diff/source-f32.safetensors").write(to: other.appendingPathComponent("w.safetensors"))
        try FileManager.default.createSymbolicLink(atPath: other.appendingPathComponent("w.safetensors.zst").path, withDestinationPath: "missing")
        for dir in [folder, other] {
            let audit = try CLI.run(["audit", dir.path, "--json"])
            #expect(audit.status == 0, "\(audit.stderr)")
            #expect(try Self.findings(audit.stdout, rule: "ignored-compressed-copy").isEmpty, "\(dir.path)")
        }
    }
}
