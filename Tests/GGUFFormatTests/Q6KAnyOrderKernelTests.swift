import Foundation
@testable import GGUFFormat
import Testing
import TestSupport

/// The AVX-512 Q6_K kernel's any-order path (`cmk_q6_k_any_order_avx512`): it adds a row's unit
/// terms in vector lanes only when its check proves that no addition rounds in any order, and
/// otherwise leaves the row to the ordered path. Rows shaped like the bench's (random codes and
/// scales, d in one binade, up to 1,024 values) must pass and give the portable kernel's bits;
/// rows whose d spans binades, and long rows of large scales (every scale near −128, codes
/// spread ±16 around 32: synthetic; real rows sit far below the limit), must fail, and for several of them another order of the same terms
/// does give other bits, so a kernel without the check would fail here. Every row also goes
/// through the default path (`cmk_q6_k_sums_avx512`), which must give the portable bits.
@Suite(.enabled(if: VectorBlockKernels.anyOrderKernel(for: .q6_K, path: .avx512) != nil,
                "this CPU has no AVX-512 quantized kernels"))
struct Q6KAnyOrderKernelTests {
    /// A block whose 256 codes `code` makes, with the given int8 scales and d = `d` (f16 bits).
    static func block(_ d: UInt16, scales: [Int8], code: (inout SeededRandom) -> UInt8, using random: inout SeededRandom) -> [UInt8] {
        let codes = (0 ..< 256).map { _ in code(&random) }
        return Q6KVectorKernelTests.block(codes: { i, _ in codes[i] }, scales: scales, d: d)
    }

    static func uniformCode(_ random: inout SeededRandom) -> UInt8 { UInt8.random(in: 0 ... 63, using: &random) }

    /// Codes around 32 with a spread of 16 (values p = q − 32 of rms 16, clipped to −32…31).
    static func spreadCode(_ random: inout SeededRandom) -> UInt8 {
        UInt8(max(0, min(63, 32 + Int((AnyOrderKernelTests.gaussian(using: &random) * 16).rounded()))))
    }

    static func randomScales(using random: inout SeededRandom) -> [Int8] {
        (0 ..< 16).map { _ in Int8.random(in: -128 ... 127, using: &random) }
    }

    /// (any-order answer, portable answer, default-path answer).
    static func answers(_ row: [UInt8]) throws -> (GGUFRowMoments?, GGUFRowMoments, GGUFRowMoments) {
        try row.withUnsafeBytes { raw in
            let base = try #require(raw.baseAddress)
            return (VectorBlockKernels.anyOrderMoments(base, blocks: row.count / 210, type: .q6_K),
                    try GGUFRowDecoding.moments(ofRow: raw, type: .q6_K, portable: true),
                    try GGUFRowDecoding.moments(ofRow: raw, type: .q6_K))
        }
    }

    @Test func rowsLikeTheBenchFileTakeTheAnyOrderPathWithTheSameBits() throws {
        var random = SeededRandom(seed: 0x06_A11)
        for blocks in [1, 2, 3, 4] {
            for exponent: UInt16 in [1, 7, 15, 22] {
                for _ in 0 ..< 5 {
                    var row: [UInt8] = []
                    for _ in 0 ..< blocks {
                        let d = exponent << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random)
                        row += Self.block(d, scales: Self.randomScales(using: &random),
                                          code: Self.uniformCode, using: &random)
                    }
                    let (anyOrder, portable, fast) = try Self.answers(row)
                    let note = "\(blocks) blocks, exponent \(exponent)"
                    #expect(anyOrder != nil, "\(note): the check should pass")
                    if let anyOrder { AnyOrderKernelTests.expectSameBits(anyOrder, portable, "\(note), any order") }
                    AnyOrderKernelTests.expectSameBits(fast, portable, "\(note), default path")
                }
            }
        }
    }

    /// Long rows whose Σx² stays far below the limit (scales within ±32, d in one binade) pass:
    /// the early exit of rows of 8 blocks and more (after the first block and every fourth)
    /// must not send them to the ordered path.
    @Test func longRowsFarBelowTheLimitTakeTheAnyOrderPath() throws {
        var random = SeededRandom(seed: 0x06_10_96)
        for blocks in [8, 9, 16, 24] {
            var row: [UInt8] = []
            for _ in 0 ..< blocks {
                let d = 12 << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random)
                let scales = (0 ..< 16).map { _ in Int8.random(in: -32 ... 32, using: &random) }
                row += Self.block(d, scales: scales, code: Self.uniformCode, using: &random)
            }
            let (anyOrder, portable, fast) = try Self.answers(row)
            #expect(anyOrder != nil, "\(blocks) blocks: the check should pass")
            if let anyOrder { AnyOrderKernelTests.expectSameBits(anyOrder, portable, "\(blocks) blocks, any order") }
            AnyOrderKernelTests.expectSameBits(fast, portable, "\(blocks) blocks, default path")
        }
    }

    /// Rows the check must refuse: d over many binades, a huge d among tiny ones, subnormal next
    /// to normal, NaN and ±Inf d, and synthetic rows of 4,096 values of large scales (every scale
    /// within [−128, −80], codes around 32 with a spread of ±16).
    @Test func rowsBuiltToFailTheCheckTakeTheOrderedPath() throws {
        var random = SeededRandom(seed: 0x06_FA11)
        var rows: [(String, [UInt8])] = []
        func row(_ name: String, blocks: Int, largeScales: Bool = false, d: (Int) -> UInt16) {
            var bytes: [UInt8] = []
            for b in 0 ..< blocks {
                let scales = largeScales ? (0 ..< 16).map { _ in Int8.random(in: -128 ... -80, using: &random) }
                    : Self.randomScales(using: &random)
                bytes += Self.block(d(b), scales: scales, code: largeScales ? Self.spreadCode : Self.uniformCode, using: &random)
            }
            rows.append((name, bytes))
        }
        for blocks in [3, 4, 8, 16] {
            row("huge among tiny", blocks: blocks) { b in b == 1 ? 0x7400 | UInt16(b * 97 & 0x3FF) : 0x0400 | UInt16(b * 131 & 0x3FF) }
            row("every exponent", blocks: blocks) { b in UInt16(1 + b * 7 % 30) << 10 | UInt16(b * 211 & 0x3FF) }
            row("subnormal and normal", blocks: blocks) { b in b % 2 == 0 ? UInt16(1 + b * 13 % 0x3FF) : 0x3C00 | UInt16(b * 29 & 0x3FF) }
            row("cancellation", blocks: blocks) { b in b == 0 ? 0x6BFF : b == blocks - 1 ? 0xEBFF : 0x0800 | UInt16(b * 7 & 0x3FF) }
            row("infinite d", blocks: blocks) { b in b == blocks / 2 ? 0x7C00 : 0x3C00 }
            row("NaN d", blocks: blocks) { b in b == blocks - 1 ? 0x7E01 : 0x3C00 }
        }
        for _ in 0 ..< 6 {
            let d = (0 ..< 16).map { _ in 0x1C00 | UInt16.random(in: 0 ... 0x3FF, using: &random) }
            row("large scales, 4,096 values", blocks: 16, largeScales: true) { b in d[b] }
        }
        var reorderedDiffers = 0
        for (name, bytes) in rows {
            let (anyOrder, portable, fast) = try Self.answers(bytes)
            #expect(anyOrder == nil, "\(name), \(bytes.count / 210) blocks: the check should fail")
            if portable.sum.isFinite && portable.sumOfSquares.isFinite {
                AnyOrderKernelTests.expectSameBits(fast, portable, "\(name), \(bytes.count / 210) blocks")
            }
            let reordered = try bytes.withUnsafeBytes { try AnyOrderKernelTests.reversedBlockOrderChangesTheBits($0, type: .q6_K, group: 16) }
            if reordered { reorderedDiffers += 1 }
        }
        #expect(reorderedDiffers >= 8, "\(reorderedDiffers) rows where the order of the terms changes Σx or Σx²")
    }

    /// A sweep over the gap between block 0's d and the others': small gaps pass the check, large
    /// ones fail it, and every row has the portable kernel's bits either way.
    @Test func theCheckSwitchesPathsAcrossAGapSweep() throws {
        var random = SeededRandom(seed: 0x06_5EE9)
        var passed = 0, failed = 0
        for gap in 0 ... 24 {
            for blocks in [2, 4, 9] {
                var row: [UInt8] = []
                for b in 0 ..< blocks {
                    let d = UInt16(b == 0 ? 2 : 2 + gap) << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random)
                    // Scales within ±32: full-range ones fail the check on rows of 9 blocks even
                    // without a gap.
                    let scales = (0 ..< 16).map { _ in Int8.random(in: -32 ... 32, using: &random) }
                    row += Self.block(d, scales: scales,
                                      code: Self.uniformCode, using: &random)
                }
                let (anyOrder, portable, fast) = try Self.answers(row)
                if let anyOrder {
                    passed += 1
                    AnyOrderKernelTests.expectSameBits(anyOrder, portable, "gap \(gap), \(blocks) blocks (any order)")
                } else {
                    failed += 1
                }
                AnyOrderKernelTests.expectSameBits(fast, portable, "gap \(gap), \(blocks) blocks")
            }
        }
        #expect(passed >= 5 && failed >= 5, "\(passed) rows passed the check, \(failed) failed it")
    }
}
