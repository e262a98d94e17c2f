import Foundation
import Testing
import TestSupport

/// A name, key or string with a run of more than 30 combining marks (not stream-safe, UAX #15)
/// is refused in every format, since Swift's `String` comparison is quadratic in such a run (a
/// 1 MB name: `inspect` 57 s, `audit` 639 s); a run of 30 is read
/// (`TestData/stream-safe/generate.py`; the reference readers read all of them).
@Suite struct StreamSafeNameTests {
    static let formats = ["safetensors", "gguf", "pt"]

    @Test("a name with a run of 30 combining marks is read", arguments: formats)
    func thirtyAccepted(format: String) throws {
        for command in ["inspect", "audit"] {
            let result = try CLI.run([command, Fixtures.path("stream-safe/marks-30.\(format)")])
            #expect(result.status == 0 || (command == "audit" && result.status == 1), "\(command) \(format): \(result.stderr)")
            #expect(!result.stderr.contains("combining marks"), "\(command) \(format): \(result.stderr)")
        }
    }

    @Test("a run of 31 combining marks is one error naming the file and the limit, exit 2",
          arguments: formats.map { "marks-31.\($0)" } + ["metadata-value-31.safetensors"])
    func thirtyOneRefused(file: String) throws {
        let path = Fixtures.path("stream-safe/\(file)")
        for command in ["inspect", "audit", "ties"] {
            let result = try CLI.run([command, path], timeout: 60)
            #expect(!result.crashed)
            #expect(result.status == 2, "\(command) \(file): exit \(result.status)")
            #expect(result.stderr.hasPrefix("tensoraudit: error: \(path): "), "\(command) \(file): \(result.stderr)")
            #expect(result.stderr.contains("combining marks (Unicode non-starters) in a string exceeds the limit of 30"),
                    "\(command) \(file): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(command) \(file): \(result.stderr)")
        }
    }
}
