import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// Text reports show a backslash in a name as `\\`: a tensor named `a\u{1b}` (seven plain
/// characters) and one named `a` + ESC no longer print the same.
@Suite struct TextBackslashTests {
    @Test("inspect and rows: a name spelled like an escape differs from the escaped name")
    func lookAlike() throws {
        let names = ["a\\u{1b}", "a\u{1B}", "plain.w"]
        let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [4, 2], bytes: Array(repeating: 0, count: 32)) }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        for command in ["inspect", "rows"] {
            let result = try CLI.run([command, path])
            #expect(result.status == 0 || result.status == 1, "\(command): \(result.stderr)")
            // First cell of each table line, by hand: `a\\u{1b}`, `a\u{1b}`, `plain.w`.
            let cells = Set(result.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
            #expect(cells.isSuperset(of: [#"a\\u{1b}"#, #"a\u{1b}"#, "plain.w"]), "\(command): \(result.stdout)")
        }
    }
}
