import ArgumentParser

/// Numbers on the command line as tensoraudit documents them: decimal, not every spelling Swift's
/// `Int(_:)` and `Double(_:)` accept.
///
/// Why: `--percentile 0x10` ran as 16, `--tolerance 0x1p-3` as 0.125 and `--pad-id +3` as 3,
/// silently, while `--rows` insists on decimal; and `--pad-id 18446744073709551615` got only the
/// parser's bare "is invalid" (hunt-60a P3). A sign is left to each flag's own check (a negative
/// tolerance says it must be non-negative), and so are `nan` and `inf`, which read as numbers
/// that the flags then refuse by name.
enum DecimalText {
    /// Whether `text` is an integer in decimal: an optional `-` and ASCII digits (in range or not).
    static func isInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy(isDigit)
    }

    /// An integer: an optional `-` and ASCII digits.
    static func integer(_ text: String, flag: String) throws -> Int {
        guard isInteger(text) else { throw notDecimal(text, flag: flag) }
        guard let value = Int(text) else { throw ValidationError("\(flag) \(text) is out of range (\(Int.min) to \(Int.max))") }
        return value
    }

    /// A real number: an optional `-`, digits with an optional fraction, an optional exponent;
    /// or `nan`, `inf`, `infinity` in any case.
    static func real(_ text: String, flag: String) throws -> Double {
        let unsigned = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let word = ["nan", "inf", "infinity"].contains(unsigned.lowercased())
        guard word || isDecimalReal(unsigned), let value = Double(text) else {
            throw ValidationError("\(flag) takes a decimal number, not \(quoted(text))")
        }
        // A nonzero number below the smallest double reads as 0: `--tolerance 1e-400` ran as
        // tolerance 0 and printed "relative L2 <= 0.0" (hunt-61b P3).
        if value == 0, !word, unsigned.prefix(while: { $0 != "e" && $0 != "E" }).contains(where: { $0 != "0" && $0 != "." }) {
            throw ValidationError("\(flag) \(text) is too small for a double, which would read it as 0: give 0, or 5e-324 or more")
        }
        return value
    }

    /// `integer` or `real` as a direct parse takes it (`DirectParse`): nil sends the line to the
    /// argument parser, which says what is wrong.
    static func integer(_ text: String) -> Int? { try? integer(text, flag: "") }
    static func real(_ text: String) -> Double? { try? real(text, flag: "") }

    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// Digits, then optionally `.` and digits (at least one digit in all), then optionally `e`
    /// or `E`, a sign and digits.
    private static func isDecimalReal(_ text: Substring) -> Bool {
        var rest = text[...]
        let mantissa = rest.prefix { isDigit($0) || $0 == "." }
        rest = rest.dropFirst(mantissa.count)
        guard mantissa.filter({ $0 == "." }).count <= 1, mantissa.contains(where: isDigit) else { return false }
        guard let e = rest.first else { return true }
        guard e == "e" || e == "E" else { return false }
        rest = rest.dropFirst()
        if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
        return !rest.isEmpty && rest.allSatisfy(isDigit)
    }

    /// The refusal of `text` given to `flag` as an integer.
    static func notDecimal(_ text: String, flag: String) -> ValidationError {
        ValidationError("\(flag) takes a decimal integer, not \(quoted(text))")
    }

    private static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
