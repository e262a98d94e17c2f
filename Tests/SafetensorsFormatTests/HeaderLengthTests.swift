import Testing
import SafetensorsFormat
import TestSupport

/// The 8-byte length prefix: every rule of docs/FORMAT.md §2.
@Suite struct HeaderLengthTests {
    @Test("files shorter than 8 bytes are too small", arguments: 0..<8)
    func tooSmall(length: Int) throws {
        let bytes = Array(repeating: UInt8(0x7B), count: length)
        #expect(throws: FormatError.headerTooSmall(fileSize: UInt64(length))) {
            try SafetensorsHeader.parse(bytes)
        }
    }

    @Test("lengths above 100,000,000 are too large, before any allocation",
          arguments: [UInt64.max, 1 << 63, 100_000_001])
    func tooLarge(n: UInt64) throws {
        let file = SafetensorsWriter.file(header: "{}", data: [], headerLength: n)
        #expect(throws: FormatError.headerTooLarge(length: n)) { try SafetensorsHeader.parse(file) }
    }

    @Test("exactly 100,000,000 passes the cap and then fails on the short file")
    func capIsInclusive() throws {
        let file = SafetensorsWriter.file(header: "{}", data: [], headerLength: 100_000_000)
        #expect(throws: FormatError.invalidHeaderLength(length: 100_000_000, fileSize: 10)) {
            try SafetensorsHeader.parse(file)
        }
    }

    @Test("a length one past the end of the file is rejected")
    func pastEnd() throws {
        let file = SafetensorsWriter.file(header: "{}", data: [], headerLength: 3)
        #expect(throws: FormatError.invalidHeaderLength(length: 3, fileSize: 10)) { try SafetensorsHeader.parse(file) }
    }

    @Test("N = 0 is an empty JSON document")
    func emptyHeader() throws {
        let file = SafetensorsWriter.file(header: "", data: [])
        #expect(throws: FormatError.invalidJSON(offset: 8, reason: "empty header")) { try SafetensorsHeader.parse(file) }
    }

    @Test("every header length except the true one is rejected")
    func everyWrongLength() throws {
        let writer = SafetensorsWriter(entries: [.init(name: "w", dtype: .f32, shape: [2], bytes: Array(repeating: 1, count: 8))])
        let valid = writer.serialize()
        let trueLength = valid.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(try SafetensorsHeader.parse(valid).headerLength == trueLength)
        for n in 0...UInt64(valid.count + 8) where n != trueLength {
            var bytes = valid
            withUnsafeBytes(of: n.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            // The real header is padded with spaces, so a slightly longer N could still parse
            // when it only swallows padding... but then the data section is short: never valid.
            #expect(throws: FormatError.self) { try SafetensorsHeader.parse(bytes) }
        }
    }

    @Test("every truncation of a valid file is rejected")
    func everyTruncation() throws {
        let writer = SafetensorsWriter(entries: [
            .init(name: "a", dtype: .f16, shape: [3], bytes: [1, 2, 3, 4, 5, 6]),
            .init(name: "b", dtype: .u8, shape: [2, 2], bytes: [9, 8, 7, 6]),
        ], metadata: ["format": "pt"])
        let valid = writer.serialize()
        #expect(try SafetensorsHeader.parse(valid).tensors.count == 2)
        for length in 0..<valid.count {
            #expect(throws: FormatError.self) { try SafetensorsHeader.parse(Array(valid[0..<length])) }
        }
    }
}
