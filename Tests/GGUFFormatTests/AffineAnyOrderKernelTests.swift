import Foundation
@testable import GGUFFormat
import Testing
import TestSupport

/// The any-order kernels of the affine types Q4_1 and Q5_1 (value d·q + m rounded in float32),
/// AVX-512 and AVX2 wherever this CPU runs them: their check must prove every float32 value exact
/// and every partial sum exact, and then give the portable Swift kernel's bits; rows it cannot
/// prove go to the ordered kernel. Expected values come from the portable kernel (`portable:
/// true`), never from the new one.
@Suite(.enabled(if: !AffineAnyOrderCases.all.isEmpty, "this CPU has no AVX2: the any-order kernels do not run"))
struct AffineAnyOrderKernelTests {

    /// N(0, σ²) rows quantized as gguf-py's `quantize` does: all of them must pass, including
    /// rows of one block and of 4,096 values.
    @Test(arguments: AffineAnyOrderCases.all)
    func rowsQuantizedLikeGGUFPyTakeTheAnyOrderPathWithTheSameBits(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0xAFF1 &+ UInt64(type.id))
        var rows = 0
        for blocks in [1, 2, 7, 8, 9, 15, 16, 17, 31, 64, 128, 300] {
            for sigma in [1e-4, 1e-3, 0.02, 1.0, 3000.0] {
                let row = Self.quantizedRow(type, blocks: blocks, sigma: sigma, using: &random)
                try Self.check(row, type, path, "\(blocks) blocks σ \(sigma)", mustPass: true)
                rows += 1
            }
        }
        #expect(rows == 60)
    }

    /// Random codes (0 and q_max included) under random d and m: within one binade, across
    /// several, negative d, m = 0, d = 0. Rows that pass must have the portable bits; every row
    /// has them on the default path; both outcomes occur.
    @Test(arguments: AffineAnyOrderCases.all)
    func randomScalesAgreeWithThePortableKernelOnEitherPath(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0x5CA1E &+ UInt64(type.id))
        var passed = 0, failed = 0
        for trial in 0 ..< 400 {
            let blocks = [1, 3, 8, 9, 33, 128][trial % 6]
            let spread = trial / 6 % 12  // exponent range of d and m across the row's blocks
            let base = Int.random(in: 3 ... 16, using: &random)
            var row = Self.randomCodes(type, blocks: blocks, using: &random)
            for b in 0 ..< blocks {
                func half(_ exponent: Int) -> UInt16 {
                    let sign: UInt16 = Bool.random(using: &random) ? 0x8000 : 0
                    return sign | UInt16(exponent) << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random)
                }
                var d = half(base + Int.random(in: 0 ... spread, using: &random))
                var m = half(min(30, base + Int.random(in: 0 ... spread + 4, using: &random)))
                switch trial % 10 {
                case 1: m = 0  // m = 0: values d·q, ≥ 0 or ≤ 0
                case 2: d &= 0x7FFF
                case 3: d |= 0x8000
                case 4 where b == 0: d = 0  // a constant block
                default: break
                }
                Self.setHalf(&row, type, block: b, field: 0, d)
                Self.setHalf(&row, type, block: b, field: 2, m)
            }
            // Codes 0 and q_max somewhere in every row.
            Self.setCode(&row, type, block: 0, element: 3, code: 0)
            Self.setCode(&row, type, block: blocks - 1, element: 30, code: type == .q4_1 ? 15 : 31)
            if try Self.check(row, type, path, "trial \(trial), \(blocks) blocks, spread \(spread)", mustPass: nil) { passed += 1 } else { failed += 1 }
        }
        #expect(passed >= 100 && failed >= 20, "\(typeName) \(path): \(passed) rows passed the check, \(failed) failed it")
    }

    /// Rows the check must refuse: a value whose float32 addition rounds although the row's sums
    /// would not, NaN and ±Inf in d or m, scales far apart, a zero extreme.
    @Test(arguments: AffineAnyOrderCases.all)
    func rowsBuiltToFailTheCheckTakeTheOrderedPath(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0xFA12 &+ UInt64(type.id))
        var rows: [(String, [UInt8])] = []
        func row(_ name: String, blocks: Int, codes: ((inout [UInt8]) -> Void)? = nil, _ scales: (Int) -> (UInt16, UInt16)) {
            var bytes = Self.randomCodes(type, blocks: blocks, using: &random)
            for b in 0 ..< blocks {
                let (d, m) = scales(b)
                Self.setHalf(&bytes, type, block: b, field: 0, d)
                Self.setHalf(&bytes, type, block: b, field: 2, m)
            }
            codes?(&bytes)
            rows.append((name, bytes))
        }
        // d = 31, m = 1025·2^-16: 31·15 + m needs 25 significant bits and rounds in float32; the
        // other values are m. Σx² ≈ 465² is below the row's limit 2^(2·(−16) + 53): only the
        // value test catches it.
        #expect(Double(Float(31) * 15 + Float(1025.0 / 65536)) != 465 + 1025.0 / 65536)
        row("inexact float32 value", blocks: 1, codes: { bytes in
            for j in 0 ..< 32 { Self.setCode(&bytes, type, block: 0, element: j, code: 0) }
            Self.setCode(&bytes, type, block: 0, element: 0, code: 15)
        }) { _ in (0x4FC0, 0x2401) }
        for blocks in [3, 8, 40] {
            row("NaN d", blocks: blocks) { b in (b == blocks - 1 ? 0x7E01 : 0x3C00, 0x3555) }
            row("NaN m", blocks: blocks) { b in (0x3C00, b == 1 ? 0xFE00 : 0x3555) }
            row("infinite d", blocks: blocks) { b in (b == blocks / 2 ? 0x7C00 : 0x3C00, 0x3555) }
            row("negative infinite m", blocks: blocks) { b in (0x3C00, b == 0 ? 0xFC00 : 0x3555) }
            row("huge among tiny", blocks: blocks) { b in b == 1 ? (0x7400, 0xF000) : (0x0401 | UInt16(b * 37 & 0x3FE), 0x8402) }
            row("subnormal and normal", blocks: blocks) { b in b % 2 == 0 ? (UInt16(1 + b * 13 % 0x3FF), 0x0003) : (0x3C00 | UInt16(b * 29 & 0x3FF), 0xBC00) }
            // Exponents 1, 8, 15, … (every one from 1 to 30 in long rows), d and m apart.
            row("every exponent", blocks: blocks) { b in (UInt16(1 + b * 7 % 30) << 10 | UInt16(b * 211 & 0x3FF), UInt16(1 + b * 11 % 30) << 10 | 0x8000) }
            row("cancellation", blocks: blocks) { b in b == 0 ? (0x6BFF, 0x6BFF) : b == blocks - 1 ? (0xEBFF, 0xEBFF) : (0x0800 | UInt16(b * 7 & 0x3FF), 0x0801) }
        }
        // m = 0, d > 0 and a code 0: the minimum is +0 (its sign is the ordered path's business).
        row("zero minimum", blocks: 9, codes: { Self.setCode(&$0, type, block: 4, element: 7, code: 0) }) { _ in (0x3C00, 0) }
        row("zero maximum", blocks: 9, codes: { Self.setCode(&$0, type, block: 2, element: 0, code: 0) }) { _ in (0xBC00, 0x8000) }
        var reorderedDiffers = 0
        for (name, bytes) in rows {
            try Self.check(bytes, type, path, name, mustPass: false)
            if try Self.reversedBlockOrderChangesTheBits(bytes, type) { reorderedDiffers += 1 }
        }
        #expect(reorderedDiffers >= 3, "\(typeName): \(reorderedDiffers) rows where the block order changes Σx or Σx²")
    }

    // MARK: - Helpers

    /// Compares the default path (always) and the any-order path (when it passes) with the
    /// portable kernel, bit for bit; `mustPass` states the expected outcome of the check.
    @discardableResult
    static func check(_ row: [UInt8], _ type: GGMLType, _ path: VectorBlockKernels.AnyOrderPath, _ comment: String, mustPass: Bool?,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        try row.withUnsafeBytes { raw in
            let base = try #require(raw.baseAddress)
            let blocks = row.count / type.typeSize
            let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
            let anyOrder = VectorBlockKernels.anyOrderMoments(base, blocks: blocks, type: type, path: path)
            if let mustPass {
                #expect((anyOrder != nil) == mustPass, "\(type.name) \(path) \(comment): the check should \(mustPass ? "pass" : "fail")",
                        sourceLocation: sourceLocation)
            }
            if let anyOrder {
                AnyOrderKernelTests.expectSameBits(anyOrder, portable, "\(type.name) \(path) \(comment) (any order)", sourceLocation: sourceLocation)
            }
            AnyOrderKernelTests.expectSameBits(try GGUFRowDecoding.moments(ofRow: raw, type: type), portable,
                                               "\(type.name) \(comment) (default path)", sourceLocation: sourceLocation)
            return anyOrder != nil
        }
    }

    /// gguf-py's Q4_1/Q5_1 quantizer: per block, d = (max − min) / q_max, m = min,
    /// q = clip(trunc((x − min) / d + 0.5), 0, q_max), d and m stored as f16.
    static func quantizedRow(_ type: GGMLType, blocks: Int, sigma: Double, using random: inout SeededRandom) -> [UInt8] {
        let top: Float = type == .q4_1 ? 15 : 31
        var out: [UInt8] = []
        for _ in 0 ..< blocks {
            let x = (0 ..< 32).map { _ in Float(AnyOrderKernelTests.gaussian(using: &random) * sigma) }
            let low = x.min() ?? 0, high = x.max() ?? 0
            let d = (high - low) / top
            let inverse = d == 0 ? 0 : 1 / d
            let q = x.map { UInt8(max(0, min(top, ((($0 - low) * inverse) + 0.5).rounded(.towardZero)))) }
            out += packed(type, d: Float16(d).bitPattern, m: Float16(low).bitPattern, codes: q)
        }
        return out
    }

    static func packed(_ type: GGMLType, d: UInt16, m: UInt16, codes q: [UInt8]) -> [UInt8] {
        var block = AnyOrderKernelTests.le(d) + AnyOrderKernelTests.le(m)
        if type == .q5_1 {
            var high: UInt32 = 0
            for j in 0 ..< 32 where q[j] & 16 != 0 { high |= 1 << UInt32(j) }
            block += (0 ..< 4).map { UInt8(truncatingIfNeeded: high >> UInt32(8 * $0)) }
        }
        return block + (0 ..< 16).map { q[$0] & 15 | (q[$0 + 16] & 15) << 4 }
    }

    /// Random codes under zero d and m.
    static func randomCodes(_ type: GGMLType, blocks: Int, using random: inout SeededRandom) -> [UInt8] {
        let top: UInt8 = type == .q4_1 ? 15 : 31
        return (0 ..< blocks).flatMap { _ in packed(type, d: 0, m: 0, codes: (0 ..< 32).map { _ in UInt8.random(in: 0 ... top, using: &random) }) }
    }

    static func setHalf(_ row: inout [UInt8], _ type: GGMLType, block: Int, field: Int, _ half: UInt16) {
        row[block * type.typeSize + field] = UInt8(half & 0xFF)
        row[block * type.typeSize + field + 1] = UInt8(half >> 8)
    }

    /// Sets element `element` (0–31) of a block to `code`.
    static func setCode(_ row: inout [UInt8], _ type: GGMLType, block: Int, element: Int, code: UInt8) {
        let start = block * type.typeSize, nibbles = start + (type == .q5_1 ? 8 : 4)
        let byte = nibbles + element % 16
        row[byte] = element < 16 ? row[byte] & 0xF0 | code & 15 : row[byte] & 0x0F | (code & 15) << 4
        if type == .q5_1 {
            let bit = start + 4 + element / 8, mask = UInt8(1) << UInt8(element % 8)
            row[bit] = code & 16 != 0 ? row[bit] | mask : row[bit] & ~mask
        }
    }

    static func reversedBlockOrderChangesTheBits(_ row: [UInt8], _ type: GGMLType) throws -> Bool {
        try row.withUnsafeBytes { try AnyOrderKernelTests.reversedBlockOrderChangesTheBits($0, type: type) }
    }
}

/// (type name, instruction set) for every affine any-order kernel this CPU runs.
enum AffineAnyOrderCases {
    static let all: [(String, VectorBlockKernels.AnyOrderPath)] = VectorBlockKernels.AnyOrderPath.allCases.flatMap { path in
        ["Q4_1", "Q5_1"].compactMap { name in
            GGMLType(name: name).flatMap { VectorBlockKernels.anyOrderKernel(for: $0, path: path) } == nil ? nil : (name, path)
        }
    }
}
