import Testing
import GGUFFormat

/// A key's bad elements make one problem with a count, not one problem each: 2,000,000 bool
/// bytes of 2 in a 2 MB file made 2,000,000 problems (1.5 GB, 16 s for `inspect`; helper-143).
/// The files are built here byte by byte, as the GGUF spec lays them out.
@Suite struct MetadataProblemCountTests {
    /// A GGUF v3 file without tensors whose keys each hold an array of `type` (7 bool, 8 string)
    /// with the given encoded elements.
    static func file(_ keys: [(String, UInt32, [[UInt8]])]) -> [UInt8] {
        func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        var bytes = Array("GGUF".utf8) + u32(3) + u64(0) + u64(UInt64(keys.count))
        for (key, type, elements) in keys {
            bytes += u64(UInt64(key.utf8.count)) + Array(key.utf8) + u32(9) + u32(type) + u64(UInt64(elements.count))
            for element in elements { bytes += element }
        }
        return bytes
    }

    static func string(_ raw: [UInt8]) -> [UInt8] { withUnsafeBytes(of: UInt64(raw.count).littleEndian, Array.init) + raw }

    @Test("three bool bytes 2, 1, 3 in one key: one problem, count 2, the first byte and its offset")
    func bools() throws {
        let bytes = Self.file([("a.flags", 7, [[2], [1], [3]])])
        // magic 4 + version 4 + counts 16 + key length 8 + "a.flags" 7 + type 4 + element type 4 + count 8
        let first = 4 + 4 + 16 + 8 + 7 + 4 + 4 + 8
        let file = try GGUFFile.parse(bytes)
        #expect(file.metadata["a.flags"] == .array(.bool([true, true, true])))
        #expect(file.problems == [.nonCanonicalBool(key: "a.flags", offset: first, byte: 2, count: 2)])
        #expect(file.problems.first?.description == "metadata \"a.flags\": 2 bool bytes are neither 0 nor 1 (the first, 2, at byte \(first))")
    }

    @Test("two keys with invalid UTF-8 strings: one problem each, counted per key, in file order")
    func strings() throws {
        let bad = Self.string([0xFF]), good = Self.string(Array("ok".utf8))
        let bytes = Self.file([("x.tokens", 8, [bad, good, bad, bad]), ("y.names", 8, [bad])])
        let file = try GGUFFile.parse(bytes)
        let firstX = 4 + 4 + 16 + 8 + 8 + 4 + 4 + 8
        let firstY = firstX + 9 + 10 + 9 + 9 + 8 + 7 + 4 + 4 + 8
        #expect(file.problems == [.invalidUTF8Value(key: "x.tokens", offset: firstX, count: 3),
                                  .invalidUTF8Value(key: "y.names", offset: firstY)])
    }

    @Test("200,000 bad bools and 200,000 bad strings: still one problem per key")
    func many() throws {
        let bytes = Self.file([("b", 7, Array(repeating: [2], count: 200_000)),
                               ("s", 8, Array(repeating: Self.string([0xC0]), count: 200_000))])
        let file = try GGUFFile.parse(bytes)
        #expect(file.problems.count == 2)
        if case .nonCanonicalBool(_, _, _, let count) = file.problems.first { #expect(count == 200_000) } else { Issue.record("\(file.problems)") }
        if case .invalidUTF8Value(_, _, let count) = file.problems.last { #expect(count == 200_000) } else { Issue.record("\(file.problems)") }
    }
}

/// A data section that would start past the end of the file is named as such (helper-143).
@Suite struct DataSectionPastEndTests {
    @Test("alignment 2^31 and one empty tensor in a 90-byte file (24 + 33 + 33 bytes): the data section's start, the header's end and the alignment are named")
    func named() throws {
        func u32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        let key = Array("general.alignment".utf8)
        var bytes = Array("GGUF".utf8) + u32(3) + u64(1) + u64(1)
        bytes += u64(UInt64(key.count)) + key + u32(4) + u32(1 << 31)
        bytes += u64(1) + Array("w".utf8) + u32(1) + u64(0) + u32(0) + u64(0)
        #expect(bytes.count == 24 + (8 + 17 + 4 + 4) + (8 + 1 + 4 + 8 + 4 + 8))
        #expect(throws: GGUFError.dataSectionPastEnd(headerEnd: 90, alignment: 1 << 31, dataOffset: 1 << 31, fileSize: 90)) {
            try GGUFFile.parse(bytes)
        }
        let error = GGUFError.dataSectionPastEnd(headerEnd: 90, alignment: 1 << 31, dataOffset: 1 << 31, fileSize: 90)
        #expect(error.description.hasSuffix("the data section would start at byte 2147483648 (the header's end, byte 90, padded to the alignment 2147483648), past the end of the 90-byte file"))
    }
}
