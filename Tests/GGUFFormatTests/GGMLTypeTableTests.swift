import GGUFFormat
import Testing

/// The type table against gguf-py's `GGML_QUANT_SIZES` and `GGMLQuantizationType` (written to
/// expected.json by the generator).
@Suite struct GGMLTypeTableTests {
    @Test func everyReferenceTypeIsKnownWithItsSizes() throws {
        let reference = try #require(GGUFFixtures.expected["ggml_types"] as? [String: Any])
        #expect(reference.count == GGMLType.all.count)
        for (name, entry) in reference {
            let fields = try #require(entry as? [String: Any])
            let id = try #require(GGUFFixtures.int(fields["id"]))
            let type = try #require(GGMLType(id: UInt32(id)), "id \(id) (\(name)) unknown")
            #expect(type.name == name)
            #expect(type.blockSize == GGUFFixtures.int(fields["block_size"]))
            #expect(type.typeSize == GGUFFixtures.int(fields["type_size"]))
            #expect(GGMLType(name: name) == type)
        }
    }

    @Test(arguments: [4, 5, 31, 32, 33, 36, 37, 38, 42, 1000, UInt32.max])
    func retiredAndUnusedIdsAreUnknown(id: UInt32) {
        #expect(GGMLType(id: id) == nil)
    }

    @Test func decodableTypesAreExactlyTheListedOnes() {
        let decoded = GGMLType.all.filter(GGUFRowDecoding.isDecodable).map(\.name)
        #expect(decoded == ["F32", "F16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "BF16"])
        for type in GGMLType.all where !GGUFRowDecoding.isDecodable(type) {
            #expect(GGUFRowDecoding.skipReason(for: type)?.isEmpty == false)
        }
    }
}
