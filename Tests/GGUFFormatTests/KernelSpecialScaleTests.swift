@testable import GGUFFormat
import Testing
import TestSupport

/// The AVX2 block kernels against the portable Swift ones on scales chosen to hurt: ±Inf
/// (0x7C00/0xFC00), quiet and signalling NaN (0x7E00/0x7C01), ±0, the smallest subnormals and
/// the largest finite f16, every block alike or one bad block in the middle of a row, at every
/// row length from 1 to 19 blocks. The counts of NaN and ±Inf are checked against a third
/// count: `dequantize` then the one-value-at-a-time statistics.
@Suite struct KernelSpecialScaleTests {
    static let specialScales: [UInt16] = [0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE00, 0x0000, 0x8000, 0x0001, 0x8001, 0x7BFF, 0xFBFF, 0x0400]

    /// Byte offsets of the f16 scale fields of one block (`d`, then `dmin` where the type has one).
    static func scaleFields(_ type: GGMLType) -> [Int] {
        switch type.name {
        case "Q4_1", "Q5_1", "Q4_K", "Q5_K": [0, 2]
        case "Q6_K": [208]
        default: [0]
        }
    }

    @Test(.enabled(if: VectorBlockKernels.available, "this CPU has no AVX2: only the portable kernels run"),
          arguments: ["Q8_0", "Q4_0", "Q5_0", "Q4_1", "Q5_1", "Q6_K", "Q4_K", "Q5_K"])
    func specialScalesAgreeBitForBit(typeName: String) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: UInt64(type.id) &+ 0x5CA1E)
        for scale in Self.specialScales {
            for field in Self.scaleFields(type).indices {
                for blocks in 1 ... (type.blockSize == 256 ? 6 : 19) {
                    for everyBlock in [true, false] {
                        var bytes = (0 ..< blocks * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
                        for block in 0 ..< blocks {
                            for offset in Self.scaleFields(type) {  // tame scales first: 1.0
                                bytes[block * type.typeSize + offset] = 0x00
                                bytes[block * type.typeSize + offset + 1] = 0x3C
                            }
                            guard everyBlock || block == blocks / 2 else { continue }
                            let at = block * type.typeSize + Self.scaleFields(type)[field]
                            bytes[at] = UInt8(scale & 0xFF)
                            bytes[at + 1] = UInt8(scale >> 8)
                        }
                        let note = "\(typeName) scale 0x\(String(scale, radix: 16)) field \(field) blocks \(blocks) every \(everyBlock)"
                        try bytes.withUnsafeBytes { raw in
                            let vector = try GGUFRowDecoding.moments(ofRow: raw, type: type)
                            let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                            let reference = GGUFRowMoments(values: try GGUFRowDecoding.dequantize(row: raw, type: type))
                            #expect(vector.sum.bitPattern == portable.sum.bitPattern || vector.sum.isNaN && portable.sum.isNaN, "\(note): Σ")
                            #expect(vector.sumOfSquares.bitPattern == portable.sumOfSquares.bitPattern
                                    || vector.sumOfSquares.isNaN && portable.sumOfSquares.isNaN, "\(note): Σx²")
                            #expect(vector.minimum.bitPattern == portable.minimum.bitPattern
                                    && vector.maximum.bitPattern == portable.maximum.bitPattern, "\(note): extremes")
                            for m in [vector, portable] {
                                #expect(m.count == reference.count && m.nanCount == reference.nanCount
                                        && m.positiveInfinityCount == reference.positiveInfinityCount
                                        && m.negativeInfinityCount == reference.negativeInfinityCount, "\(note): counts")
                            }
                        }
                    }
                }
            }
        }
    }
}
