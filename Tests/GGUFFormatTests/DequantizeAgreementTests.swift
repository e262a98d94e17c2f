@testable import GGUFFormat
import Testing

/// `GGUFRowDecoding.dequantize` of Q8_0 rows through the AVX2 kernel (`cmk_q8_0_dequantize_avx2`,
/// what `diff` uses) against the portable Swift `Q8_0Kernel.decode`, bit for bit: every one of
/// the 65,536 f16 scale codes (±0, subnormals, ±Inf, quiet and signalling NaN included), each
/// with all 256 code bytes. gguf-py's own values are checked against the same function on the
/// committed fixtures (`ReferenceFileTests`).
@Suite struct DequantizeAgreementTests {
    @Test(.enabled(if: VectorBlockKernels.available, "this CPU has no AVX2: only the portable kernel runs"))
    func q8_0EveryScaleEveryCode() {
        // 8 blocks a scale: codes 0...255 as signed bytes, 32 a block.
        let blocksPerScale = 8
        var row: [UInt8] = []
        row.reserveCapacity(65_536 * blocksPerScale * 34)
        for scale in 0 ... 0xFFFF {
            for block in 0 ..< blocksPerScale {
                row += [UInt8(scale & 0xFF), UInt8(scale >> 8)]
                row += (0 ..< 32).map { UInt8(block * 32 + $0) }
            }
        }
        let count = 65_536 * blocksPerScale * 32
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: count), portable = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { wide.deallocate(); portable.deallocate() }
        let written = row.withUnsafeBytes { raw in
            [try? GGUFRowDecoding.dequantize(row: raw, type: .q8_0, into: wide),
             try? GGUFRowDecoding.dequantize(row: raw, type: .q8_0, into: portable, portable: true)]
        }
        #expect(written == [count, count])
        var differing = 0
        for i in 0 ..< count where wide[i].bitPattern != portable[i].bitPattern { differing += 1 }
        #expect(differing == 0)
        // By hand: scale 0x3C00 (1.0) gives the codes themselves; 0xC000 (−2.0) doubles and negates.
        let one = 0x3C00 * blocksPerScale * 32, minusTwo = 0xC000 * blocksPerScale * 32
        #expect(wide[one + 1] == 1 && wide[one + 255] == -1 && wide[one + 128] == -128 && wide[one + 127] == 127)
        #expect(wide[minusTwo + 3] == -6 && wide[minusTwo + 200] == 112)
    }
}
