import Foundation
@testable import GGUFFormat
import Testing
import TestSupport

/// The AVX-512 kernels of Q8_0, Q4_0, Q4_K and Q5_K (`GGUFExactSumKernelsAVX512.c`) add a row's
/// blocks in any order once a per-row check proves that no addition rounds (and, for the K types,
/// that every float32 value d·sc·q − dmin·m is exact), and sum in the ordered way otherwise. Both paths are compared bit for bit with the portable Swift kernels, on rows
/// built to pass the check (quantized like gguf-py's, at many magnitudes and lengths) and rows
/// built to fail it (scales spanning wide exponent ranges, subnormal, huge, ±Inf and NaN scales,
/// cancelling blocks, Q8_0's −128 code, zero extremes, a K block whose float32 value rounds while
/// the row's sums would not). The failing rows are real adversaries:
/// summing their blocks in another order changes the bits (checked below), so a kernel that
/// skipped the check would fail these tests (verified once by hand by disabling it).
///
/// The AVX2 any-order kernels of Q4_K and Q5_K (CPUs without AVX-512) face the same rows; each
/// test runs once per (type, instruction set) this CPU has a kernel for.
@Suite(.enabled(if: !AnyOrderCases.all.isEmpty, "this CPU runs no any-order kernel (neither AVX2 nor AVX-512)"))
struct AnyOrderKernelTests {
    static let cases = AnyOrderCases.all

    @Test(arguments: cases)
    func rowsQuantizedLikeGGUFPyTakeTheAnyOrderPathWithTheSameBits(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0xA0_0D3 &+ UInt64(type.id))
        var rows = 0
        // K rows: 256 values a block, up to 4,096 (the check's margin shrinks with the row's length).
        for blocks in type.blockSize == 256 ? [1, 2, 3, 5, 8, 9, 15, 16, 3, 7, 11, 16] : [1, 2, 7, 8, 9, 15, 16, 17, 31, 64, 128, 300] {
            for magnitude in [1e-4, 1e-3, 0.02, 1.0, 3000.0] {
                let bytes = Self.quantizedRow(type, blocks: blocks, sigma: magnitude, using: &random)
                try bytes.withUnsafeBytes { raw in
                    let base = try #require(raw.baseAddress)
                    let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                    let anyOrder = VectorBlockKernels.anyOrderMoments(base, blocks: blocks, type: type, path: path)
                    #expect(anyOrder != nil, "\(typeName) \(path) \(blocks) blocks, σ \(magnitude): the check should pass")
                    if let anyOrder { Self.expectSameBits(anyOrder, portable, "\(typeName) \(path) \(blocks) blocks σ \(magnitude)") }
                    Self.expectSameBits(try GGUFRowDecoding.moments(ofRow: raw, type: type), portable, "\(typeName) \(path) default path")
                }
                rows += 1
            }
        }
        #expect(rows == 60)
    }

    /// Rows whose scales make the any-order sums differ from the ordered ones: the check must
    /// send them to the ordered kernel.
    @Test(arguments: cases)
    func rowsBuiltToFailTheCheckTakeTheOrderedPath(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0xFA11 &+ UInt64(type.id))
        var reorderedDiffers = 0
        for (name, row) in Self.failingRows(type, using: &random) {
            let blocks = row.count / type.typeSize
            try row.withUnsafeBytes { raw in
                let base = try #require(raw.baseAddress)
                #expect(VectorBlockKernels.anyOrderMoments(base, blocks: blocks, type: type, path: path) == nil,
                        "\(typeName) \(path) \(name): the check should fail")
                let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                Self.expectSameBits(try GGUFRowDecoding.moments(ofRow: raw, type: type), portable, "\(typeName) \(path) \(name)")
                if try Self.reversedBlockOrderChangesTheBits(raw, type: type) { reorderedDiffers += 1 }
            }
        }
        // The rows matter: for several of them another block order gives other bits.
        #expect(reorderedDiffers >= 5, "\(typeName) \(path): \(reorderedDiffers) rows where the block order changes Σx or Σx²")
    }

    /// A sweep over the gap between the smallest scale and the others: small gaps pass the check,
    /// large ones fail it, and every row has the portable kernel's bits either way.
    @Test(arguments: cases)
    func theCheckSwitchesPathsAcrossAScaleGapSweep(typeName: String, path: VectorBlockKernels.AnyOrderPath) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: 0x5EE9 &+ UInt64(type.id))
        var passed = 0, failed = 0
        for gap in 0 ... 24 {
            for blocks in type.blockSize == 256 ? [2, 5, 16] : [9, 64, 130] {
                var row = Self.randomCodes(type, blocks: blocks, using: &random)
                for b in 0 ..< blocks {
                    // Exponent field 2 for block 0, 2 + gap for the rest; random mantissas and signs
                    // (K types: d and dmin alike, both positive as llama.cpp writes them).
                    let exponent = UInt16(b == 0 ? 2 : 2 + gap)
                    for field in Self.scaleFields(type) {
                        let sign: UInt16 = type.blockSize == 32 && Bool.random(using: &random) ? 0x8000 : 0
                        Self.setScale(&row, type, block: b, half: exponent << 10 | UInt16.random(in: 0 ... 0x3FF, using: &random) | sign, field: field)
                    }
                }
                try row.withUnsafeBytes { raw in
                    let base = try #require(raw.baseAddress)
                    let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                    if let anyOrder = VectorBlockKernels.anyOrderMoments(base, blocks: blocks, type: type, path: path) {
                        passed += 1
                        Self.expectSameBits(anyOrder, portable, "\(typeName) \(path) gap \(gap), \(blocks) blocks (any order)")
                    } else {
                        failed += 1
                    }
                    Self.expectSameBits(try GGUFRowDecoding.moments(ofRow: raw, type: type), portable, "\(typeName) \(path) gap \(gap), \(blocks) blocks")
                }
            }
        }
        // Q5_K's values carry one more bit than Q4_K's: fewer gaps pass there.
        #expect(passed >= 5 && failed >= 5, "\(typeName) \(path): \(passed) rows passed the check, \(failed) failed it")
    }

    // MARK: - Rows

    /// Values N(0, σ²) quantized as gguf-py does (σ ≥ 1e-4: smaller values round to zero f16 scales,
    /// whose rows have zero extremes and take the ordered path): Q8_0 d = max|x| / 127, q = round(x / d);
    /// Q4_0 d = (the value of largest magnitude) / −8, q = clamp(trunc(x / d + 8.5), 0, 15).
    /// K types (no quantizer in gguf-py): random codes, sub-block scales and minimums, d and dmin in
    /// the binade of σ / 64, both positive as llama.cpp writes them (a row of negative d has
    /// values ≤ 0, and often a maximum of exactly 0, which the ordered path handles), as the
    /// bench's Q4_K_M file.
    static func quantizedRow(_ type: GGMLType, blocks: Int, sigma: Double, using random: inout SeededRandom) -> [UInt8] {
        if type.blockSize == 256 {
            var out = (0 ..< blocks * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            let exponent = UInt8(max(1, min(29, 15 + Int((sigma / 64).exponent))))
            for b in 0 ..< blocks {
                out[b * type.typeSize + 1] = exponent << 2 | (out[b * type.typeSize + 1] & 0x03)
                out[b * type.typeSize + 3] = exponent << 2 | (out[b * type.typeSize + 3] & 0x03)
            }
            return out
        }
        var out: [UInt8] = []
        for _ in 0 ..< blocks {
            let x = (0 ..< 32).map { _ in Float(gaussian(using: &random) * sigma) }
            if type == .q8_0 {
                let d = (x.map(abs).max() ?? 0) / 127  // codes from the float32 d, which is stored as f16
                let inverse = d == 0 ? 0 : 1 / d
                out += le(Float16(d).bitPattern) + x.map { UInt8(bitPattern: Int8(max(-127, min(127, ($0 * inverse).rounded())))) }
            } else {
                let extreme = x.max { abs($0) < abs($1) } ?? 0
                let d = extreme / -8
                let inverse = d == 0 ? 0 : 1 / d
                let q = x.map { UInt8(max(0, min(15, Int($0 * inverse + 8.5)))) }
                out += le(Float16(d).bitPattern) + (0 ..< 16).map { q[$0] | q[$0 + 16] << 4 }
            }
        }
        return out
    }

    /// Random codes (Q8_0: −127…127) and zero scales (K types: d and dmin; random sub-block
    /// scales), to be set by the caller.
    static func randomCodes(_ type: GGMLType, blocks: Int, using random: inout SeededRandom) -> [UInt8] {
        if type.blockSize == 256 {
            var out = (0 ..< blocks * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            for b in 0 ..< blocks { out.replaceSubrange(b * type.typeSize ..< b * type.typeSize + 4, with: [0, 0, 0, 0]) }
            return out
        }
        var out: [UInt8] = []
        for _ in 0 ..< blocks {
            out += [0, 0]
            if type == .q8_0 {
                out += (0 ..< 32).map { _ in UInt8(bitPattern: Int8.random(in: -127 ... 127, using: &random)) }
            } else {
                out += (0 ..< 16).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            }
        }
        return out
    }

    /// Byte offsets of a block's f16 scales: d, and dmin for the K types.
    static func scaleFields(_ type: GGMLType) -> [Int] { type.blockSize == 256 ? [0, 2] : [0] }

    static func setScale(_ row: inout [UInt8], _ type: GGMLType, block: Int, half: UInt16, field: Int = 0) {
        row[block * type.typeSize + field] = UInt8(half & 0xFF)
        row[block * type.typeSize + field + 1] = UInt8(half >> 8)
    }

    static func failingRows(_ type: GGMLType, using random: inout SeededRandom) -> [(String, [UInt8])] {
        var rows: [(String, [UInt8])] = []
        // Every scale field (d, and dmin) of block b gets scale(b) (dmin: without its sign).
        func row(_ name: String, blocks: Int, scale: (Int) -> UInt16) {
            var bytes = randomCodes(type, blocks: blocks, using: &random)
            for b in 0 ..< blocks {
                for field in scaleFields(type) { setScale(&bytes, type, block: b, half: field == 0 ? scale(b) : scale(b) & 0x7FFF, field: field) }
            }
            rows.append((name, bytes))
        }
        for blocks in type.blockSize == 256 ? [3, 4, 5, 8] : [3, 8, 24, 40] {
            // One huge scale among tiny ones (exponent fields 29 and 1), either sign.
            row("huge among tiny", blocks: blocks) { b in b == 1 ? 0x7400 | UInt16(b * 97 & 0x3FF) : 0x0400 | UInt16(b * 131 & 0x3FF) }
            row("huge among tiny, negative", blocks: blocks) { b in b % 3 == 0 ? 0xF7FF : 0x0401 | UInt16(b * 37 & 0x3FE) }
            // Subnormal scales (exponent field 0) next to ordinary ones.
            row("subnormal and normal", blocks: blocks) { b in b % 2 == 0 ? UInt16(1 + b * 13 % 0x3FF) : 0x3C00 | UInt16(b * 29 & 0x3FF) }
            // Exponents 1, 8, 15, … (every one from 1 to 30 in long rows).
            row("every exponent", blocks: blocks) { b in UInt16(1 + b * 7 % 30) << 10 | UInt16(b * 211 & 0x3FF) }
            // Two large blocks of opposite scales around tiny ones: cancellation.
            row("cancellation", blocks: blocks) { b in b == 0 ? 0x6BFF : b == blocks - 1 ? 0xEBFF : 0x0800 | UInt16(b * 7 & 0x3FF) }
            // ±Inf and NaN scales.
            row("infinite scale", blocks: blocks) { b in b == blocks / 2 ? 0x7C00 : 0x3C00 }
            row("negative infinite scale", blocks: blocks) { b in b == 0 ? 0xFC00 : 0x3555 }
            row("NaN scale", blocks: blocks) { b in b == blocks - 1 ? 0x7E01 : 0x3C00 }
        }
        if type.blockSize == 256 {
            rows += kRows(type, using: &random)
            return rows
        }
        // A zero extreme: every value ≥ 0 and some exactly 0 (the sign of zero is the ordered
        // path's business).
        var zero = randomCodes(type, blocks: 9, using: &random)
        for b in 0 ..< 9 {
            setScale(&zero, type, block: b, half: 0x3C00)
            for j in 2 ..< type.typeSize {
                zero[b * type.typeSize + j] = type == .q8_0 ? zero[b * type.typeSize + j] & 0x7F : zero[b * type.typeSize + j] | 0x88
            }
        }
        zero[2] = type == .q8_0 ? 0 : 0x88
        rows.append(("zero minimum", zero))
        if type == .q8_0 {
            // Code −128 (gguf-py never writes it): its square does not fit the kernel's byte product.
            var low = randomCodes(type, blocks: 16, using: &random)
            for b in 0 ..< 16 { setScale(&low, type, block: b, half: 0x3C00) }
            low[5 * 34 + 7] = 0x80
            rows.append(("code -128", low))
        }
        return rows
    }

    /// K rows of their own: a float32 value that rounds in a row whose sums would not, NaN/Inf
    /// in dmin alone, and a zero minimum.
    static func kRows(_ type: GGMLType, using random: inout SeededRandom) -> [(String, [UInt8])] {
        let codes = type == .q4_K ? 16 : 48
        // d = 1, dmin = 1025 · 2^-16 (0x2401); sub-block 0 has scale 63, the others 0; every
        // minimum 1. Element 0 of sub-block 0 has code 15: 63 · 15 − dmin = 944.98… needs 26
        // significant bits and rounds in float32; the other 255 values are −dmin. Σx² ≈ 945²
        // is far below the row's limit 2^(2·(−16) + 53), so only the value test catches it.
        var inexact = [UInt8](repeating: 0, count: type.typeSize)
        inexact[0 ..< 4] = [0x00, 0x3C, 0x01, 0x24]
        inexact[4 ..< 16] = [63, 0, 0, 0, 1, 1, 1, 1, 0x10, 0x10, 0x10, 0x10]
        inexact[codes] = 0x0F
        var rows = [("inexact float32 value", inexact)]
        for (name, d, dmin) in [("NaN dmin", UInt16(0x3C00), UInt16(0x7E00)), ("infinite dmin", 0x3C00, 0x7C00),
                                ("infinite d", 0xFC00, 0x3C00), ("dmin far above d", 0x0401, 0x7401)] {
            var row = randomCodes(type, blocks: 3, using: &random)
            for b in 0 ..< 3 {
                setScale(&row, type, block: b, half: d)
                setScale(&row, type, block: b, half: dmin, field: 2)
            }
            rows.append((name, row))
        }
        // dmin = 0 and d = 1: every value d·sc·q ≥ 0, and code 0 gives 0.
        var zero = randomCodes(type, blocks: 2, using: &random)
        for b in 0 ..< 2 { setScale(&zero, type, block: b, half: 0x3C00) }
        zero[codes] = 0x10
        zero[4] = zero[4] | 1  // sub-block 0 has a nonzero scale
        rows.append(("zero minimum", zero))
        return rows
    }

    // MARK: - Helpers

    /// Whether summing the row's per-group Σx and Σx² (each exact in a Double; groups of `group`
    /// values: a 32-value block, or a Q6_K unit of 16) last group first gives other bits than
    /// first group first.
    static func reversedBlockOrderChangesTheBits(_ raw: UnsafeRawBufferPointer, type: GGMLType, group: Int = 32) throws -> Bool {
        let values = try GGUFRowDecoding.dequantize(row: raw, type: type)
        var sums: [Double] = [], squares: [Double] = []
        for start in stride(from: 0, to: values.count, by: group) {
            let block = values[start ..< start + group].map(Double.init)
            sums.append(block.reduce(0, +))
            squares.append(block.map { $0 * $0 }.reduce(0, +))
        }
        let forward = (sums.reduce(0, +), squares.reduce(0, +))
        let backward = (sums.reversed().reduce(0, +), squares.reversed().reduce(0, +))
        guard forward.0.isFinite, forward.1.isFinite else { return false }
        return forward.0.bitPattern != backward.0.bitPattern || forward.1.bitPattern != backward.1.bitPattern
    }

    static func expectSameBits(_ a: GGUFRowMoments, _ b: GGUFRowMoments, _ comment: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let bits = [a.sum, a.sumOfSquares, a.minimum, a.maximum].map(\.bitPattern)
        let expected = [b.sum, b.sumOfSquares, b.minimum, b.maximum].map(\.bitPattern)
        #expect(bits == expected && a.count == b.count && a.nanCount == b.nanCount
                && a.positiveInfinityCount == b.positiveInfinityCount && a.negativeInfinityCount == b.negativeInfinityCount,
                "\(comment): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    static func gaussian(using random: inout SeededRandom) -> Double {
        let u = Double.random(in: Double.ulpOfOne ..< 1, using: &random), v = Double.random(in: 0 ..< 1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    static func le(_ half: UInt16) -> [UInt8] { [UInt8(half & 0xFF), UInt8(half >> 8)] }
}

/// (type name, instruction set) for every any-order kernel of Q8_0, Q4_0, Q4_K and Q5_K this CPU runs.
enum AnyOrderCases {
    static let all: [(String, VectorBlockKernels.AnyOrderPath)] = VectorBlockKernels.AnyOrderPath.allCases.flatMap { path in
        ["Q8_0", "Q4_0", "Q4_K", "Q5_K"].compactMap { name in
            GGMLType(name: name).flatMap { VectorBlockKernels.anyOrderKernel(for: $0, path: path) } == nil ? nil : (name, path)
        }
    }
}
