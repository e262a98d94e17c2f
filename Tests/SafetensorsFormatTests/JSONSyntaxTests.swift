import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// What JSON the header may contain: exactly what the reference (serde_json) accepts.
@Suite struct JSONSyntaxTests {
    static let entry = #""w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}"#

    static func parse(_ header: String, data: [UInt8] = [1, 2]) throws(FormatError) -> SafetensorsHeader {
        try SafetensorsHeader.parse(SafetensorsWriter.file(header: header, data: data))
    }

    static func parse(bytes header: [UInt8], data: [UInt8] = [1, 2]) throws(FormatError) -> SafetensorsHeader {
        var file: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { file += $0 }
        return try SafetensorsHeader.parse(file + header + data)
    }

    @Test("accepted whitespace and padding", arguments: [
        "{\(entry)}", " \n{\(entry)}", "{\(entry)}   ", "{\(entry)}\t\n\r ", "{ \(entry) }",
        "{\n  \(entry.replacingOccurrences(of: ":", with: " : "))\n}",
    ])
    func acceptsWhitespace(header: String) throws {
        let parsed = try Self.parse(header)
        #expect(parsed.tensors.map(\.name) == ["w"])
    }

    @Test("leading whitespace is measured so it can be reported as a README deviation")
    func measuresLeadingWhitespace() throws {
        let parsed = try Self.parse(" \n{\(Self.entry)}  ")
        #expect(parsed.leadingWhitespace == 2)
        #expect(parsed.trailingPadding == 2)
    }

    @Test("rejected syntax", arguments: [
        ("{\(entry),}", "trailing comma"),
        ("{\(entry)} x", "trailing garbage"),
        ("/*c*/{\(entry)}", "comment"),
        ("[]", "top-level array"),
        ("{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2],\"x\":NaN}}", "NaN"),
        ("{\"w\\ud800\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", "lone surrogate"),
        ("{\"w\\udc00\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", "lone low surrogate"),
        ("{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2],\"x\":tru}}", "bad literal"),
        ("{\"w\":{\"dtype\":\"U8\",\"shape\":[02],\"data_offsets\":[0,2]}}", "leading zero"),
        ("{\"w\u{1}\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}", "raw control character"),
        ("{\(entry)", "unterminated object"),
        ("{\"w\"", "unterminated entry"),
    ])
    func rejectsSyntax(header: String, label: String) throws {
        do {
            let error = try #require(formatError { try Self.parse(header) })
                #expect(error.kind == "invalid-json", "\(label): \(error)")
        }
    }

    /// In `shape` and `data_offsets` as anywhere else: what is no JSON is `invalid-json`, a JSON
    /// value of another type `invalid-entry` (hunt-53b D3: `[NaN]` there was `invalid-entry`).
    @Test("a shape or offset that is no JSON value is invalid-json; JSON of the wrong type is invalid-entry", arguments: [
        (#""shape":[NaN],"data_offsets":[0,2]"#, "invalid-json"),
        (#""shape":[+2],"data_offsets":[0,2]"#, "invalid-json"),
        (#""shape":[Infinity],"data_offsets":[0,2]"#, "invalid-json"),
        (#""shape":[2],"data_offsets":[NaN,2]"#, "invalid-json"),
        (#""shape":[tru],"data_offsets":[0,2]"#, "invalid-json"),
        (#""shape":[true],"data_offsets":[0,2]"#, "invalid-entry"),
        (#""shape":["2"],"data_offsets":[0,2]"#, "invalid-entry"),
        (#""shape":[[2]],"data_offsets":[0,2]"#, "invalid-entry"),
        (#""shape":[2],"data_offsets":[null,2]"#, "invalid-entry"),
    ])
    func fieldSyntax(fields: String, kind: String) throws {
        let error = try #require(formatError { try Self.parse("{\"w\":{\"dtype\":\"U8\",\(fields)}}") })
        #expect(error.kind == kind, "\(fields): \(error)")
    }

    @Test("NUL padding and a BOM are not JSON whitespace")
    func rejectsNulAndBOM() throws {
        let body = Array("{\(Self.entry)}".utf8)
        #expect(throws: FormatError.invalidJSON(offset: 8 + body.count, reason: "a NUL byte after the header object, where only whitespace may follow")) {
            try Self.parse(bytes: body + [0, 0])
        }
        #expect(throws: FormatError.invalidJSON(offset: 8, reason: "expected '{' to open the header object, found byte 0xEF")) {
            try Self.parse(bytes: [0xEF, 0xBB, 0xBF] + body)
        }
    }

    @Test("invalid UTF-8 is reported at its file offset")
    func invalidUTF8() throws {
        // "{\"" is bytes 8 and 9 of the file; the bad byte follows at 10.
        let header: [UInt8] = Array("{\"".utf8) + [0xC0, 0x80] + Array("\":1}".utf8)
        #expect(throws: FormatError.invalidUTF8(offset: 10)) { try Self.parse(bytes: header, data: []) }
    }

    @Test("escaped names decode to the same string Python would", arguments: [
        ("a\\u00e9b", "aéb"), ("\\ud83d\\ude00", "😀"), ("tab\\there", "tab\there"), ("q\\\"q", "q\"q"),
        ("s\\/s", "s/s"),
    ])
    func escapes(escaped: String, expected: String) throws {
        let parsed = try Self.parse("{\"\(escaped)\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}")
        #expect(parsed.tensors.first?.name == expected)
    }

    @Test("deep nesting in an ignored field hits the depth limit, not the stack")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000)
        let header = "{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2],\"x\":\(deep)}}"
        do {
            let error = try #require(formatError { try Self.parse(header) })
                #expect(error.kind == "limit-exceeded")
        }
    }

    @Test("an unknown field with any valid JSON value is ignored")
    func ignoresUnknownFields() throws {
        let parsed = try Self.parse(#"{"w":{"x":{"a":[1,-2.5e3,true,null,"s"]},"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#)
        #expect(parsed.tensors.first?.dtype == .u8)
    }
}
