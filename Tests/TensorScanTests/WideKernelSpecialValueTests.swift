import Testing
@testable import TensorScan
import TestSupport

/// The AVX-512 moment loops against the AVX2 ones on the values that break vector code: every
/// one of the 65,536 F16 and BF16 bit patterns (NaN payloads, ±Inf, subnormals, ±0) in shuffled
/// chunks of every length class, F32 subnormals, NaN payloads and the largest finite values, all
/// read from starts that are not aligned to the element size. Reports must not depend on the CPU,
/// so the two are compared bit for bit.
@Suite struct WideKernelSpecialValueTests {
    static let lengths = [1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 1000, 2047, 2048]

    /// `bytes` copied to byte offset `shift` of a fresh buffer, then `body` on that start.
    static func unaligned<T>(_ bytes: [UInt8], shift: Int, _ body: (UnsafeRawPointer) -> T) -> T {
        let padded = [UInt8](repeating: 0xA5, count: shift) + bytes + [0xA5, 0xA5, 0xA5, 0xA5]
        return padded.withUnsafeBytes { body($0.baseAddress! + shift) }
    }

    static func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

    @Test("every F16 and BF16 pattern, shuffled, at unaligned starts: AVX-512 == AVX2 bit for bit",
          .enabled(if: MomentKernels.Path.avx512.isAvailable))
    func every16BitPattern() {
        var rng = SeededRandom(seed: 0xF16F16)
        var patterns = (0 ... UInt16.max).map { $0 }
        patterns.shuffle(using: &rng)
        var start = 0, round = 0
        while start < patterns.count {
            let length = Swift.min(Self.lengths[round % Self.lengths.count], patterns.count - start)
            let chunk = Self.bytes(Array(patterns[start ..< start + length]))
            let shift = round % 3
            for kind in ["f16", "bf16"] {
                let (wide, narrow) = Self.unaligned(chunk, shift: shift) { base in
                    kind == "f16"
                        ? (MomentKernels.f16Chunk(base, length, path: .avx512), MomentKernels.f16Chunk(base, length, path: .avx2))
                        : (MomentKernels.bf16Chunk(base, length, path: .avx512), MomentKernels.bf16Chunk(base, length, path: .avx2))
                }
                #expect(WideKernelTests.bitIdentical(wide, narrow), "\(kind) chunk at \(start), length \(length), shift \(shift)")
            }
            start += length
            round += 1
        }
    }

    @Test("F32 subnormals, NaN payloads, ±Inf, ±max at unaligned starts: AVX-512 == AVX2 bit for bit",
          .enabled(if: MomentKernels.Path.avx512.isAvailable), arguments: lengths)
    func f32SpecialValues(length: Int) {
        var rng = SeededRandom(seed: UInt64(length) &+ 0xF32)
        let specials: [UInt32] = [0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x807F_FFFF, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000,
                                  0xFFC0_0001, 0x7F80_0001, 0x7F7F_FFFF, 0xFF7F_FFFF, 0x0000_0000, 0x8000_0000, 0x0080_0000]
        var rows: [[UInt32]] = []
        rows.append((0 ..< length).map { _ in UInt32.random(in: 0 ... 0x00FF_FFFF, using: &rng) | (Bool.random(using: &rng) ? 0x8000_0000 : 0) })
        rows.append((0 ..< length).map { _ in specials.randomElement(using: &rng)! })
        rows.append((0 ..< length).map { _ in UInt32.random(in: 0 ... .max, using: &rng) })
        rows.append((0 ..< length).map { i in i % 2 == 0 ? 0x7F7F_FFFF : 0x7F7F_FFFE })  // Σx² overflows
        for (r, row) in rows.enumerated() {
            for shift in 0 ..< 4 {
                let (wide, narrow) = Self.unaligned(Self.bytes(row), shift: shift) { base in
                    (MomentKernels.floatChunk(base, length, path: .avx512), MomentKernels.floatChunk(base, length, path: .avx2))
                }
                #expect(WideKernelTests.bitIdentical(wide, narrow), "f32 row \(r), length \(length), shift \(shift)")
            }
        }
    }
}

/// The AVX2 F16 lanes against Swift's own binary16 → binary32 conversion, for every finite
/// pattern: in chunks of 16 (the two-vector step, codes in even and odd lanes) and of 8 (the
/// one-vector step). A chunk's Σx is exact in double in any order (F16 values span 2^-24 … 2^16,
/// 40 bits, plus 4 bits of count), and its extremes are values, so both must match exactly.
@Suite struct F16LaneConversionTests {
    @Test("every finite F16 pattern through the AVX2 lanes: Σx and extremes exactly Float(Float16)'s",
          .enabled(if: MomentKernels.Path.avx2.isAvailable), arguments: [16, 8])
    func everyFinitePattern(length: Int) {
        var rng = SeededRandom(seed: 0xF16 &+ UInt64(length))
        var patterns = (0 ... UInt16.max).filter { Float16(bitPattern: $0).isFinite }
        patterns.shuffle(using: &rng)
        var mismatches = 0
        for start in stride(from: 0, to: patterns.count - length + 1, by: length) {
            let codes = Array(patterns[start ..< start + length])
            let values = codes.map { Float(Float16(bitPattern: $0)) }
            let m = WideKernelSpecialValueTests.bytes(codes).withUnsafeBytes {
                MomentKernels.f16Chunk($0.baseAddress!, length, path: .avx2)
            }
            let sum = values.reduce(0.0) { $0 + Double($1) }
            if m.sum.bitPattern != sum.bitPattern || m.minimum != Double(values.min()!) || m.maximum != Double(values.max()!) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0, "\(mismatches) chunks of \(length) differ")
    }
}
