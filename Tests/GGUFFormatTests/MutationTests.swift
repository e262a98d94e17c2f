import GGUFFormat
import Testing
import TestSupport

/// A small in-test fuzzer: seeded random mutations of valid files (bytes flipped, 8-byte fields
/// overwritten with extreme values, cut short). Every result must be an error or a file whose
/// invariants hold; a trap would end the test process.
@Suite struct MutationTests {
    static let extremes: [UInt64] = [0, 1, 3, 4, 5, 0x7F, 0xFF, 1 << 31, 1 << 32, 1 << 62, 1 << 63,
                                     UInt64.max, UInt64.max - 7, UInt64(Int.max)]

    @Test(arguments: ["valid/small.gguf", "valid/metadata.gguf", "valid/special.gguf"])
    func mutatedFilesFailCleanlyOrKeepTheirInvariants(name: String) throws {
        let original = try GGUFFixtures.bytes(name)
        var random = SeededRandom(seed: 0xF022 &+ UInt64(original.count))
        var read = 0
        for _ in 0 ..< 20000 {
            var bytes = original
            // Mutations land in the header most of the time: that is where the parser works.
            let headerEnd = min(bytes.count, 1600)
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &random) {
                let at = Int.random(in: 0 ..< headerEnd, using: &random)
                switch Int.random(in: 0 ..< 3, using: &random) {
                case 0:
                    bytes[at] ^= UInt8(1 << Int.random(in: 0 ..< 8, using: &random))
                case 1:
                    let value = Self.extremes.randomElement(using: &random) ?? 0
                    for k in 0 ..< 8 where at + k < bytes.count { bytes[at + k] = UInt8(truncatingIfNeeded: value >> (8 * k)) }
                default:
                    bytes[at] = UInt8.random(in: 0 ... 255, using: &random)
                }
            }
            if Int.random(in: 0 ..< 10, using: &random) == 0 {
                bytes.removeLast(Int.random(in: 0 ..< bytes.count, using: &random))
            }
            guard let file = try? GGUFFile.parse(bytes) else { continue }
            read += 1
            #expect(file.dataOffset % file.alignment == 0)
            for tensor in file.tensors {
                #expect(tensor.byteRange.lowerBound >= file.dataOffset && tensor.byteRange.upperBound <= bytes.count)
                #expect(tensor.shape.count <= 4)
                #expect(tensor.byteCount == tensor.rowCount * tensor.rowByteCount)
                guard GGUFRowDecoding.isDecodable(tensor.type), (1 ... 64).contains(tensor.rowCount), tensor.rowLength > 0 else { continue }
                let start = tensor.byteRange.lowerBound
                let moments = try bytes.withUnsafeBytes { raw in
                    try GGUFRowDecoding.moments(ofRow: UnsafeRawBufferPointer(rebasing: raw[start ..< start + tensor.rowByteCount]),
                                                type: tensor.type)
                }
                #expect(moments.count == tensor.rowLength)
            }
        }
        // Some mutations (a flipped value byte, a cut padding byte) leave a readable file.
        #expect(read > 0)
    }
}
