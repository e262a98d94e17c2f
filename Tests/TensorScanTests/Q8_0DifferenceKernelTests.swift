import CMomentKernels
import Testing
import GGUFFormat
import SafetensorsFormat
@testable import TensorScan
import TestSupport

/// The C loops (`cmk_difference_avx2`, and `cmk_difference_avx512` where the CPU has AVX-512)
/// reading a Q8_0 side straight from its blocks give the bits of the older route, which dequantized the row first (the Swift `Q8_0Kernel`, not the AVX2
/// dequantizer) and compared float32 values in the portable loop: a second algorithm.
@Suite struct Q8_0DifferenceKernelTests {
    static let blocks = 300

    /// Q8_0 blocks with random codes (−128 included) and finite scales, or, when `wild`, some
    /// scales NaN, ±Inf, subnormal and ±0.
    static func q8_0(seed: UInt64, wild: Bool) -> [UInt8] {
        var bytes = QuantizedScanTests.blocks(.q8_0, rows: 1, blocksPerRow: blocks, seed: seed)
        guard wild else { return bytes }
        let specials: [UInt16] = [0x7E00, 0x7C00, 0xFC00, 0x0001, 0x8000, 0x0000, 0x83FF]
        for (k, scale) in specials.enumerated() {
            let block = (17 + 41 * k) * 34
            bytes[block] = UInt8(scale & 0xFF)
            bytes[block + 1] = UInt8(scale >> 8)
        }
        return bytes
    }

    static func dequantized(_ bytes: [UInt8]) throws -> [Float] {
        var out = [Float](repeating: 0, count: blocks * 32)
        let written = try bytes.withUnsafeBytes { raw in
            try out.withUnsafeMutableBufferPointer { buffer in
                try GGUFRowDecoding.dequantize(row: raw, type: .q8_0, into: buffer.baseAddress!, portable: true)
            }
        }
        #expect(written == blocks * 32)
        return out
    }

    static func kind(_ dtype: DType) -> Int32 {
        switch dtype {
        case .f64: Int32(CMK_KIND_F64)
        case .bf16: Int32(CMK_KIND_BF16)
        case .f16: Int32(CMK_KIND_F16)
        default: Int32(CMK_KIND_F32)
        }
    }

    /// Runs that start at a block, as `diff`'s chunks do (at most a chunk, `chunkElements`):
    /// whole blocks, one block and a few values more (a partial block: four-value steps, then
    /// the tail), fewer than four values.
    static let runs = [(0, 8192), (1376, 8192), (64, 37), (96, 4 * 32 + 6), (0, 3), (128, 0)]

    @Test("a Q8_0 side read from its blocks gives the dequantize-then-compare bits", arguments: [
        (DType.f32, false), (.f32, true), (.bf16, false), (.f16, true), (.f64, false),
    ])
    func fusedEqualsDequantized(other: DType, quantizedFirst: Bool) throws {
        guard DifferenceKernel.hasAVX2, DifferenceKernel.hasF16C else { return }
        for wild in [false, true] {
            let q = Self.q8_0(seed: wild ? 7 : 3, wild: wild)
            let values = try Self.dequantized(q)
            // The other side: the same values, every third scaled, a few NaN.
            var near = values.map { $0.isFinite ? $0 : 0.25 }
            for i in stride(from: 0, to: near.count, by: 3) { near[i] *= 1.5 }
            for i in stride(from: 5, to: near.count, by: 997) { near[i] = .nan }
            let encoded = DifferenceScanTests.encode(near, other)
            let f32 = DifferenceScanTests.encode(values, .f32)
            let width = other == .f64 ? 8 : other == .f32 ? 4 : 2
            for ((start, count), loop) in Self.runsOnLoops {
                let fused = q.withUnsafeBytes { rq in
                    encoded.withUnsafeBytes { ro in
                        let pq = rq.baseAddress! + start / 32 * 34, po = ro.baseAddress! + start * width
                        return quantizedFirst
                            ? DifferenceKernel.direct(pq, Int32(CMK_KIND_Q8_0), po, Self.kind(other), count: count, loop: loop)
                            : DifferenceKernel.direct(po, Self.kind(other), pq, Int32(CMK_KIND_Q8_0), count: count, loop: loop)
                    }
                }
                let reference = Self.portable(first: quantizedFirst ? (f32, .f32) : (encoded, other),
                                              second: quantizedFirst ? (encoded, other) : (f32, .f32), start: start, count: count)
                let label = "\(other) quantized first \(quantizedFirst) wild \(wild) \(loop) run \(start)+\(count)"
                #expect(fused.reference_squares.bitPattern == reference.reference_squares.bitPattern, "\(label)")
                #expect(fused.difference_squares.bitPattern == reference.difference_squares.bitPattern, "\(label)")
                #expect(fused.max_abs.bitPattern == reference.max_abs.bitPattern, "\(label)")
                #expect(fused.differing == reference.differing && fused.nan_mismatches == reference.nan_mismatches, "\(label)")
                if count > 1000 { #expect(reference.differing > 0 && reference.nan_mismatches > 0, "\(label)") }
            }
        }
    }

    /// Each run on each C loop this CPU runs (AVX2, and AVX-512 where it has it).
    static var runsOnLoops: [((Int, Int), DifferenceKernel.Loop)] {
        let loops = DifferenceKernel.Loop.allCases.filter { $0 != .portable && $0.isAvailable }
        return runs.flatMap { run in loops.map { (run, $0) } }
    }

    @Test("Q8_0 against Q8_0, both read from their blocks")
    func bothQuantized() throws {
        guard DifferenceKernel.hasAVX2, DifferenceKernel.hasF16C else { return }
        let a = Self.q8_0(seed: 11, wild: true)
        var b = a
        for i in stride(from: 2, to: b.count, by: 5) where i % 34 >= 2 { b[i] &+= 1 }
        let (fa, fb) = (DifferenceScanTests.encode(try Self.dequantized(a), .f32),
                        DifferenceScanTests.encode(try Self.dequantized(b), .f32))
        for ((start, count), loop) in Self.runsOnLoops {
            let fused = a.withUnsafeBytes { ra in
                b.withUnsafeBytes { rb in
                    DifferenceKernel.direct(ra.baseAddress! + start / 32 * 34, Int32(CMK_KIND_Q8_0),
                                            rb.baseAddress! + start / 32 * 34, Int32(CMK_KIND_Q8_0), count: count, loop: loop)
                }
            }
            let reference = Self.portable(first: (fa, .f32), second: (fb, .f32), start: start, count: count)
            #expect(fused.reference_squares.bitPattern == reference.reference_squares.bitPattern, "\(loop) run \(start)+\(count)")
            #expect(fused.difference_squares.bitPattern == reference.difference_squares.bitPattern, "\(loop) run \(start)+\(count)")
            #expect(fused.max_abs.bitPattern == reference.max_abs.bitPattern, "\(loop) run \(start)+\(count)")
            #expect(fused.differing == reference.differing && fused.nan_mismatches == reference.nan_mismatches, "\(loop) run \(start)+\(count)")
            if count > 1000 { #expect(reference.differing > 0) }
        }
    }

    static func portable(first: ([UInt8], DType), second: ([UInt8], DType), start: Int, count: Int) -> cmk_difference_sums {
        let scratchA = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        let scratchB = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        defer { scratchA.deallocate(); scratchB.deallocate() }
        return first.0.withUnsafeBytes { ra in
            second.0.withUnsafeBytes { rb in
                DifferenceKernel.sums(ra, first.1, rb, second.1, start: start, count: count, scratchA: scratchA,
                                      scratchB: scratchB, loop: .portable)
            }
        }
    }
}
