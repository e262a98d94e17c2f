@testable import GGUFFormat
import Testing

/// The AVX2 affine kernels (Q4_1, Q5_1, Q4_K, Q5_K) keep a row's extremes in eight float lanes,
/// where the Swift `DoubleAccumulator` keeps four (each fed the smaller of two values first).
/// Both see the same values, so they agree on every extreme except a zero: between +0 and −0
/// the winner depends on the order of the comparisons. These rows are built so that the two
/// orders disagree — a +0 at one element of the first block, every value of the second block −0
/// (d = −0): the Swift order keeps the +0 it saw first, eight lanes would report −0 — and the
/// AVX2 kernels must then redo the row in the Swift order. The minimum's +0 sits at element 0
/// (the Swift fold keeps lane 0 on ties), the maximum's at element 3 (its fold keeps lane 3).
/// Without that redo both cases fail for every type (checked by disabling it).
@Suite(.enabled(if: VectorBlockKernels.available, "this CPU has no AVX2: only the portable kernels run"))
struct AffineZeroSignTests {
    /// Two blocks of `type`: block 0 with d = `firstScale`, every code 1 except element `zeroAt`
    /// (code 0, value +0); block 1 with d = −0, so each of its values is −0.
    static func row(_ type: GGMLType, firstScale: UInt16, zeroAt: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 2 * type.typeSize)
        for block in 0 ..< 2 {
            let at = block * type.typeSize
            let d: UInt16 = block == 0 ? firstScale : 0x8000
            bytes[at] = UInt8(d & 0xFF)
            bytes[at + 1] = UInt8(d >> 8)
            // Block 1: Q4_1/Q5_1 m = −0 (−0·q + −0 = −0); K types dmin = +0 (−0 − +0 = −0).
            // Block 0, element 0: +0 + +0 (m = +0), or for K types with d < 0: −0 − (−0·min) = +0.
            let affine = type == .q4_1 || type == .q5_1
            if affine, block == 1 { bytes[at + 3] = 0x80 }
            if !affine, block == 0, firstScale & 0x8000 != 0 { bytes[at + 3] = 0x80 }
            let codes: Int
            switch type.name {
            case "Q4_1": codes = 4
            case "Q5_1": codes = 8  // fifth bits (bytes 4–7) stay 0
            case "Q4_K": codes = 16
            default: codes = 48  // Q5_K: fifth bits (bytes 16–47) stay 0
            }
            if type == .q4_K || type == .q5_K {
                for j in 0 ..< 12 { bytes[at + 4 + j] = 0x01 }  // every sub-block scale 1 (and minimum 1 or 0)
            }
            for j in codes ..< type.typeSize { bytes[at + j] = 0x11 }
            bytes[at + codes + zeroAt] = 0x10  // element `zeroAt` (low nibble of byte zeroAt): code 0
        }
        return bytes
    }

    @Test(arguments: ["Q4_1", "Q5_1", "Q4_K", "Q5_K"])
    func zeroExtremesTakeTheSwiftOrder(typeName: String) throws {
        let type = try #require(GGMLType(name: typeName))
        // d = 1.0: values ≥ 0, the minimum is a zero; d = −1.0: values ≤ 0, the maximum is.
        for (firstScale, minimumIsZero) in [(UInt16(0x3C00), true), (UInt16(0xBC00), false)] {
            let zeroAt = minimumIsZero ? 0 : 3
            let bytes = Self.row(type, firstScale: firstScale, zeroAt: zeroAt)
            try bytes.withUnsafeBytes { raw in
                let vector = try GGUFRowDecoding.moments(ofRow: raw, type: type)
                let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                let values = try GGUFRowDecoding.dequantize(row: raw, type: type)
                // The row is what it should be: +0 first, then −0s.
                #expect(values[zeroAt].bitPattern == 0 && values[type.blockSize...].allSatisfy { $0.bitPattern == 0x8000_0000 },
                        "\(typeName): \(values[zeroAt]), \(values[type.blockSize])")
                #expect((minimumIsZero ? portable.minimum : portable.maximum) == 0, "\(typeName) d 0x\(String(firstScale, radix: 16))")
                #expect(vector.minimum.bitPattern == portable.minimum.bitPattern && vector.maximum.bitPattern == portable.maximum.bitPattern,
                        "\(typeName) d 0x\(String(firstScale, radix: 16)): \(vector.minimum)…\(vector.maximum) vs \(portable.minimum)…\(portable.maximum)")
                #expect(vector.sum.bitPattern == portable.sum.bitPattern && vector.sumOfSquares.bitPattern == portable.sumOfSquares.bitPattern)
            }
        }
    }
}
