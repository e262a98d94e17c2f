import Foundation

/// Runs the built `tensoraudit` binary, as a user would, and captures what it prints.
public struct CLIResult: Sendable {
    public let status: Int32
    /// True when the process died by a signal (a crash), which no input may cause.
    public let crashed: Bool
    public let stdout: String
    public let stderr: String
    /// True when `CLI.run(timeout:)` had to kill the process (a hang guard, not a timing check).
    public var timedOut: Bool = false
}

public enum CLI {
    /// The binary next to the test bundle (same build folder), or `TENSORAUDIT_BIN`.
    public static var binaryPath: String {
        if let override = ProcessInfo.processInfo.environment["TENSORAUDIT_BIN"] { return override }
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("tensoraudit").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("tensoraudit").path,
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tensoraudit").path,
            Fixtures.root.deletingLastPathComponent().appendingPathComponent(".build/debug/tensoraudit").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[candidates.count - 1]
    }

    /// Runs the binary with `arguments`; with `timeout`, a process still running after that
    /// many seconds is killed and the result says so (`timedOut`), so a hang fails a test
    /// instead of stalling the suite. `shell` runs `/bin/sh -c shell` instead, with the
    /// binary's path in `$TENSORAUDIT` (for redirections such as `> /dev/full`).
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           timeout: Double? = nil, shell: String? = nil) throws -> CLIResult {
        let process = Process()
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell, "sh"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binaryPath)
            process.arguments = arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        env["TENSORAUDIT"] = binaryPath
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        nonisolated(unsafe) var killed = false
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning {
                    killed = true
                    kill(process.processIdentifier, SIGKILL)
                }
            }
        }
        // Read both pipes concurrently so a large report cannot deadlock on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CLIResult(status: process.terminationStatus,
                         crashed: process.terminationReason == .uncaughtSignal,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), timedOut: killed)
    }
}

extension CLI {
    /// The exit status a run was expected to end with, and what it printed on stderr.
    public struct UnexpectedStatus: Error, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public let stderr: String
        public var description: String { "\(arguments): exit \(status): \(stderr)" }
    }

    /// Runs the binary with `arguments` plus `--json` and returns the parsed report; throws
    /// when the exit status is not `status` (the test fails with the command and its stderr),
    /// and returns an empty object when stdout is not one (the caller's expectations fail).
    public static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try run(arguments + ["--json"])
        guard result.status == status else { throw UnexpectedStatus(arguments: arguments, status: result.status, stderr: result.stderr) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// The findings of `report` with rule `rule`, in report order.
    public static func findings(_ report: [String: Any], rule: String) -> [[String: Any]] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }
}
