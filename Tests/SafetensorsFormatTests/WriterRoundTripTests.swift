import Testing
import SafetensorsFormat
import TestSupport

/// Our writer and parser agree on randomly generated checkpoints, with layouts computed here.
@Suite struct WriterRoundTripTests {
    @Test("random checkpoints round-trip", arguments: 0..<20)
    func roundTrip(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let byteDTypes = DType.allCases.filter { $0.byteWidth != nil }
        var entries: [SafetensorsWriter.Entry] = []
        for i in 0..<Int.random(in: 0...12, using: &rng) {
            let dtype = byteDTypes.randomElement(using: &rng) ?? .u8
            let shape = (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt64.random(in: 0...5, using: &rng) }
            let count = shape.reduce(1, *) * UInt64(dtype.byteWidth ?? 1)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
            entries.append(.init(name: "t\(i).w\u{e9}\"", dtype: dtype, shape: shape, bytes: bytes))
        }
        let file = SafetensorsWriter(entries: entries, metadata: ["format": "pt", "seed": "\(seed)"]).serialize()
        let header = try SafetensorsHeader.parse(file)
        #expect(header.headerLength % 8 == 0)
        #expect(header.metadata == ["format": "pt", "seed": "\(seed)"])
        var offset: UInt64 = 0
        // Entries were laid out in order; zero-size ones share an offset and sort by JSON order.
        let expected = entries.map { e -> (String, UInt64, UInt64) in
            defer { offset += UInt64(e.bytes.count) }
            return (e.name, offset, offset + UInt64(e.bytes.count))
        }
        let byName = Dictionary(uniqueKeysWithValues: header.tensors.map { ($0.name, $0) })
        for (name, begin, end) in expected {
            #expect(byName[name]?.begin == begin)
            #expect(byName[name]?.end == end)
        }
        #expect(header.tensors.count == entries.count)
        #expect(header.dataLength == offset)
    }
}
