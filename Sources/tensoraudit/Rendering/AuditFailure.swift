import CheckpointIO
import TensorAnalysis

/// Why `audit` produced no findings at all: the checkpoint, or the policy, could not be read.
///
/// CI needs a report even then (an upload step that finds no file fails on the missing file
/// and hides the real error), so every format can render a failure: JSON as an `error`
/// object, SARIF as a failed invocation with a notification, JUnit as an errored test case.
struct AuditFailure: Error {
    /// A stable identifier: the `CheckpointError.kind` (`invalid-offset`, `io`, ...), or
    /// `invalid-policy` / `unreadable-policy`.
    var kind: String
    /// The file the problem is about.
    var path: String
    /// The one-line message printed after `tensoraudit: error: ` (it starts with the path).
    var message: String

    init(_ error: CheckpointError) {
        kind = error.kind
        path = error.path
        message = error.description
    }

    init(_ error: AuditPolicy.PolicyError) {
        switch error {
        case .unreadable(let path, _): kind = "unreadable-policy"; self.path = path
        case .invalid(let path, _): kind = "invalid-policy"; self.path = path
        }
        message = error.description
    }

    /// True when the problem is the `--output` path itself (an input, a directory, ...):
    /// no report can be written there.
    var concernsOutput: Bool { kind == "output" }
}
