import Testing
import SafetensorsFormat
import TestSupport

/// Offsets and sizes (docs/FORMAT.md §6): the data section must be tiled exactly.
@Suite struct LayoutTests {
    static func header(_ entries: [(String, String, [UInt64], UInt64, UInt64)]) -> String {
        "{" + entries.map { name, dtype, shape, b, e in
            "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":[\(shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(b),\(e)]}"
        }.joined(separator: ",") + "}"
    }

    static func parse(_ entries: [(String, String, [UInt64], UInt64, UInt64)], dataLength: Int) throws(FormatError) -> SafetensorsHeader {
        try SafetensorsHeader.parse(SafetensorsWriter.file(header: header(entries), data: Array(repeating: 0, count: dataLength)))
    }

    @Test("file order is data order, whatever the JSON order")
    func sortsByOffsets() throws {
        let parsed = try Self.parse([("z", "U8", [2], 0, 2), ("a", "U8", [1], 2, 3), ("m", "U8", [0], 2, 2)], dataLength: 3)
        #expect(parsed.tensors.map(\.name) == ["z", "m", "a"])
    }

    struct OffsetCase: Sendable, CustomTestStringConvertible {
        let label: String
        let spans: [Span]
        let dataLength: Int
        let tensor: String
        let expectedBegin: UInt64
        var testDescription: String { label }
    }

    struct Span: Sendable {
        let name: String
        let begin: UInt64
        let end: UInt64
        init(_ name: String, _ begin: UInt64, _ end: UInt64) { self.name = name; self.begin = begin; self.end = end }
    }

    @Test("offset violations", arguments: [
        OffsetCase(label: "nonzero start", spans: [Span("a", 1, 3)], dataLength: 3, tensor: "a", expectedBegin: 0),
        OffsetCase(label: "hole", spans: [Span("a", 0, 2), Span("b", 3, 5)], dataLength: 5, tensor: "b", expectedBegin: 2),
        OffsetCase(label: "overlap", spans: [Span("a", 0, 2), Span("b", 1, 3)], dataLength: 3, tensor: "b", expectedBegin: 2),
        OffsetCase(label: "shared range", spans: [Span("a", 0, 2), Span("b", 0, 2)], dataLength: 2, tensor: "b", expectedBegin: 2),
        OffsetCase(label: "end before begin", spans: [Span("a", 2, 0)], dataLength: 2, tensor: "a", expectedBegin: 0),
    ])
    func invalidOffsets(c: OffsetCase) throws {
        let entries = c.spans.map { ($0.name, "U8", [$0.end >= $0.begin ? $0.end - $0.begin : 0], $0.begin, $0.end) }
        let dataLength = c.dataLength, tensor = c.tensor, expected = c.expectedBegin
        do {
            let error = try #require(formatError { try Self.parse(entries, dataLength: dataLength) })
                guard case .invalidOffset(let name, _, _, let expectedBegin) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(name == tensor)
                #expect(expectedBegin == expected)
        }
    }

    @Test("shape × dtype overflow")
    func overflow() throws {
        #expect(throws: FormatError.overflow(tensor: "w")) {
            try Self.parse([("w", "I32", [2, UInt64(Int64.max)], 0, 8)], dataLength: 8)
        }
        #expect(throws: FormatError.overflow(tensor: "w")) {
            try Self.parse([("w", "F64", [1 << 62], 0, 8)], dataLength: 8)
        }
    }

    @Test("packed types must fill whole bytes")
    func misaligned() throws {
        #expect(throws: FormatError.misalignedSlice(tensor: "w", dtype: .f4, elements: 3)) {
            try Self.parse([("w", "F4", [3], 0, 2)], dataLength: 2)
        }
        #expect(throws: FormatError.misalignedSlice(tensor: "w", dtype: .f6E3M2, elements: 6)) {
            try Self.parse([("w", "F6_E3M2", [2, 3], 0, 5)], dataLength: 5)
        }
    }

    @Test("span must equal shape × dtype size")
    func sizeMismatch() throws {
        #expect(throws: FormatError.sizeMismatch(tensor: "w", expectedBytes: 8, actualBytes: 6)) {
            try Self.parse([("w", "F16", [4], 0, 6)], dataLength: 6)
        }
    }

    @Test("the data must end exactly at end of file")
    func incomplete() throws {
        #expect(throws: FormatError.incompleteBuffer(dataEnd: 4, dataLength: 5)) {
            try Self.parse([("w", "F32", [1], 0, 4)], dataLength: 5)
        }
        // Header promises 8 bytes; the file holds 4.
        #expect(throws: FormatError.incompleteBuffer(dataEnd: 8, dataLength: 4)) {
            try Self.parse([("w", "F64", [1], 0, 8)], dataLength: 4)
        }
    }

    @Test("bit width of every dtype gives the byte size a hand table expects")
    func dtypeSizes() throws {
        // Bytes for 4 elements, from the safetensors 0.8 dtype table.
        let expected: [String: UInt64] = [
            "BOOL": 4, "F4": 2, "F6_E2M3": 3, "F6_E3M2": 3, "U8": 4, "I8": 4, "F8_E5M2": 4, "F8_E4M3": 4,
            "F8_E8M0": 4, "F8_E4M3FNUZ": 4, "F8_E5M2FNUZ": 4, "I16": 8, "U16": 8, "F16": 8, "BF16": 8,
            "I32": 16, "U32": 16, "F32": 16, "C64": 32, "F64": 32, "I64": 32, "U64": 32,
        ]
        #expect(expected.count == DType.allCases.count)
        for (name, bytes) in expected {
            let parsed = try Self.parse([("w", name, [4], 0, bytes)], dataLength: Int(bytes))
            #expect(parsed.tensors.first?.dtype.rawValue == name)
        }
    }

    @Test("scalars and empty tensors are valid, several empty ones at one offset")
    func edgeShapes() throws {
        let parsed = try Self.parse([("s", "F32", [], 0, 4), ("e1", "F32", [0], 4, 4), ("e2", "F32", [0, 3], 4, 4)],
                                    dataLength: 4)
        #expect(parsed.tensors.map(\.elementCount) == [1, 0, 0])
        let empty = try SafetensorsHeader.parse(SafetensorsWriter.file(header: "{}", data: []))
        #expect(empty.tensors.isEmpty && empty.dataLength == 0)
    }
}
