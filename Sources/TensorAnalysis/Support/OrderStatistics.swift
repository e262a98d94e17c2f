/// Exact order statistics without a full sort. `audit` needs only a median, a MAD and six
/// quantiles of each tensor's row norms; sorting every list (twice, for the MAD) was ~8% of a
/// 1 GiB audit's samples, and a three-way quickselect (unpredictable branches, ~20 ns per
/// value) still 5%. This is a radix select: a double's bits, flipped as below, order like the
/// double, so each round counts the values per 11-bit digit just below the bits every
/// candidate shares, and keeps only the buckets that hold a wanted rank: three branch-free
/// passes per round, and row norms — which share their top bits — fall to a few dozen
/// candidates in one round. It gives the same values as `sorted()`.
enum OrderStatistics {
    /// The values `values.sorted()` holds at `ranks` (each in `0 ..< values.count`), in the
    /// order of `ranks`.
    ///
    /// Equal doubles are bit-identical except −0.0 and +0.0, and NaN has no place in `<`'s
    /// order, so with either present the answer depends on where `sorted()` leaves equal
    /// elements: those lists are sorted as before rather than selected.
    static func values(atSortedRanks ranks: [Int], of values: [Double]) -> [Double] {
        guard values.allSatisfy({ !$0.isNaN && !($0 == 0 && $0.sign == .minus) }) else {
            let sorted = values.sorted()
            return ranks.map { sorted[$0] }
        }
        // A short list is sorted: each select round allocates and clears 2 × 2048 counters
        // (32 KB), which for the 4-row tensors of a 50,000-tensor checkpoint was ~20% of its
        // audit. Without NaN and −0.0, `sorted()` gives the values the select would.
        if values.count <= Self.sortedBelow {
            let sorted = values.sorted()
            return ranks.map { sorted[$0] }
        }
        let wanted = Array(Set(ranks)).sorted()
        var found = [UInt64](repeating: 0, count: wanted.count)
        select(values.map(key), wanted[...], offset: 0, into: &found, at: 0)
        return ranks.map { rank in value(found[wanted.firstIndex(of: rank) ?? 0]) }
    }

    /// A key whose unsigned order is the double's order (no NaN, no −0.0): negative values
    /// have every bit flipped, others only the sign bit.
    @inline(__always)
    private static func key(_ x: Double) -> UInt64 {
        let bits = x.bitPattern
        return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    private static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
    }

    /// Lists up to this long are sorted rather than selected.
    static let sortedBelow = 64

    /// Digit width: 2048 counters (16 KiB) stay in L1.
    private static let digitBits = 11

    /// Writes to `found[first + r]` the key of sorted rank `wanted[r] - offset` of `keys`, for
    /// every `r` (the ranks are sorted, distinct and within `offset ..< offset + keys.count`).
    private static func select(_ keys: [UInt64], _ wanted: ArraySlice<Int>, offset: Int,
                               into found: inout [UInt64], at first: Int) {
        guard !wanted.isEmpty else { return }
        var low = UInt64.max, high = UInt64.min
        for k in keys {
            low = Swift.min(low, k)
            high = Swift.max(high, k)
        }
        if low == high {
            for r in wanted.indices { found[first + r - wanted.startIndex] = low }
            return
        }
        // The digit: the `digitBits` bits from the highest bit where the keys differ.
        let top = 63 - (low ^ high).leadingZeroBitCount
        let shift = Swift.max(0, top + 1 - digitBits)
        let mask = (UInt64(1) << UInt64(Swift.min(digitBits, top + 1))) - 1
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        for k in keys { counts[Int((k >> UInt64(shift)) & mask)] += 1 }
        // Walk the buckets in order, noting which hold wanted ranks; then gather those buckets'
        // keys in one pass and refine each.
        var slot = [Int](repeating: -1, count: counts.count)
        var parts: [(ranks: Range<Int>, below: Int)] = []
        var r = wanted.startIndex
        var below = offset
        for bucket in counts.indices where counts[bucket] > 0 {
            guard r < wanted.endIndex else { break }
            let end = below + counts[bucket]
            var stop = r
            while stop < wanted.endIndex && wanted[stop] < end { stop += 1 }
            if stop > r {
                slot[bucket] = parts.count
                parts.append((r..<stop, below))
                r = stop
            }
            below = end
        }
        var inside = [[UInt64]](repeating: [], count: parts.count)
        for k in keys {
            let p = slot[Int((k >> UInt64(shift)) & mask)]
            if p >= 0 { inside[p].append(k) }
        }
        for (p, part) in parts.enumerated() {
            select(inside[p], wanted[part.ranks], offset: part.below, into: &found,
                   at: first + part.ranks.lowerBound - wanted.startIndex)
        }
    }
}
