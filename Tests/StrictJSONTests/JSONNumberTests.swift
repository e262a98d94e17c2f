import StrictJSON
import Testing

/// A number keeps its token as written: a plain non-negative integer is stored as its value
/// alone (JSON writes it with no sign, fraction, exponent or leading zero), every other token as
/// its text; `text` gives back what the document holds either way.
@Suite struct JSONNumberTests {
    @Test("text is the token as written, value only for plain integers that fit in 64 bits", arguments: [
        ("0", UInt64?.some(0)), ("7", 7), ("30521", 30521), ("18446744073709551615", UInt64.max),
        ("18446744073709551616", nil), ("-1", nil), ("-0", nil), ("1.5e3", nil), ("1E2", nil), ("0.0", nil),
        ("123456789012345678901234567890", nil),
    ])
    func tokenAsWritten(token: String, value: UInt64?) throws {
        let node = try JSONDocument.parse(Array("[\(token)]".utf8))
        guard case .array(let items) = node, case .number(let number)? = items.first else {
            Issue.record("\(token) did not parse as a number")
            return
        }
        #expect(number.text == token)
        #expect(number.unsignedValue == value)
    }

    @Test("a number made from its text equals the parsed one")
    func equality() throws {
        for token in ["0", "42", "-3", "2.5"] {
            guard case .array(let items) = try JSONDocument.parse(Array("[\(token)]".utf8)), case .number(let parsed)? = items.first else {
                Issue.record("\(token) did not parse")
                continue
            }
            #expect(parsed == JSONNumber(text: token, unsignedValue: UInt64(token)))
        }
    }
}
