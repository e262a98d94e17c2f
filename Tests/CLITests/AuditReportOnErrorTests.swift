import Foundation
import Testing
import TestSupport
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The CI path: `audit --output` writes a report in every format even when the input cannot
/// be read (exit 2), and says on stderr how the run ended and where the report went.
@Suite struct AuditReportOnErrorTests {
    static let invalid = Fixtures.path("bad/invalid-offset--overlap.safetensors")
    static let auditSchema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")
    static let sarifSchema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    /// Runs `audit` on `arguments` with `--format format --output <temp>/report`, returns the
    /// result and the report file's bytes (nil when no file was written).
    static func run(_ arguments: [String], format: String) throws -> (CLIResult, Data?, String) {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("report.\(format)").path
        let result = try CLI.run(["audit"] + arguments + ["--format", format, "--output", file])
        return (result, FileManager.default.contents(atPath: file), file)
    }

    static func object(_ data: Data?) throws -> [String: Any] {
        let bytes = try #require(data)
        return try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
    }

    @Test("JSON: an invalid checkpoint still gets a report with the error, valid against the schema; exit 2")
    func jsonOnError() throws {
        let (result, data, file) = try Self.run([Self.invalid], format: "json")
        #expect(result.status == 2)
        let report = try Self.object(data)
        #expect(try JSONSchemaCheck(schemaFile: Self.auditSchema).violations(of: report) == [])
        let error = try #require(report["error"] as? [String: Any])
        #expect(error["kind"] as? String == "invalid-offset")
        #expect(error["path"] as? String == Self.invalid)
        #expect((error["message"] as? String)?.hasPrefix(Self.invalid + ": ") == true)
        #expect((report["summary"] as? [String: Any])?["passed"] as? Bool == false)
        #expect((report["findings"] as? [Any])?.isEmpty == true)
        // stderr: the usual error line, then where the report went.
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("tensoraudit: error: \(Self.invalid): ") == true)
        #expect(lines.last?.contains("json report written to \(file)") == true)
    }

    @Test("SARIF: a failed invocation with the error as a notification and no results, valid against SARIF 2.1.0")
    func sarifOnError() throws {
        let (result, data, _) = try Self.run([Self.invalid], format: "sarif")
        #expect(result.status == 2)
        let log = try Self.object(data)
        #expect(try JSONSchemaCheck(schemaFile: Self.sarifSchema).violations(of: log) == [])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(run["results"] == nil, "absent results: the tool failed to produce results")
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == false)
        #expect(invocation["exitCode"] as? Int == 2)
        let notification = try #require((invocation["toolExecutionNotifications"] as? [[String: Any]])?.first)
        #expect(notification["level"] as? String == "error")
        #expect(((notification["message"] as? [String: Any])?["text"] as? String)?.contains("overlap") == true)
        let location = try #require((notification["locations"] as? [[String: Any]])?.first)
        let artifact = (location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any]
        let expected = Self.invalid.hasPrefix("/") ? "file://" + Self.invalid : Self.invalid
        #expect(artifact?["uri"] as? String == expected)
    }

    @Test("JUnit: an errored test case carrying the error, the rules skipped; exit 2")
    func junitOnError() throws {
        let (result, data, _) = try Self.run([Self.invalid], format: "junit")
        #expect(result.status == 2)
        let collector = JUnitCollector()
        let parser = XMLParser(data: try #require(data))
        parser.delegate = collector
        #expect(parser.parse())
        #expect(collector.counts["error"] == 1)
        #expect(collector.errorType == "invalid-offset")
        #expect(collector.counts["failure"] == nil)
        #expect(collector.counts["skipped"] == (collector.counts["testcase"] ?? 0) - 1)
        #expect(collector.suiteAttributes["errors"] == "1")
    }

    @Test("text with --output: the file says the input was not audited")
    func textOnError() throws {
        let (result, data, _) = try Self.run([Self.invalid], format: "text")
        #expect(result.status == 2)
        let text = String(decoding: try #require(data), as: UTF8.self)
        #expect(text.contains("not audited") && text.contains("invalid-offset"))
    }

    @Test("without --output, json/sarif/junit still go to stdout on error; text leaves stdout empty")
    func standardOutputOnError() throws {
        let sarif = try CLI.run(["audit", Self.invalid, "--format", "sarif"])
        #expect(sarif.status == 2)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        #expect(try JSONSchemaCheck(schemaFile: Self.sarifSchema).violations(of: log) == [])
        #expect(sarif.stderr.split(separator: "\n").count == 1, "no 'written to' line without --output")
        let text = try CLI.run(["audit", Self.invalid])
        #expect(text.status == 2 && text.stdout.isEmpty)
    }

    @Test("an invalid policy is reported in the report too")
    func policyError() throws {
        let dir = try Fixtures.temporaryDirectory()
        let policy = dir.appendingPathComponent("policy.json")
        try Data(#"{"rules": {"no-such-rule": {}}}"#.utf8).write(to: policy)
        let (result, data, _) = try Self.run([Fixtures.path("edge/odd-names.safetensors"), "--policy", policy.path], format: "json")
        #expect(result.status == 2)
        let error = try #require(try Self.object(data)["error"] as? [String: Any])
        #expect(error["kind"] as? String == "invalid-policy")
        #expect(error["path"] as? String == policy.path)
    }

    @Test("an error report that cannot be written (a missing folder) gets the documented second line naming it, exit 2")
    func unwritableErrorReport() throws {
        let dir = try Fixtures.temporaryDirectory()
        let target = dir.appendingPathComponent("missing/report.json").path
        let result = try CLI.run(["audit", Fixtures.path("bad/invalid-offset--overlap.safetensors"), "--format", "json", "--output", target])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.last == "tensoraudit: error: \(target): the error report was not written: the folder \(dir.path)/missing does not exist",
                "\(result.stderr)")
    }

    @Test("a checkpoint folder that cannot be read: an existing file in it is never replaced by the error report")
    func folderGuard() throws {
        let dir = try Fixtures.temporaryDirectory()
        let shard = dir.appendingPathComponent("model.safetensors")
        try Fixtures.data("bad/invalid-offset--overlap.safetensors").write(to: shard)
        let config = dir.appendingPathComponent("config.json")
        let original = Data(#"{"pad_token_id": 0}"#.utf8)
        try original.write(to: config)
        let result = try CLI.run(["audit", dir.path, "--format", "json", "--output", config.path])
        #expect(result.status == 2)
        #expect(try Data(contentsOf: config) == original)
        #expect(result.stderr.contains("the error report was not written"))
        // A new file in that folder is fine.
        let fresh = dir.appendingPathComponent("report.json")
        #expect(try CLI.run(["audit", dir.path, "--format", "json", "--output", fresh.path]).status == 2)
        #expect(FileManager.default.fileExists(atPath: fresh.path))
    }

    @Test("a checkpoint path that does not exist: an existing file in its folder is never replaced, by a relative path too")
    func missingCheckpointFolderGuard() throws {
        let dir = try Fixtures.temporaryDirectory()
        let notes = dir.appendingPathComponent("notes.txt")
        try Data("keep\n".utf8).write(to: notes)
        // Relative paths, as a user types them: the guard compared the unresolved `rep` with the
        // resolved target and replaced notes.txt (helper-148).
        let result = try CLI.run([dir.path], shell: #"cd "$1" && "$TENSORAUDIT" audit missing.safetensors --format json --output notes.txt"#)
        #expect(result.status == 2)
        #expect(try Data(contentsOf: notes) == Data("keep\n".utf8))
        #expect(result.stderr.contains("the error report was not written: it exists in the folder of a checkpoint that could not be read"),
                "\(result.stderr)")
        // Two more spellings of a checkpoint in that folder (helper-150): a missing folder with a
        // trailing slash, and `..` past a folder that does not exist.
        for spelling in ["missingdir/", "nodir/../missing.safetensors"] {
            let again = try CLI.run([dir.path, spelling], shell: #"cd "$1" && "$TENSORAUDIT" audit "$2" --format json --output notes.txt"#)
            #expect(again.status == 2)
            #expect(try Data(contentsOf: notes) == Data("keep\n".utf8), "\(spelling)")
        }
        // A new file in that folder is written.
        #expect(try CLI.run([dir.path], shell: #"cd "$1" && "$TENSORAUDIT" audit missing.safetensors --format json --output new.json"#).status == 2)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.json").path))
    }

    @Test("a readable checkpoint with --output: one summary line on stderr, also when findings fail")
    func summaryLine() throws {
        let (result, data, file) = try Self.run([Fixtures.path("edge/odd-names.safetensors"), "--fail-on", "suspicious-name"],
                                                format: "junit")
        #expect(result.status == 1)
        #expect(data != nil && result.stdout.isEmpty)
        // Three suspicious names (no padding-unchecked: nothing says the file holds tokens).
        #expect(result.stderr == "tensoraudit: audit FAILED: 3 findings (0 error, 3 warning, 0 info), 3 failing; "
            + "junit report written to \(file)\n")
    }
}

/// Counts elements and keeps the attributes a JUnit reader shows.
final class JUnitCollector: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var errorType: String?
    var suiteAttributes: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if name == "error" { errorType = attributes["type"] }
        if name == "testsuite" { suiteAttributes = attributes }
    }
}
