/// Which mapped pages a scan may drop from the process, and when: the bytes behind the point up
/// to which every work item is finished, in batches of at least `batchBytes`, cut at 2 MiB
/// boundaries.
///
/// Why batches: releasing each 4 MiB item behind the scan as it finished (one `MADV_DONTNEED`
/// per item and thread) cost a TLB-shootdown interrupt to the other core per call, and each
/// call started and ended inside a 2 MiB huge mapping of the page cache, which the kernel had to
/// split first (two more flushes): in a profile of `audit` on the 1.2 GB F32 bench file,
/// `madvise` was 15% of the samples, half of it the IPIs and PMD splits. Releasing the finished
/// prefix of the file in batches of 8 MiB makes half the calls, and ends them at 2 MiB
/// boundaries, where no huge mapping is split (file mappings of more than 2 MiB start at such a
/// boundary): `madvise` 15% → 10% of the samples, the IPIs 8.6% → 2.8%, the splits 5.3% → 0.5%.
///
/// Runs of contiguous items merge across tensors, so a file of 50,000 tensors smaller than a
/// page releases its pages too (per tensor, no page lay wholly inside one tensor's range).
///
/// Why the finished prefix, not each thread's own items: the cores take items in turn, so one
/// core's items are not contiguous, and a range covering the other core's current item would
/// take the pages it is reading from under it (they map again, at a cost).
///
/// Generic over the mapping (compared by identity) so tests can drive it without files.
struct PageRelease<Mapping: AnyObject> {
    /// Bytes `range` (offsets into `mapping`) that a finished item read, or that may be dropped.
    struct Span {
        var mapping: Mapping
        var range: Range<UInt64>
    }

    /// Bytes the finished prefix may hold before they are released: with two cores and a tied
    /// copy read alongside its leader, peak RSS grows by about this much (the RSS goal is 64 MB;
    /// an audit without release batches peaks near 40 MB).
    let batchBytes: UInt64
    /// Releases end at multiples of this offset (a huge page), except at the end of the scan.
    let alignment: UInt64

    /// Items finished ahead of the first unfinished one, by sequence number, and their bytes.
    private var finishedAhead: [Int: [Span]] = [:]
    private var aheadBytes: UInt64 = 0
    /// The first item (in take order) not yet finished.
    private(set) var frontier = 0
    /// Runs of the finished prefix not yet released, with the frontier at their last growth.
    private var pending: [(span: Span, grownAt: Int)] = []

    init(batchBytes: UInt64, alignment: UInt64 = 2 << 20) {
        self.batchBytes = batchBytes
        self.alignment = alignment
    }

    /// Bytes waiting to be released.
    var pendingBytes: UInt64 { pending.reduce(0) { $0 + UInt64($1.span.range.count) } }

    /// Records item `sequence` (numbered from 0 in the order items were taken) as finished,
    /// having read `spans`; returns the spans to release now.
    mutating func finish(_ sequence: Int, read spans: [Span]) -> [Span] {
        let bytes = spans.reduce(0) { $0 + UInt64($1.range.count) }
        if sequence != frontier && aheadBytes + bytes > batchBytes {
            // The first unfinished item is slow (its pages come from disk, or its core was
            // preempted) while the other cores run ahead: their items are released one by
            // one, as they finish, so memory stays bounded.
            finishedAhead[sequence] = []
            return spans
        }
        finishedAhead[sequence] = spans
        aheadBytes += bytes
        while let spans = finishedAhead.removeValue(forKey: frontier) {
            for span in spans where !span.range.isEmpty {
                aheadBytes -= UInt64(span.range.count)
                add(span)
            }
            frontier += 1
        }
        // Many runs that never grow again (tensors read out of file order) are released
        // whole rather than kept.
        guard pendingBytes >= batchBytes || pending.count > 64 else { return [] }
        var released: [Span] = []
        var kept: [(span: Span, grownAt: Int)] = []
        for (span, grownAt) in pending {
            guard grownAt == frontier else {
                // A run the last finished item did not extend: the next item starts elsewhere.
                released.append(span)
                continue
            }
            // A run still growing: released up to a huge-page boundary, the rest kept.
            let cut = span.range.upperBound / alignment * alignment
            if cut > span.range.lowerBound {
                released.append(Span(mapping: span.mapping, range: span.range.lowerBound..<cut))
                kept.append((Span(mapping: span.mapping, range: cut..<span.range.upperBound), grownAt))
            } else {
                kept.append((span, grownAt))
            }
        }
        pending = kept
        return released
    }

    /// Everything not yet released (the scan is over: every taken item is finished).
    mutating func releaseAll() -> [Span] {
        defer { pending = [] }
        return pending.map(\.span)
    }

    /// Adds a finished item's span to the run it continues (same mapping, starting inside the
    /// run or at most `gap` bytes after it: alignment padding between tensors), or as a new run.
    private mutating func add(_ span: Span) {
        let gap: UInt64 = 4096
        if let k = pending.firstIndex(where: { $0.span.mapping === span.mapping
                && span.range.lowerBound >= $0.span.range.lowerBound
                && span.range.lowerBound <= $0.span.range.upperBound + gap }) {
            let run = pending[k].span.range
            pending[k] = (Span(mapping: span.mapping, range: run.lowerBound..<max(run.upperBound, span.range.upperBound)),
                          frontier + 1)
        } else {
            pending.append((span, frontier + 1))
        }
    }
}
