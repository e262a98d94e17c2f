import CMomentKernels
import Testing
@testable import TensorScan
import TestSupport

/// The AVX2 float loops against a scalar model of the lane order they document, bit for bit.
///
/// Why: the reports print Σx and Σx² with every digit, so the loops may change their
/// instructions (which pipe widens, which one adds) but never which double lane an element is
/// added to, nor the order of the final fold. The AVX-512 loop shares that order but does not
/// run on every machine; this model runs everywhere AVX2 does. Lanes, for each step of 16
/// elements: F32 element 16j + 4k + l goes to accumulator k, lane l; for BF16 and F16 the even
/// elements of the step fill accumulators 0 and 1 and the odd ones 2 and 3 (element 16j + 2m
/// is lane m of the even vector, 16j + 2m + 1 of the odd one). A last step of 8 adds its
/// elements in order to accumulators 0 and 1. The fold: (s0 + s1) + (s2 + s3) lane by lane,
/// then (lane 0 + lane 2) + (lane 1 + lane 3); extremes by `a < b ? a : b` chains per lane, then
/// across lanes in order.
@Suite struct LaneOrderReferenceTests {
    /// Raw sums of the loop for lane values `x` (one Float per element, already the lane value).
    static func model(_ x: [Float], pairedLanes: Bool) -> (sum: Double, squares: Double, lowest: Float, highest: Float) {
        var s = [[Double]](repeating: [0, 0, 0, 0], count: 4), q = s
        var mn = [Float](repeating: .infinity, count: 8), mx = [Float](repeating: -.infinity, count: 8)
        var i = 0
        while i + 16 <= x.count {
            // The two eight-lane vectors a and b of this step.
            let a = (0..<8).map { pairedLanes ? x[i + 2 * $0] : x[i + $0] }
            let b = (0..<8).map { pairedLanes ? x[i + 2 * $0 + 1] : x[i + 8 + $0] }
            let halves = [Array(a[0..<4]), Array(a[4..<8]), Array(b[0..<4]), Array(b[4..<8])]
            for k in 0..<4 {
                for l in 0..<4 {
                    let d = Double(halves[k][l])
                    s[k][l] = s[k][l] + d
                    q[k][l] = (d * d + q[k][l])  // fma: d·d is exact in a double
                }
            }
            for l in 0..<8 {
                let low = a[l] < b[l] ? a[l] : b[l], high = a[l] > b[l] ? a[l] : b[l]
                mn[l] = low < mn[l] ? low : mn[l]
                mx[l] = high > mx[l] ? high : mx[l]
            }
            i += 16
        }
        if i + 8 <= x.count {
            for l in 0..<8 {
                let d = Double(x[i + l])
                s[l / 4][l % 4] += d
                q[l / 4][l % 4] = d * d + q[l / 4][l % 4]
                mn[l] = x[i + l] < mn[l] ? x[i + l] : mn[l]
                mx[l] = x[i + l] > mx[l] ? x[i + l] : mx[l]
            }
        }
        func fold(_ v: [[Double]]) -> Double {
            let t = (0..<4).map { (v[0][$0] + v[1][$0]) + (v[2][$0] + v[3][$0]) }
            return (t[0] + t[2]) + (t[1] + t[3])
        }
        var lowest = mn[0], highest = mx[0]
        for l in 1..<8 {
            lowest = mn[l] < lowest ? mn[l] : lowest
            highest = mx[l] > highest ? mx[l] : highest
        }
        return (fold(s), fold(q), lowest, highest)
    }

    /// Values over 60 binades with signed zeros and subnormals, so every addition rounds and a
    /// changed lane or order shows in the last bits.
    static func values(_ count: Int, using rng: inout SeededRandom) -> [Float] {
        (0..<count).map { _ in
            switch Int.random(in: 0..<20, using: &rng) {
            case 0: return -0.0
            case 1: return 0.0
            case 2: return Float(bitPattern: UInt32.random(in: 1..<0x0080_0000, using: &rng))  // subnormal
            default:
                return Float(sign: Bool.random(using: &rng) ? .minus : .plus,
                             exponent: Int.random(in: -30...30, using: &rng),
                             significand: Float.random(in: 1..<2, using: &rng))
            }
        }
    }

    static func expectSame(_ wide: cmk_lane_sums, _ model: (sum: Double, squares: Double, lowest: Float, highest: Float),
                           _ note: String) {
        #expect(wide.sum.bitPattern == model.sum.bitPattern, "\(note): Σx")
        #expect(wide.squares.bitPattern == model.squares.bitPattern, "\(note): Σx²")
        #expect(wide.lowest.bitPattern == model.lowest.bitPattern, "\(note): lowest")
        #expect(wide.highest.bitPattern == model.highest.bitPattern, "\(note): highest")
    }

    @Test("F32, BF16 and F16 AVX2 and AVX-512 loops: Σx, Σx² and extremes bit for bit as the lane-order model",
          .enabled(if: MomentKernels.Path.avx2.isAvailable),
          arguments: [false, true], [8, 15, 16, 24, 32, 40, 100, 1000, 1024, 2048])
    func matchesModel(avx512: Bool, length: Int) {
        guard !avx512 || MomentKernels.Path.avx512.isAvailable else { return }
        var rng = SeededRandom(seed: (avx512 ? 0x512E : 0x1A4E) &+ UInt64(length))
        for trial in 0..<20 {
            Self.expectAllTypesMatch(Self.values(length, using: &rng), avx512: avx512, "trial \(trial)", using: &rng)
        }
    }

    /// The 16-bit loops take their extremes from the integer codes, and fall back to the float
    /// lanes' order only when an extreme is ±0: which zero the model keeps depends on where each
    /// sign sits. Rows whose minimum (or maximum) is a zero of either sign, rows of mixed zeros
    /// only, and chunks too short for a step (the model's ±Inf).
    @Test("extremes at ±0 and chunks shorter than a step: every loop bit for bit as the model",
          .enabled(if: MomentKernels.Path.avx2.isAvailable),
          arguments: [1, 7, 8, 9, 16, 17, 24, 40, 1024])
    func zeroExtremes(length: Int) {
        var rng = SeededRandom(seed: 0x2E50 &+ UInt64(length))
        let paths = MomentKernels.Path.avx512.isAvailable ? [false, true] : [false]
        for trial in 0..<40 {
            let kind = trial % 4
            let floats: [Float] = (0..<length).map { _ in
                let zero: Float = Bool.random(using: &rng) ? -0.0 : 0.0
                guard kind != 3, Int.random(in: 0..<4, using: &rng) != 0 else { return zero }
                let magnitude = Float(sign: .plus, exponent: Int.random(in: -20...20, using: &rng),
                                      significand: Float.random(in: 1..<2, using: &rng))
                switch kind {
                case 0: return magnitude  // minimum ±0
                case 1: return -magnitude  // maximum ±0
                default: return Bool.random(using: &rng) ? magnitude : -magnitude
                }
            }
            for avx512 in paths {
                Self.expectAllTypesMatch(floats, avx512: avx512, "kind \(kind) trial \(trial)", using: &rng)
            }
        }
    }

    /// `floats` through the F32 loop, their top halves through the BF16 loop, and F16 codes of the
    /// same signs and zeros through the F16 loop, each against the model.
    static func expectAllTypesMatch(_ floats: [Float], avx512: Bool, _ note: String, using rng: inout SeededRandom) {
        let length = floats.count
        let path = avx512 ? "avx512" : "avx2"
        floats.withUnsafeBytes { raw in
            expectSame(F32Lanes(base: raw.baseAddress!).wideSums(length, avx512: avx512),
                       model(floats, pairedLanes: false), "f32 \(path) \(note)")
        }
        // BF16: the top halves; lane values are those floats with the low half cleared.
        let bf16 = floats.map { UInt16($0.bitPattern >> 16) }
        bf16.withUnsafeBytes { raw in
            expectSame(BF16Lanes(base: raw.baseAddress!).wideSums(length, avx512: avx512),
                       model(bf16.map { Float(bitPattern: UInt32($0) << 16) }, pairedLanes: true), "bf16 \(path) \(note)")
        }
        // F16: any code but Inf/NaN, with each float's sign and zeros; a lane holds the value
        // times 2^-112 (sign, then the exponent and mantissa moved up 13 bits).
        let f16 = floats.map { x -> UInt16 in
            let sign: UInt16 = x.sign == .minus ? 0x8000 : 0
            return x == 0 ? sign : sign | UInt16.random(in: 1...0x7BFF, using: &rng)
        }
        f16.withUnsafeBytes { raw in
            let lanes = f16.map { Float(bitPattern: (UInt32($0 & 0x8000) << 16) | (UInt32($0 & 0x7FFF) << 13)) }
            expectSame(F16Lanes(base: raw.baseAddress!).wideSums(length, avx512: avx512),
                       model(lanes, pairedLanes: true), "f16 \(path) \(note)")
        }
    }
}
