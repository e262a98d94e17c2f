import Foundation

/// Runs the built `tensoraudit` binary, as a user would, and captures what it prints.
public struct CLIResult: Sendable {
    public let status: Int32
    /// True when the process died by a signal (a crash), which no input may cause.
    public let crashed: Bool
    public let stdout: String
    public let stderr: String
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

    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binaryPath)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
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
                         stderr: String(decoding: errData, as: UTF8.self))
    }
}
