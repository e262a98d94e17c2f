import Foundation
import Testing
import TestSupport

/// Every file committed to `TestData/fuzz-regressions/` (a crash or hang a fuzzer found, or a
/// seed of an input class that once broke a command) goes through every command, and each
/// command's exit code must match safetensors 0.8's verdict on the file, recorded in
/// `reference.tsv` by `TestData/generate_fuzz_regressions.py`: a file the reference reads exits
/// 0 or 1, a file it refuses exits 2 with a message naming the file; nothing dies by a signal or
/// runs past the hang guard.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = "fuzz-regressions"

    @Test("every committed regression file: the reference's verdict from every command, no crash, no hang")
    func everyFileEveryCommand() throws {
        let rows = try Fixtures.tsv("\(Self.folder)/reference.tsv")
        let listed = Set(rows.map { $0[0] })
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path(Self.folder))
            .filter { $0 != "reference.tsv" }
        // A file committed without re-running the generator would escape the verdict check.
        #expect(Set(onDisk) == listed, "re-run TestData/generate_fuzz_regressions.py")
        #expect(rows.count >= 5)
        for row in rows {
            let path = Fixtures.path("\(Self.folder)/\(row[0])")
            for command in [["inspect"], ["audit"], ["rows"], ["ties"], ["padding"], ["tokens"], ["diff", path]] {
                let result = try CLI.run(command + [path], timeout: 60)
                let what = "\(command[0]) \(row[0])"
                #expect(!result.crashed && !result.timedOut, "\(what): \(result.stderr)")
                if row[1] == "ok" {
                    #expect([0, 1].contains(result.status), "\(what): \(result.status) \(result.stderr)")
                } else {
                    #expect(result.status == 2, "\(what): \(result.status), reference: \(row[2])")
                    #expect(result.stderr.contains(row[0]), "\(what): the message names the file: \(result.stderr)")
                }
            }
        }
    }

    /// Findings that need a folder, not one file (`make fuzz-commands` mutates one file of a
    /// checkpoint folder): built by `TestSupport`, since the verdict table above is per file.
    @Test("a sharded folder whose shard is a GGUF file without tensors: every command reads it, none crashes")
    func tensorlessGGUFShard() throws {
        let folder = try TensorlessGGUFShard.folder()
        for command in [["inspect"], ["audit"], ["rows"], ["ties"], ["padding"], ["tokens"], ["diff", folder]] {
            let result = try CLI.run(command + [folder], timeout: 60)
            #expect(!result.crashed && !result.timedOut, "\(command[0]): \(result.stderr)")
            #expect([0, 1].contains(result.status), "\(command[0]): \(result.status) \(result.stderr)")
        }
        // The index declares 16 bytes; the shards hold 8 (tensor "a"), and "b" is in no header.
        let audit = try CLI.run(["audit", folder, "--json"], timeout: 60)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let rules = ((report["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String }
        #expect(rules.contains("index-total-size"), "\(rules)")
        #expect(rules.contains("index-mismatch"), "\(rules)")
    }
}
