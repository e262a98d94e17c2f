import Testing
@testable import TensorViews
import TestSupport

/// The SIMD kernels against naive scalar versions of the same definitions.
@Suite struct MomentKernelTests {
    @Test("SIMD f16 decoding equals HalfFloatBits for all 65,536 patterns")
    func f16AllPatterns() {
        let codes = (0..<65536).map { UInt16($0) }
        var decoded = [UInt32](repeating: 0, count: codes.count)
        codes.withUnsafeBytes { source in
            decoded.withUnsafeMutableBytes { target in
                MomentKernels.decodeF16(source.baseAddress!, codes.count, into: target.baseAddress!)
            }
        }
        let mismatches = codes.indices.filter { decoded[$0] != HalfFloatBits.float(fromF16: codes[$0]).bitPattern }
        #expect(mismatches.isEmpty, "first mismatch at code \(mismatches.first ?? -1)")
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
