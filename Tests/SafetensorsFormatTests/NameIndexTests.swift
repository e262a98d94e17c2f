import Testing
@testable import SafetensorsFormat
import TestSupport

/// Tensor names are byte strings, as in the reference implementation: lookups and duplicate
/// detection compare bytes, never Unicode-normalised text.
@Suite struct NameIndexTests {
    @Test("canonically equivalent names with different bytes are two tensors (the reference accepts the file)")
    func equivalentNames() throws {
        let header = try SafetensorsHeader.parse([UInt8](try Fixtures.data("edge/equivalent-names.safetensors")))
        let precomposed = "caf\u{E9}", decomposed = "cafe\u{301}"
        #expect(precomposed == decomposed, "Swift's String == says they are equal; bytes differ")
        #expect(header.tensors.count == 2)
        #expect(header.tensor(named: precomposed)?.begin == 0)
        #expect(header.tensor(named: decomposed)?.begin == 1)
        #expect(header.tensor(named: "cafe") == nil)
    }

    @Test("the same bytes twice are still a duplicate key")
    func duplicateBytes() throws {
        let json = #"{"caf\u00e9":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"café":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#
        var file = [UInt8](repeating: 0, count: 8)
        let bytes = Array(json.utf8)
        withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { file.replaceSubrange(0..<8, with: $0) }
        file += bytes + [1, 2]
        #expect(throws: FormatError.self) { try SafetensorsHeader.parse(file) }
    }

    @Test("10,000 names from an index sized for none: every one found, every repeat reported, as a Set of byte arrays says")
    func manyNames() {
        var rng = SeededRandom(seed: 42)
        var index = NameIndex(expectedCount: 0)
        var names: [String] = []
        var seen: [[UInt8]: Int] = [:]
        for k in 0..<10_000 {
            // Short names from a small alphabet, so repeats happen; some non-ASCII.
            let length = Int(rng.next() % 4) + 1
            let name = String((0..<length).map { _ in ["a", "b", "é", "e\u{301}", ".", "1"][Int(rng.next() % 6)] }.joined())
            let expected = seen[Array(name.utf8)]
            let found = index.insert(name, ordinal: names.count, nameOf: { names[$0] })
            #expect(found == expected, "name \(k)")
            if expected == nil {
                seen[Array(name.utf8)] = names.count
                names.append(name)
            }
        }
        #expect(index.count == names.count)
        for (ordinal, name) in names.enumerated() {
            #expect(index.find(name, nameOf: { names[$0] }) == ordinal)
        }
        #expect(index.find("zzz", nameOf: { names[$0] }) == nil)
    }
}
