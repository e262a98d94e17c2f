import Foundation
import Testing
@testable import TensorAnalysis
import TestSupport

/// Radix selection against sorting on lists built to hurt a radix select: subnormals, infinities,
/// the extremes of the double range, keys that differ only in their lowest bits (every digit
/// round runs), two adjacent doubles; and its time on a million values sharing 52 key bits.
@Suite struct OrderStatisticsAdversarialTests {
    static func lists() -> [[Double]] {
        var rng = SeededRandom(seed: 0xAD5E)
        var out: [[Double]] = []
        let specials: [Double] = [.infinity, -.infinity, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                  .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, 0, 1, -1]
        for count in [1, 2, 3, 7, 64, 1000, 5003] {
            out.append((0 ..< count).map { _ in specials.randomElement(using: &rng)! })
            // Subnormals only: keys whose top 12 bits are all alike.
            out.append((0 ..< count).map { _ in Double(bitPattern: UInt64.random(in: 1 ... 0x000F_FFFF_FFFF_FFFF, using: &rng))
                * (Bool.random(using: &rng) ? 1 : -1) })
            // One double and the next: the keys differ in the last bit only.
            out.append((0 ..< count).map { _ in Bool.random(using: &rng) ? 1.0 : 1.0.nextUp })
            // Keys differing only in the low 40 bits, both signs.
            out.append((0 ..< count).map { _ in
                Double(bitPattern: 0x4000_0000_0000_0000 | UInt64.random(in: 0 ..< 1 << 40, using: &rng)) * (count % 2 == 0 ? 1 : -1) })
            // Any bit pattern that is a number (no NaN; −0.0 goes the sorting way, also checked).
            out.append((0 ..< count).map { _ in
                var x = Double.nan
                while x.isNaN { x = Double(bitPattern: UInt64.random(in: 0 ... .max, using: &rng)) }
                return x
            })
        }
        return out
    }

    @Test("every rank equals the sorted list's element there, bit for bit")
    func adversarialLists() {
        for values in Self.lists() {
            let ranks = Array(values.indices)
            let picked = OrderStatistics.values(atSortedRanks: ranks, of: values)
            #expect(picked.map(\.bitPattern) == values.sorted().map(\.bitPattern), "n=\(values.count) first=\(values[0])")
        }
    }

    /// Values sharing their top 52 key bits (the same sign, exponent and high mantissa bits) make
    /// every round of 11-bit digits run; the time must stay linear: 4x the values, well under
    /// 16x the time (a quadratic path would take 16x). `LinearTime` takes the best of three runs
    /// per size and measures again when the ratio looks too high, so a loaded machine (the full
    /// suite runs tests in parallel) cannot fail a linear selection; the bound is 10, not 8,
    /// because the larger list (8 MB) no longer fits the caches the smaller one does.
    @Test("a million values sharing 52 key bits: linear time")
    func equalPrefixIsLinear() {
        var rng = SeededRandom(seed: 9)
        func list(_ n: Int) -> [Double] {
            (0 ..< n).map { _ in Double(bitPattern: 0x3FF0_0000_0000_0000 | UInt64.random(in: 0 ..< 4096, using: &rng)) }
        }
        let small = list(250_000), large = list(1_000_000)
        let ratio = LinearTime.ratio(small.count, acceptBelow: 10) { n in
            let values = n == small.count ? small : large
            let picked = OrderStatistics.values(atSortedRanks: [values.count / 2, values.count / 4, values.count - 1], of: values)
            #expect(picked.count == 3)
        }
        #expect(ratio < 10, "4x the values took \(ratio)x the time")
        let sorted = large.sorted()
        #expect(OrderStatistics.values(atSortedRanks: [500_000], of: large) == [sorted[500_000]])
    }
}
