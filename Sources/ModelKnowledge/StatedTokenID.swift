/// A token id as a settings file states it (an `added_tokens_decoder` key, an
/// `added_tokens.json` value), read as Python's `int()` reads the text: an integer of any size.
///
/// Why not `Int`: the stated id only orders the entries (transformers sorts them by `int(key)`
/// and adds each where the tokenizers library places it, `Tokenizer.addPlaced`), and Python's
/// integers do not overflow. Two keys past 64 bits (`"99999999999999999998"`, `"…99"`) both
/// became `Int.max`, were taken for one id, and the first entry was dropped, where
/// transformers 5.25 adds both, in their order (hunt-62b N5).
struct StatedTokenID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whether the value is below zero (never for zero: Python's `int("-0")` is 0).
    private let negative: Bool
    /// The magnitude's decimal digits (0–9), most significant first, no leading zero; empty for 0.
    private let digits: [UInt8]

    /// Python's default `sys.get_int_max_str_digits()`.
    static let maximumDigits = 4_300

    init(_ value: Int) {
        negative = value < 0
        digits = value == 0 ? [] : String(value.magnitude).utf8.map { $0 - UInt8(ascii: "0") }
    }

    /// `text` as Python's `int` reads it: surrounding whitespace, an optional sign, decimal
    /// digits of any script, single underscores between digits (`" 405"`, `"4_05"` and `"٤٠٥"`
    /// are 405: transformers loads such keys, hunt-62b N4); nil for what `int` refuses
    /// (`"405.0"`, `"0x10"`, `"4__05"`, more than 4,300 digits).
    init?(pythonInt text: String) {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        let signed = scalars.first == "-"
        if scalars.first == "-" || scalars.first == "+" { scalars.removeFirst() }
        guard !scalars.isEmpty else { return nil }
        var digits: [UInt8] = []
        var written = 0  // digits as written, leading zeros included
        var afterUnderscore = true  // no leading underscore
        for scalar in scalars {
            if scalar == "_" {
                guard !afterUnderscore else { return nil }
                afterUnderscore = true
                continue
            }
            guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
                  let digit = UInt8(exactly: value), digit <= 9 else { return nil }
            afterUnderscore = false
            written += 1
            if digit != 0 || !digits.isEmpty { digits.append(digit) }
        }
        guard !afterUnderscore else { return nil }  // no trailing underscore
        // Python 3.11+ refuses more digits than `sys.get_int_max_str_digits()` (4,300 by
        // default), leading zeros counted, underscores not: transformers raises "Exceeds the
        // limit (4300 digits) for integer string conversion" on such a key (hunt-65c L4).
        guard written <= Self.maximumDigits else { return nil }
        self.negative = signed && !digits.isEmpty
        self.digits = digits
    }

    /// The value, when it fits in an `Int`.
    var int: Int? {
        var value = 0
        for digit in digits {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(Int(digit)) : times.addingReportingOverflow(Int(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// In decimal, as Python prints it (`-5`, `99999999999999999999`).
    var description: String {
        digits.isEmpty ? "0" : (negative ? "-" : "") + String(decoding: digits.map { $0 + UInt8(ascii: "0") }, as: UTF8.self)
    }

    static func < (a: StatedTokenID, b: StatedTokenID) -> Bool {
        if a.negative != b.negative { return a.negative }
        // Same sign: compare magnitudes (more digits is larger), reversed below zero.
        let magnitudeLess = a.digits.count != b.digits.count ? a.digits.count < b.digits.count : a.digits.lexicographicallyPrecedes(b.digits)
        let magnitudeEqual = a.digits == b.digits
        return a.negative ? !magnitudeLess && !magnitudeEqual : magnitudeLess
    }
}
