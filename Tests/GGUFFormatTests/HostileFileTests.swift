import GGUFFormat
import Testing

/// One hand-built file per attack pattern (generate.py, `HOSTILE`), each refused with its own
/// documented error. Expected values are computed by hand from the bytes the generator packs:
/// a 24-byte header, then `u64 length + bytes` strings, 4-byte value types, data padded to 32.
@Suite struct HostileFileTests {
    static let two64 = UInt64.max

    static let cases: [(String, GGUFError)] = [
        ("bad-magic.gguf", .badMagic(found: 0x4755_4747)),
        ("version-1.gguf", .unsupportedVersion(1)),
        ("version-4.gguf", .unsupportedVersion(4)),
        ("big-endian.gguf", .bigEndian(version: 3)),
        // Header 24 bytes + 8 bytes of padding: nothing else fits.
        ("tensor-count-huge.gguf", .countPastEnd(what: "tensor", count: 1 << 63, minimumEntryBytes: 24, available: 8)),
        ("kv-count-huge.gguf", .countPastEnd(what: "key-value", count: two64, minimumEntryBytes: 13, available: 8)),
        ("key-length-huge.gguf", .stringPastEnd(offset: 24, length: two64, available: 32, field: "metadata key")),
        // key "k" (9 bytes) + type (4) puts the string's length at 37; 64 − 45 bytes follow it.
        ("string-value-huge.gguf", .stringPastEnd(offset: 37, length: two64 - 7, available: 19, field: "string in 'k'")),
        ("name-length-huge.gguf", .stringPastEnd(offset: 24, length: 1 << 63, available: 64, field: "tensor name")),
        ("array-count-huge.gguf", .arrayPastEnd(key: "k", offset: 37, count: 1 << 62, available: 15)),
        // Each level is 12 bytes (type + count); the fifth level starts at 37 + 4 × 12.
        ("array-depth-bomb.gguf", .arrayTooDeep(key: "k", offset: 85, depth: 5)),
        ("unknown-value-type.gguf", .unknownValueType(key: "k", offset: 33, type: 13)),
        ("duplicate-key.gguf", .duplicateKey(key: "k", offset: 41)),
        ("invalid-utf8-key.gguf", .invalidUTF8(offset: 24, field: "metadata key")),
        ("alignment-not-power.gguf", .invalidAlignment(48)),
        ("alignment-zero.gguf", .invalidAlignment(0)),
        ("alignment-u64.gguf", .alignmentNotUInt32(type: .uint64)),
        ("five-dims.gguf", .tooManyDimensions(tensor: "t", count: 5)),
        ("unknown-type.gguf", .unknownTensorType(tensor: "t", id: 99)),
        ("retired-type.gguf", .unknownTensorType(tensor: "t", id: 4)),
        ("dims-overflow.gguf", .sizeOverflow(tensor: "t", dimensions: [1 << 32, 1 << 32, 1 << 32])),
        ("bytes-overflow.gguf", .sizeOverflow(tensor: "t", dimensions: [1 << 62])),
        // Found by MutationTests: zero elements, but the row count (2^80) or row size overflows.
        ("zero-dim-overflow.gguf", .sizeOverflow(tensor: "t", dimensions: [0, 1 << 40, 1 << 40])),
        ("zero-rows-huge-row.gguf", .sizeOverflow(tensor: "t", dimensions: [1 << 62, 0])),
        // 8 × 2^40 float32 = 2^45 bytes claimed; the data section holds 32.
        ("lying-dims.gguf", .dataPastEnd(tensor: "t", offset: 0, byteCount: 1 << 45, dataSectionBytes: 32)),
        ("partial-block.gguf", .rowNotWholeBlocks(tensor: "t", rowLength: 33, type: "Q8_0", blockSize: 32)),
        ("offset-past-end.gguf", .dataPastEnd(tensor: "t", offset: 1 << 20, byteCount: 32, dataSectionBytes: 32)),
        ("offset-huge.gguf", .dataPastEnd(tensor: "t", offset: two64 - 31, byteCount: 32, dataSectionBytes: 32)),
        ("misaligned.gguf", .misalignedOffset(tensor: "t", offset: 4, alignment: 32)),
        ("overlap.gguf", .overlappingTensors(first: "a", second: "b")),
        ("overlap-partial.gguf", .overlappingTensors(first: "a", second: "b")),
        ("duplicate-tensor.gguf", .duplicateTensorName("t")),
    ]

    @Test(arguments: cases.map(\.0))
    func refusedWithItsError(name: String) throws {
        let expected = try #require(Self.cases.first { $0.0 == name }?.1)
        let bytes = try GGUFFixtures.bytes("hostile/" + name)
        #expect(throws: expected) { try GGUFFile.parse(bytes) }
        #expect(!expected.description.isEmpty)
    }

    @Test func everyHostileFixtureHasACase() throws {
        let manifest = try #require(try TestSupportJSON.manifest()["hostile"] as? [String: Any])
        #expect(Set(manifest.keys) == Set(Self.cases.map(\.0)))
    }

    @Test func nonCanonicalBoolIsReadAndReported() throws {
        let file = try GGUFFixtures.parse("problem/bool-two.gguf")
        #expect(file.metadata["k"] == .bool(true))
        #expect(file.problems == [.nonCanonicalBool(key: "k", offset: 37, byte: 2)])
    }

    @Test func invalidUTF8ValueIsKeptAndReported() throws {
        let file = try GGUFFixtures.parse("problem/invalid-utf8-value.gguf")
        #expect(file.metadata["k"] == .string("ok\u{FFFD}"))
        #expect(file.problems == [.invalidUTF8Value(key: "k", offset: 37)])
    }

    @Test func longTensorNameIsReadAndReported() throws {
        let file = try GGUFFixtures.parse("problem/long-name.gguf")
        let name = String(repeating: "b", count: 70)
        #expect(file.tensors.map(\.name) == ["a", name])
        #expect(file.problems == [.tensorNameTooLong(name: name, byteCount: 70)])
    }

    @Test func arrayElementBudgetIsEnforced() throws {
        let bytes = try GGUFFixtures.bytes("valid/metadata.gguf")
        let tight = GGUFLimits(maximumArrayElements: 5)
        #expect(throws: GGUFError.tooManyArrayElements(key: "test.array_i16", limit: 5)) {
            try GGUFFile.parse(bytes, limits: tight)
        }
    }
}

import TestSupport

enum TestSupportJSON {
    static func manifest() throws -> [String: Any] {
        try #require(try Fixtures.json("gguf/manifest.json") as? [String: Any])
    }
}

/// Layouts gguf-py reads and llama.cpp refuses, and the metadata key budget, on files packed by
/// hand here: a 24-byte header, `u64 length + bytes` strings, F32 tensors, data aligned to 32.
@Suite struct GGUFLayoutProblemTests {
    /// A version-3 file with one bool key per name in `keys` and F32 tensors of `elements`
    /// values at the given data offsets; the data section holds `dataBytes` zero bytes.
    static func file(keys: [String] = [], tensors: [(name: String, elements: UInt64, offset: UInt64)], dataBytes: Int) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func little<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        func string(_ text: String) { little(UInt64(text.utf8.count)); bytes += Array(text.utf8) }
        little(UInt32(3))
        little(UInt64(tensors.count))
        little(UInt64(keys.count))
        for key in keys {
            string(key)
            little(UInt32(7))  // bool
            bytes.append(1)
        }
        for tensor in tensors {
            string(tensor.name)
            little(UInt32(1))  // one dimension
            little(tensor.elements)
            little(UInt32(0))  // F32
            little(tensor.offset)
        }
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        return bytes + [UInt8](repeating: 0, count: dataBytes)
    }

    static func parse(_ bytes: [UInt8], limits: GGUFLimits = .default) throws -> GGUFFile {
        try GGUFFile.parse(bytes, limits: limits)
    }

    @Test("tensors back to back, each padded to 32 bytes: no problem")
    func contiguous() throws {
        // 3 floats (12 bytes) pad to 32, so the second starts at 32.
        let file = try Self.parse(Self.file(tensors: [("a", 3, 0), ("b", 8, 32)], dataBytes: 64))
        #expect(file.problems.isEmpty)
    }

    @Test("a gap, or tensors out of header order: read as gguf-py reads them, noted as llama.cpp refuses them")
    func gapAndOrder() throws {
        let gap = try Self.parse(Self.file(tensors: [("a", 3, 0), ("b", 8, 64)], dataBytes: 96))
        #expect(gap.tensors.map(\.name) == ["a", "b"])
        #expect(gap.problems == [.unexpectedOffset(tensor: "b", offset: 64, expected: 32)])
        let swapped = try Self.parse(Self.file(tensors: [("a", 8, 32), ("b", 8, 0)], dataBytes: 64))
        #expect(swapped.problems == [.unexpectedOffset(tensor: "a", offset: 32, expected: 0)])
    }

    @Test("more key-value pairs than the limit: refused before any is read")
    func keyBudget() throws {
        let bytes = Self.file(keys: ["x", "y", "z"], tensors: [], dataBytes: 0)
        #expect(throws: GGUFError.tooManyKeyValues(count: 3, limit: 2)) { try Self.parse(bytes, limits: GGUFLimits(maximumKeyValues: 2)) }
        #expect(try Self.parse(bytes, limits: GGUFLimits(maximumKeyValues: 3)).metadata.count == 3)
        #expect(GGUFLimits.default.maximumKeyValues == 65_536)
    }
}
