/// Exact order statistics without a full sort. `audit` needs only a median, a MAD and six
/// quantiles of each tensor's row norms; sorting every list (twice, for the MAD) was ~8% of a
/// 1 GiB audit's samples. A deterministic three-way quickselect that recurses only into the
/// parts holding a wanted rank does O(n) work and gives the same numbers as `sorted()`.
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
        let wanted = Array(Set(ranks)).sorted()
        var work = values
        var found = [Double](repeating: 0, count: wanted.count)
        // Past this depth the pivots are doing badly: sort the rest (introselect's guard).
        let depthLimit = 2 * (Int.bitWidth - values.count.leadingZeroBitCount) + 4
        select(&work, 0, work.count, wanted, 0, wanted.count, &found, depth: depthLimit)
        return ranks.map { rank in found[wanted.firstIndex(of: rank) ?? 0] }
    }

    /// Places in `found[r]` the element of sorted rank `wanted[r]` for every `r` in
    /// `rlo ..< rhi`; `work[lo ..< hi]` holds exactly the elements of sorted ranks `lo ..< hi`,
    /// and `wanted[rlo ..< rhi]` all lie in that range.
    private static func select(_ work: inout [Double], _ lo: Int, _ hi: Int,
                               _ wanted: [Int], _ rlo: Int, _ rhi: Int,
                               _ found: inout [Double], depth: Int) {
        guard rlo < rhi else { return }
        if hi - lo <= 16 || depth == 0 {
            work[lo ..< hi].sort()
            for r in rlo ..< rhi { found[r] = work[wanted[r]] }
            return
        }
        let pivot = medianOfThree(work[lo], work[lo + (hi - lo) / 2], work[hi - 1])
        // Dijkstra's three-way partition: [lo, less) < pivot, [less, more) == pivot,
        // [more, hi) > pivot. The pivot is an element, so the middle is never empty.
        var less = lo, i = lo, more = hi
        while i < more {
            let v = work[i]
            if v < pivot {
                work.swapAt(less, i)
                less += 1
                i += 1
            } else if v > pivot {
                more -= 1
                work.swapAt(i, more)
            } else {
                i += 1
            }
        }
        var r = rlo
        while r < rhi && wanted[r] < less { r += 1 }
        select(&work, lo, less, wanted, rlo, r, &found, depth: depth - 1)
        while r < rhi && wanted[r] < more {
            found[r] = pivot
            r += 1
        }
        select(&work, more, hi, wanted, r, rhi, &found, depth: depth - 1)
    }

    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        if a < b {
            if b < c { return b }
            return a < c ? c : a
        }
        if a < c { return a }
        return b < c ? c : b
    }
}
