import Foundation
import StrictJSON
import Testing
import SafetensorsFormat
import TestSupport

/// `rows --csv` writes a hostile tensor name with its control, bidi and separator characters
/// as `\u{…}` (a backslash as `\\`), a leading formula character behind a `'`, inside RFC 4180
/// quoting. Expected lines by hand from those rules; Python 3.11's `csv.reader` reads each
/// line's first field as the name column below (checked when the test was written).
@Suite struct CSVEscapingTests {
    /// Name in the checkpoint → the CSV line's first field as written, and as a CSV reader
    /// returns it.
    static let cases: [(name: String, written: String, field: String)] = [
        ("a\u{1B}[31m", #"a\u{1b}[31m"#, #"a\u{1b}[31m"#),
        ("b\u{202E}c", #"b\u{202e}c"#, #"b\u{202e}c"#),
        ("c\r\nd", #"c\u{d}\u{a}d"#, #"c\u{d}\u{a}d"#),
        ("e\u{2028}f", #"e\u{2028}f"#, #"e\u{2028}f"#),
        (#"g\h"#, #"g\\h"#, #"g\\h"#),
        ("i,j", #""i,j""#, "i,j"),
        (#"=HYPERLINK("x")"#, #""'=HYPERLINK(""x"")""#, #"'=HYPERLINK("x")"#),
        ("+1", "'+1", "'+1"),
        ("-x", "'-x", "'-x"),
        ("@SUM(1)", "'@SUM(1)", "'@SUM(1)"),
        ("'q", "''q", "''q"),
        ("\tk", #"\u{9}k"#, #"\u{9}k"#),
        ("plain.w", "plain.w", "plain.w"),
        // `;` is the list separator of spreadsheets in many locales: quoted, so `=1+2` cannot
        // become a cell of its own (OWASP "CSV Injection").
        ("x;=1+2;", #""x;=1+2;""#, "x;=1+2;"),
    ]

    @Test("rows --csv: each hostile name as one field of one line, by hand")
    func hostileNames() throws {
        let entries = Self.cases.map { SafetensorsWriter.Entry(name: $0.name, dtype: .f32, shape: [4, 2], bytes: Array(repeating: 0, count: 32)) }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        let result = try CLI.run(["rows", path, "--csv"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        // A 4×2 all-zero matrix: every norm 0, 4 zero rows, nothing else.
        let rest = ",F32,4,2,0.0,0.0,0.0,0,0.0,0,4,0,0,0,0"
        var expected = Set(Self.cases.map { $0.written + rest })
        expected.insert("tensor,dtype,rows,row_length,norm_mean,norm_median,norm_min,norm_argmin,norm_max,norm_argmax,"
            + "zero_rows,nan_rows,inf_rows,outlier_rows,duplicate_groups")
        // Split on LF only: no CR, LS or other line end may be left in the output.
        let lines = result.stdout.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        #expect(Set(lines) == expected, "\(lines)")
        #expect(lines.count == Self.cases.count + 1)
        #expect(!result.stdout.unicodeScalars.contains { TextEscaping.isDisplayEscaped($0) && $0 != "\n" })
        // The name column as an RFC 4180 reader sees it (the values Python's csv.reader gave).
        let fields = lines.dropFirst().map(Self.firstField)
        #expect(Set(fields) == Set(Self.cases.map(\.field)), "\(fields)")
    }

    /// The first field of a CSV line, per RFC 4180 §2: quoted (a `""` inside is one `"`) or
    /// up to the first comma.
    static func firstField(_ line: String) -> String {
        var chars = Array(line)[...]
        guard chars.first == "\"" else { return String(chars.prefix { $0 != "," }) }
        chars = chars.dropFirst()
        var field = ""
        while let c = chars.popFirst() {
            if c == "\"" {
                guard chars.first == "\"" else { break }
                chars = chars.dropFirst()
            }
            field.append(c)
        }
        return field
    }
}
