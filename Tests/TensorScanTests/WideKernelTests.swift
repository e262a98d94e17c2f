import Foundation
import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The AVX2 loops (CMomentKernels) against the portable Swift loop on the same chunks: they sum
/// in a different order, so sums agree to rounding, while extremes, counts and flags are exact.
/// The AVX-512 loops against the AVX2 ones: bit for bit.
@Suite struct WideKernelTests {
    @Test("the AVX2 path is chosen exactly when /proc/cpuinfo lists avx2 and fma")
    func detection() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") }.map {
            Set($0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" }).map(String.init))
        } ?? []
        #expect(MomentKernels.hasAVX2 == (flags.contains("avx2") && flags.contains("fma")))
        let avx512 = MomentKernels.hasAVX2 && ["avx512f", "avx512dq", "avx512vl"].allSatisfy(flags.contains)
        #expect(MomentKernels.Path.best == (avx512 ? .avx512 : MomentKernels.hasAVX2 ? .avx2 : .portable))
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }

    static func expectAgreement(_ wide: RowMoments, _ portable: RowMoments, _ note: String) {
        #expect(wide.count == portable.count, "\(note)")
        #expect(closeEnough(wide.sum, portable.sum, relative: 1e-12), "\(note)")
        #expect(closeEnough(wide.sumOfSquares, portable.sumOfSquares, relative: 1e-12), "\(note)")
        #expect(closeEnough(wide.centeredSquares, portable.centeredSquares, relative: 1e-12), "\(note)")
        // Exact, with "no value" (NaN, for an all-NaN chunk) equal to itself.
        #expect(same(wide.minimum, portable.minimum) && same(wide.maximum, portable.maximum), "\(note)")
        #expect(wide.nanCount == portable.nanCount, "\(note)")
        #expect(wide.positiveInfinityCount == portable.positiveInfinityCount, "\(note)")
        #expect(wide.negativeInfinityCount == portable.negativeInfinityCount, "\(note)")
        #expect(wide.allBitsZero == portable.allBitsZero && wide.allValuesZero == portable.allValuesZero, "\(note)")
    }

    /// Random rows: plain, offset (the centred second pass), with NaN/±Inf, with ±0 only.
    static func rows(length: Int, using rng: inout SeededRandom) -> [[Float]] {
        let plain = (0..<length).map { _ in Float.random(in: -3...3, using: &rng) }
        let offset = plain.map { $0 * 0.01 + 500 }
        var special = plain
        for (k, value) in [Float.nan, .infinity, -.infinity, -0.0].enumerated() where length > k {
            special[Int.random(in: 0..<length, using: &rng)] = value
        }
        var zeros = [Float](repeating: 0, count: length)
        zeros[Int.random(in: 0..<length, using: &rng)] = -0.0
        return [plain, offset, special, zeros, [Float](repeating: 0, count: length)]
    }

    @Test("F32, BF16 and F16 chunks: AVX2 and portable paths agree", arguments: [1, 7, 8, 9, 15, 16, 17, 23, 100, 2047, 2048])
    func agreement(length: Int) {
        guard MomentKernels.hasAVX2 else { return }
        var rng = SeededRandom(seed: UInt64(length))
        for (r, row) in Self.rows(length: length, using: &rng).enumerated() {
            row.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                Self.expectAgreement(MomentKernels.floatChunk(base, length, path: .avx2),
                                     MomentKernels.floatChunk(base, length, path: .portable), "f32 row \(r)")
            }
            let bf16 = row.map { UInt16($0.bitPattern >> 16) }
            let f16 = row.map { Float16($0).bitPattern }
            bf16.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                Self.expectAgreement(MomentKernels.bf16Chunk(base, length, path: .avx2),
                                     MomentKernels.bf16Chunk(base, length, path: .portable), "bf16 row \(r)")
            }
            f16.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                Self.expectAgreement(MomentKernels.f16Chunk(base, length, path: .avx2),
                                     MomentKernels.f16Chunk(base, length, path: .portable), "f16 row \(r)")
            }
        }
    }

    /// RowMoments compared field by field with `==` on the doubles' bit patterns.
    static func bitIdentical(_ a: RowMoments, _ b: RowMoments) -> Bool {
        let x = [a.sum, a.sumOfSquares, a.centeredSquares, a.minimum, a.maximum].map(\.bitPattern)
        let y = [b.sum, b.sumOfSquares, b.centeredSquares, b.minimum, b.maximum].map(\.bitPattern)
        return x == y && a.count == b.count && a.nanCount == b.nanCount
            && a.positiveInfinityCount == b.positiveInfinityCount && a.negativeInfinityCount == b.negativeInfinityCount
            && a.allBitsZero == b.allBitsZero && a.allValuesZero == b.allValuesZero
    }

    @Test("F32, BF16 and F16 chunks: the AVX-512 and AVX2 paths agree bit for bit (reports do not depend on the CPU)",
          .enabled(if: MomentKernels.Path.avx512.isAvailable),
          arguments: [1, 7, 8, 9, 15, 16, 17, 23, 24, 31, 32, 33, 100, 1000, 2047, 2048])
    func avx512MatchesAVX2(length: Int) {
        var rng = SeededRandom(seed: UInt64(length) &+ 77)
        var rows = Self.rows(length: length, using: &rng)
        // Wide dynamic range: the sums round at every step, so a changed order would show.
        rows.append((0..<length).map { _ in Float.random(in: -1...1, using: &rng) * Float(sign: .plus, exponent: Int.random(in: -30...30, using: &rng), significand: 1) })
        for (r, row) in rows.enumerated() {
            row.withUnsafeBytes { raw in
                let base = raw.baseAddress!
                #expect(Self.bitIdentical(MomentKernels.floatChunk(base, length, path: .avx512),
                                          MomentKernels.floatChunk(base, length, path: .avx2)), "f32 row \(r)")
            }
            [UInt16](row.map { UInt16($0.bitPattern >> 16) }).withUnsafeBytes { raw in
                let base = raw.baseAddress!
                #expect(Self.bitIdentical(MomentKernels.bf16Chunk(base, length, path: .avx512),
                                          MomentKernels.bf16Chunk(base, length, path: .avx2)), "bf16 row \(r)")
            }
            [UInt16](row.map { Float16($0).bitPattern }).withUnsafeBytes { raw in
                let base = raw.baseAddress!
                #expect(Self.bitIdentical(MomentKernels.f16Chunk(base, length, path: .avx512),
                                          MomentKernels.f16Chunk(base, length, path: .avx2)), "f16 row \(r)")
            }
        }
    }
}
