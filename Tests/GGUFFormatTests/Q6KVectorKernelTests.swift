@testable import GGUFFormat
import Testing
import TestSupport

/// Every Q6_K row kernel this CPU runs (`VectorBlockKernels.q6KKernels`: the AVX2 kernel
/// `cmk_q6_k_sums_avx2`, and with AVX-512 `cmk_q6_k_sums_avx512` and its ordered path alone)
/// against the portable Swift kernel, bit for bit, on
/// rows built to catch the ways its shape can go wrong: it sums each 16-value unit's codes as
/// bytes, pairs units with their int8 scales through two byte shuffles (one for the sums, one for
/// the extremes), forms the terms from integer products, and finds each unit's extreme codes by a
/// transposing tree. So the rows here give every unit a narrow code range of its own and a scale
/// of its own (a unit summed or extremed under another unit's scale changes Σx, Σx² or an
/// extreme), put the codes at their limits (0 and 63, scales −128 and 127, d at 65504 and at the
/// smallest subnormal), and run as long as real rows (16 blocks, 4,096 values).
@Suite(.enabled(if: VectorBlockKernels.available, "this CPU has no AVX2: only the portable kernels run"))
struct Q6KVectorKernelTests {
    /// One Q6_K block whose unit u (values 16u ..< 16u + 16) has codes in `ranges[u]` and scale
    /// `scales[u]`, d = `d` (f16 bits). Codes are placed by the layout `Q6_KKernel.decode` reads.
    static func block(codes: (Int, Int) -> UInt8, scales: [Int8], d: UInt16) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 210)
        for h in 0 ..< 2 {
            for l in 0 ..< 32 {
                // Value 128h + 32k + l has code k of column l in half h.
                let q = (0 ..< 4).map { k in codes(128 * h + 32 * k + l, (128 * h + 32 * k + l) / 16) & 63 }
                bytes[64 * h + l] = (q[0] & 0x0F) | (q[2] & 0x0F) << 4
                bytes[64 * h + 32 + l] = (q[1] & 0x0F) | (q[3] & 0x0F) << 4
                bytes[128 + 32 * h + l] = (q[0] >> 4) | (q[1] >> 4) << 2 | (q[2] >> 4) << 4 | (q[3] >> 4) << 6
            }
        }
        for u in 0 ..< 16 { bytes[192 + u] = UInt8(bitPattern: scales[u]) }
        bytes[208] = UInt8(d & 0xFF)
        bytes[209] = UInt8(d >> 8)
        return bytes
    }

    /// Each kernel's row (and the default path's) against the portable kernel's; the rows here are
    /// finite, so every kernel must answer (none may send the row to the value-by-value recount).
    static func expectSameBits(_ bytes: [UInt8], _ note: String) throws {
        try bytes.withUnsafeBytes { raw in
            let portable = try GGUFRowDecoding.moments(ofRow: raw, type: .q6_K, portable: true)
            var answers = [("default path", try GGUFRowDecoding.moments(ofRow: raw, type: .q6_K))]
            for (name, kernel) in VectorBlockKernels.q6KKernels {
                let sums = kernel(raw.baseAddress, raw.count / 210)
                let moments = VectorBlockKernels.moments(sums, count: raw.count / 210 * 256)
                #expect(moments != nil, "\(note), \(name): no answer")
                if let moments { answers.append((name, moments)) }
            }
            for (name, vector) in answers {
                #expect(vector.sum.bitPattern == portable.sum.bitPattern, "\(note), \(name): Σ \(vector.sum) vs \(portable.sum)")
                #expect(vector.sumOfSquares.bitPattern == portable.sumOfSquares.bitPattern, "\(note), \(name): Σx²")
                #expect(vector.minimum.bitPattern == portable.minimum.bitPattern && vector.maximum.bitPattern == portable.maximum.bitPattern,
                        "\(note), \(name): \(vector.minimum)…\(vector.maximum) vs \(portable.minimum)…\(portable.maximum)")
                #expect(vector.count == portable.count && vector.nanCount == portable.nanCount, "\(note), \(name): counts")
            }
        }
    }

    /// Every unit a code range of width ≤ 8 at a random place and a random scale, rows of 1–16
    /// blocks; d within one binade (as llama.cpp writes it) or spread over all finite exponents.
    @Test func unitsWithTheirOwnCodeRangesAndScales() throws {
        var random = SeededRandom(seed: 0x06_C0DE)
        var rowsWithAMovedExtreme = 0
        for row in 0 ..< 400 {
            let blocks = row % 3 == 0 ? 16 : 1 + row % 16
            var bytes: [UInt8] = []
            for _ in 0 ..< blocks {
                let low = (0 ..< 16).map { _ in Int.random(in: 0 ... 55, using: &random) }
                let width = (0 ..< 16).map { _ in Int.random(in: 0 ... 8, using: &random) }
                let scales = (0 ..< 16).map { _ in Int8.random(in: -128 ... 127, using: &random) }
                let exponent: UInt16 = row % 2 == 0 ? 12 : UInt16.random(in: 1 ... 30, using: &random)
                let d = exponent << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random) | (Bool.random(using: &random) ? 0x8000 : 0)
                bytes += Self.block(codes: { _, u in UInt8(low[u] + Int.random(in: 0 ... width[u], using: &random)) }, scales: scales, d: d)
            }
            try Self.expectSameBits(bytes, "row \(row), \(blocks) blocks")
            // The rows are sensitive: swapping two units' scales moves an extreme or a sum.
            var swapped = bytes
            swapped.swapAt(192, 193)
            let (a, b) = try bytes.withUnsafeBytes { raw in
                try swapped.withUnsafeBytes { other in
                    (try GGUFRowDecoding.moments(ofRow: raw, type: .q6_K, portable: true),
                     try GGUFRowDecoding.moments(ofRow: other, type: .q6_K, portable: true))
                }
            }
            if a.minimum != b.minimum || a.maximum != b.maximum || a.sum != b.sum { rowsWithAMovedExtreme += 1 }
        }
        #expect(rowsWithAMovedExtreme > 300, "\(rowsWithAMovedExtreme) of 400 rows notice two swapped unit scales")
    }

    /// Codes and scales at their limits: all codes 0 (p = −32) or 63 (p = 31), one unit holding the
    /// only extreme code, scales −128, 127, 0 and −1, d = 65504, 1.0, −1.0 and the smallest subnormal.
    @Test func codesAndScalesAtTheirLimits() throws {
        let ds: [UInt16] = [0x7BFF, 0x3C00, 0xBC00, 0x0001, 0x8001, 0x03FF]
        let scaleSets: [[Int8]] = [
            [Int8](repeating: -128, count: 16), [Int8](repeating: 127, count: 16),
            (0 ..< 16).map { $0 % 2 == 0 ? -128 : 127 }, (0 ..< 16).map { Int8($0) - 8 },
            (0 ..< 16).map { $0 == 5 ? -1 : 0 },
        ]
        let codeSets: [(String, (Int, Int) -> UInt8)] = [
            ("all 0", { _, _ in 0 }), ("all 63", { _, _ in 63 }), ("alternate", { i, _ in i % 2 == 0 ? 0 : 63 }),
            ("one 63 per unit at its own place", { i, u in i % 16 == (u * 7) % 16 ? 63 : 30 }),
            ("one 0 in unit 11", { i, u in u == 11 && i % 16 == 9 ? 0 : 40 }),
            ("ramp", { i, _ in UInt8(i % 64) }),
        ]
        for d in ds {
            for scales in scaleSets {
                for (name, codes) in codeSets {
                    let one = Self.block(codes: codes, scales: scales, d: d)
                    try Self.expectSameBits(one, "d 0x\(String(d, radix: 16)) \(scales.prefix(3)) \(name)")
                    // The same block after blocks of the opposite sign and far smaller magnitude.
                    let small = Self.block(codes: { i, _ in UInt8(63 - i % 64) }, scales: scales.map { $0 == -128 ? 127 : -$0 }, d: 0x0400)
                    try Self.expectSameBits(small + small + one + small, "d 0x\(String(d, radix: 16)) \(name) among others")
                }
            }
        }
    }
}
