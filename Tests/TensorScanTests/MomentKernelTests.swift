import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The SIMD kernels against naive scalar versions of the same definitions.
@Suite struct MomentKernelTests {
    @Test("F16 lanes decode to HalfFloatBits' value for all 65,536 patterns, and lanes are values / 2^112")
    func f16AllPatterns() {
        let codes = (0..<65536).map { UInt16($0) }
        let mismatches = codes.withUnsafeBytes { source -> [Int] in
            let lanes = F16Lanes(base: source.baseAddress!)
            return codes.indices.filter { k in
                let expected = Double(HalfFloatBits.float(fromF16: codes[k]))
                let value = lanes.value(k)
                if expected.isNaN { return !value.isNaN }
                guard value.bitPattern == expected.bitPattern else { return true }
                // Finite codes: the lane scaled back is the value, sign of zero included.
                guard expected.isFinite else { return false }
                return (Double(lanes.one(k)) * 0x1p112).bitPattern != expected.bitPattern
            }
        }
        #expect(mismatches.isEmpty, "first mismatch at code \(mismatches.first ?? -1)")
    }

    /// Naive two-pass statistics of `values` in Double.
    static func naive(_ d: [Double]) -> (mean: Double, std: Double, norm: Double) {
        let mean = d.reduce(0, +) / Double(d.count)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count)
        return (mean, variance.squareRoot(), d.reduce(0) { $0 + $1 * $1 }.squareRoot())
    }

    @Test("BF16 and F16 chunks equal a naive computation on the decoded values (one-pass and centred paths)",
          arguments: [0.0, 5.0, 300.0])
    func halfChunks(offset: Double) {
        var rng = SeededRandom(seed: 7)
        for length in [1, 7, 8, 9, 31, 64, 65, 2047, 2048] {
            let floats = (0..<length).map { _ in Float.random(in: -2...2, using: &rng) + Float(offset) }
            let bf16 = floats.map { UInt16($0.bitPattern >> 16) }
            let f16 = floats.map { Float16($0).bitPattern }
            for (codes, isF16) in [(bf16, false), (f16, true)] {
                let d = codes.map { Double(isF16 ? HalfFloatBits.float(fromF16: $0) : HalfFloatBits.float(fromBF16: $0)) }
                let m = codes.withUnsafeBytes {
                    isF16 ? MomentKernels.f16Chunk($0.baseAddress!, length) : MomentKernels.bf16Chunk($0.baseAddress!, length)
                }
                let reference = Self.naive(d)
                #expect(closeEnough(m.mean, reference.mean, relative: 1e-12))
                #expect(closeEnough(m.standardDeviation, reference.std, relative: 1e-10), "length \(length) f16 \(isF16)")
                #expect(closeEnough(m.l2Norm, reference.norm, relative: 1e-12))
                #expect(m.minimum == d.min() && m.maximum == d.max())
                #expect(m.nonFiniteCount == 0 && !m.allValuesZero)
            }
        }
    }

    @Test("F32 rows with mean up to ~30 std (the one-pass path) match the two-pass value to 1e-10")
    func onePassAccuracy() {
        var rng = SeededRandom(seed: 3)
        for offset in [0.0, 1.0, 10.0, 30.0] as [Float] {
            let values = (0..<2048).map { _ in Float.random(in: -1.7...1.7, using: &rng) + offset }
            let m = values.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, values.count) }
            let reference = Self.naive(values.map(Double.init))
            #expect(closeEnough(m.standardDeviation, reference.std, relative: 1e-10), "offset \(offset)")
        }
    }

    @Test("a constant chunk has std exactly 0 in every float dtype")
    func constantChunks() {
        for length in [1, 8, 100, 2048] {
            let f32 = [Float](repeating: 1000.1, count: length)
            let bf16 = [UInt16](repeating: 0x447A, count: length)  // 1000.0
            let f16 = [UInt16](repeating: 0x63D0, count: length)   // 1000.0
            let moments = [
                f32.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, length) },
                bf16.withUnsafeBytes { MomentKernels.bf16Chunk($0.baseAddress!, length) },
                f16.withUnsafeBytes { MomentKernels.f16Chunk($0.baseAddress!, length) },
            ]
            for m in moments {
                #expect(m.standardDeviation == 0 && m.centeredSquares == 0)
            }
            #expect(moments[1].mean == 1000 && moments[2].mean == 1000)
        }
    }

    @Test("F16 Inf/NaN codes are found from the extremes and counted")
    func f16NonFinite() {
        var codes = [UInt16](repeating: 0x3C00, count: 40)  // 1.0
        codes[3] = 0x7C00   // +Inf
        codes[17] = 0xFC00  // -Inf
        codes[30] = 0x7E00  // NaN
        codes[39] = 0xC000  // -2.0, in the scalar tail
        let m = codes.withUnsafeBytes { MomentKernels.f16Chunk($0.baseAddress!, codes.count) }
        #expect(m.nanCount == 1 && m.positiveInfinityCount == 1 && m.negativeInfinityCount == 1)
        #expect(m.minimum == -.infinity && m.maximum == .infinity && m.sum.isNaN)
        codes[3] = 0x3C00
        codes[17] = 0x3C00
        codes[30] = 0x7BFF  // 65504, the largest finite code: not special
        let finite = codes.withUnsafeBytes { MomentKernels.f16Chunk($0.baseAddress!, codes.count) }
        #expect(finite.nonFiniteCount == 0 && finite.maximum == 65504 && finite.minimum == -2)
        #expect(finite.sum == 38 + 65504 - 2)
    }

    @Test("zero chunks: all-bits-zero only without -0.0, at every length")
    func zeroChunks() {
        for length in [1, 9, 33, 2048] {
            var zeros = [Float](repeating: 0, count: length)
            let plain = zeros.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, length) }
            #expect(plain.allBitsZero && plain.allValuesZero && plain.standardDeviation == 0)
            zeros[length - 1] = -0.0
            let signed = zeros.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, length) }
            #expect(!signed.allBitsZero && signed.allValuesZero)
            var halves = [UInt16](repeating: 0, count: length)
            halves[length / 2] = 0x8000
            let h = halves.withUnsafeBytes { MomentKernels.f16Chunk($0.baseAddress!, length) }
            #expect(!h.allBitsZero && h.allValuesZero && h.minimum == 0)
        }
    }

    @Test("chunked moments equal a naive two-pass computation on random rows of every length up to 70")
    func randomRows() {
        var rng = SeededRandom(seed: 42)
        for length in 1...70 {
            let values = (0..<length).map { _ in Float.random(in: -3...3, using: &rng) + 100 }
            let m = values.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, length) }
            let d = values.map(Double.init)
            let mean = d.reduce(0, +) / Double(length)
            let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(length)
            #expect(closeEnough(m.mean, mean, relative: 1e-12))
            #expect(closeEnough(m.standardDeviation, variance.squareRoot(), relative: 1e-9))
            #expect(closeEnough(m.l2Norm, d.reduce(0) { $0 + $1 * $1 }.squareRoot(), relative: 1e-12))
            #expect(m.minimum == d.min() && m.maximum == d.max())
            // Splitting at any point and merging gives the same statistics.
            let cut = length / 3
            let a = values.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, cut) }
            let b = values.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress! + cut * 4, length - cut) }
            let merged = a.merged(with: b)
            #expect(closeEnough(merged.standardDeviation, variance.squareRoot(), relative: 1e-9))
            #expect(merged.count == length)
        }
    }

    @Test("NaN is ignored by min/max and counted; infinities counted by sign")
    func nonFinite() {
        let values: [Float] = [1, .nan, -2, .infinity, 3, -.infinity, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]
        let m = values.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, values.count) }
        #expect(m.nanCount == 1 && m.positiveInfinityCount == 1 && m.negativeInfinityCount == 1)
        #expect(m.minimum == -.infinity && m.maximum == .infinity)
        #expect(m.mean.isNaN && m.standardDeviation.isNaN)
        let zeros: [Float] = [0, -0.0, 0]
        let z = zeros.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, 3) }
        #expect(z.allValuesZero && !z.allBitsZero)
    }
}
