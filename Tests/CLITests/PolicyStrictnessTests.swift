import Foundation
import Testing
import TestSupport

/// A policy that says two things, or something that can never act, is refused (exit 2, naming
/// the file and the rule), so a typo cannot silently change what the audit checks; and an error
/// caused by the policy names the policy. Before, each of these policies was accepted without a
/// word (review, 2026-12-04).
@Suite struct PolicyStrictnessTests {
    static let model = Fixtures.path("toy-bert")

    static func audit(policy: String, _ extra: [String] = []) throws -> CLIResult {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("policy.json")
        try Data(policy.utf8).write(to: file)
        return try CLI.run(["audit", model, "--policy", file.path] + extra)
    }

    @Test("refused policies", arguments: [
        (#"{"rules": {"outlier-rows": {"threshold": -1}}}"#, "outlier-rows.threshold must be 0 or more"),
        (#"{"rules": {"padding-row-nonzero": {"enabled": true, "severity": "off"}}}"#, "padding-row-nonzero is enabled and has severity \"off\""),
        (#"{"rules": {"padding-row-nonzero": {"enabled": false, "severity": "error"}}}"#, "padding-row-nonzero is switched off (enabled false) and given a severity"),
        (#"{"rules": {"tied-weights-duplicated": {"severity": "off"}}, "fail_on": ["tied-weights-duplicated"]}"#,
         "fail_on names \"tied-weights-duplicated\", which the policy switches off"),
        (#"{"rules": {"outlier-rows": {"enabled": false, "threshold": 5}}}"#, "outlier-rows is switched off and given a threshold"),
        (#"{"tensor": []}"#, "tensor must name at least one tensor"),
    ])
    func refused(policy: String, message: String) throws {
        let result = try Self.audit(policy: policy)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("policy.json") && result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("a --fail-on rule the policy switches off is refused; one it keeps is fine")
    func failOnSwitchedOff() throws {
        let off = try Self.audit(policy: #"{"rules": {"tied-weights-duplicated": {"enabled": false}}}"#, ["--fail-on", "tied-weights-duplicated"])
        #expect(off.status == 2 && off.stderr.contains("--fail-on tied-weights-duplicated names a rule the policy switches off"), "\(off.stderr)")
        // toy-bert saves its tied matrix twice: the kept rule fails the audit (exit 1).
        let kept = try Self.audit(policy: #"{"rules": {"outlier-rows": {"threshold": 0}}}"#, ["--fail-on", "tied-weights-duplicated"])
        #expect(kept.status == 1, "\(kept.stderr)")
    }

    @Test("a tensor the policy names and the checkpoint lacks: the error names the policy")
    func policyTensor() throws {
        let result = try Self.audit(policy: #"{"tensor": "nope.weight"}"#)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no tensor named \"nope.weight\"") && result.stderr.contains("(tensor in the policy ") && result.stderr.contains("policy.json"),
                "\(result.stderr)")
        // The same name given with --tensor is the user's own: no policy named.
        let flag = try CLI.run(["audit", Self.model, "--tensor", "nope.weight"])
        #expect(flag.status == 2 && !flag.stderr.contains("tensor in the policy"), "\(flag.stderr)")
    }

    @Test("a folder whose checkpoint links out of it: the message says a file named on the command line may be a link")
    func linkedOutHint() throws {
        let folder = try Fixtures.temporaryDirectory()
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("model.safetensors").path,
                                                   withDestinationPath: Fixtures.path("toy-bert/model.safetensors"))
        let result = try CLI.run(["inspect", folder.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("outside the folder") && result.stderr.contains("a checkpoint file named on the command line may be a link"),
                "\(result.stderr)")
        // Named itself, the link is read.
        #expect(try CLI.run(["inspect", folder.appendingPathComponent("model.safetensors").path]).status == 0)
    }
}
