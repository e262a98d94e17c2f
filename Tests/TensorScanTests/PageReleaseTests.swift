import Testing
@testable import TensorScan

/// `PageRelease`: which bytes a scan drops behind it, checked against a direct model of the
/// rules (never a page another core may still read; everything read released by the end;
/// memory held bounded) over every finishing order of small item sets.
@Suite struct PageReleaseTests {
    final class File {}
    typealias Release = PageRelease<File>
    static let mib: UInt64 = 1 << 20

    /// `ranges` as a sorted list of disjoint, non-adjacent ranges.
    static func union(_ ranges: [Range<UInt64>]) -> [Range<UInt64>] {
        var out: [Range<UInt64>] = []
        for r in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    /// Items of `itemBytes` each, contiguous from `start`, finished in `order`; returns what each
    /// `finish` released, and what `releaseAll` released at the end.
    static func run(items: Int, itemBytes: UInt64, start: UInt64 = 12_288, order: [Int], batch: UInt64,
                    file: File) -> (steps: [[Range<UInt64>]], end: [Range<UInt64>]) {
        var release = Release(batchBytes: batch)
        var steps: [[Range<UInt64>]] = []
        for k in order {
            let low = start + UInt64(k) * itemBytes
            let out = release.finish(k, read: [Release.Span(mapping: file, range: low..<(low + itemBytes))])
            #expect(out.allSatisfy { $0.mapping === file })
            steps.append(out.map(\.range))
        }
        return (steps, release.releaseAll().map(\.range))
    }

    @Test("in order: batches end on 2 MiB boundaries, and everything read is released by the end")
    func inOrder() {
        let file = File()
        let itemBytes = 4 * Self.mib + 4096
        let (steps, end) = Self.run(items: 40, itemBytes: itemBytes, order: Array(0..<40), batch: 16 * Self.mib, file: file)
        let released = steps.flatMap { $0 }
        // Far fewer calls than items (one per item before batching).
        #expect(released.count <= 40 / 3)
        for range in released { #expect(range.upperBound % (2 * Self.mib) == 0) }
        // Together with the final release: exactly the bytes read, each once.
        let all = Self.union(released + end)
        #expect(all == [12_288..<(12_288 + 40 * itemBytes)])
        #expect((released + end).reduce(0) { $0 + UInt64($1.count) } == 40 * itemBytes)
    }

    @Test("never releases an item that is not finished, whatever the finishing order")
    func outOfOrder() {
        let file = File()
        let itemBytes = 3 * Self.mib
        // Two cores alternate items; the second core is one item behind, then finishes in bursts.
        let orders: [[Int]] = [
            [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10],
            [1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10, 11],
            [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
            [0, 2, 4, 6, 8, 10, 1, 3, 5, 7, 9, 11],
        ]
        for order in orders {
            for batch in [0, 4 * Self.mib, 16 * Self.mib, 64 * Self.mib] {
                let (steps, end) = Self.run(items: 12, itemBytes: itemBytes, order: order, batch: batch, file: file)
                var finished: Set<Int> = []
                for (k, out) in zip(order, steps) {
                    finished.insert(k)
                    for range in out {
                        // Every byte released lies in finished items (the start may be widened
                        // to its page by the caller, not here).
                        let first = Int((range.lowerBound - 12_288) / itemBytes)
                        let last = Int((range.upperBound - 12_288 - 1) / itemBytes)
                        for item in first...last { #expect(finished.contains(item), "order \(order) batch \(batch)") }
                    }
                }
                #expect(Self.union(steps.flatMap { $0 } + end) == [12_288..<(12_288 + 12 * itemBytes)])
            }
        }
    }

    @Test("items finished ahead of a slow one are released as they finish once they exceed a batch")
    func boundedWhileBlocked() {
        let file = File()
        let itemBytes = 4 * Self.mib
        var release = Release(batchBytes: 16 * Self.mib)
        var released: UInt64 = 0
        var ranges: [Range<UInt64>] = []
        // Item 0 never finishes until the end; items 1... finish.
        for k in 1...40 {
            let low = UInt64(k) * itemBytes
            let out = release.finish(k, read: [Release.Span(mapping: file, range: low..<(low + itemBytes))])
            released += out.reduce(0) { $0 + UInt64($1.range.count) }
            ranges += out.map(\.range)
            // Item 0 is never released before it finishes.
            #expect(out.allSatisfy { $0.range.lowerBound >= itemBytes })
            // Held: at most a batch (plus the item that crossed it).
            #expect(UInt64(k) * itemBytes - released <= 16 * Self.mib + itemBytes)
        }
        ranges += release.finish(0, read: [Release.Span(mapping: file, range: 0..<itemBytes)]).map(\.range)
        ranges += release.releaseAll().map(\.range)
        #expect(release.pendingBytes == 0)
        #expect(Self.union(ranges) == [0..<(41 * itemBytes)])
    }

    @Test("two files and a twin read with its leader: runs are kept apart and released whole")
    func twoRuns() {
        let a = File(), b = File()
        var release = Release(batchBytes: 8 * Self.mib)
        var released: [(File, Range<UInt64>)] = []
        let itemBytes = 2 * Self.mib + 100
        for k in 0..<10 {
            let lead = 100 + UInt64(k) * itemBytes
            let twin = 900 * Self.mib + UInt64(k) * itemBytes
            let other = UInt64(k) * itemBytes
            let out = release.finish(k, read: [Release.Span(mapping: a, range: lead..<(lead + itemBytes)),
                                               Release.Span(mapping: a, range: twin..<(twin + itemBytes)),
                                               Release.Span(mapping: b, range: other..<(other + itemBytes))])
            released += out.map { ($0.mapping, $0.range) }
        }
        released += release.releaseAll().map { ($0.mapping, $0.range) }
        let inA = Self.union(released.filter { $0.0 === a }.map(\.1))
        let inB = Self.union(released.filter { $0.0 === b }.map(\.1))
        #expect(inA == [100..<(100 + 10 * itemBytes), (900 * Self.mib)..<(900 * Self.mib + 10 * itemBytes)])
        #expect(inB == [0..<(10 * itemBytes)])
    }
}
