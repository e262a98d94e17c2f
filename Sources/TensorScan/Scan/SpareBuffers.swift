/// Result buffers of finished scan jobs, kept for the jobs after them (`ScanPlan`).
///
/// Why: each job's piece statistics (80 bytes a row) went into a fresh buffer, filled with
/// `.empty` under the plan's lock by the core that took the job's first item, and freed when the
/// job finished. Buffers of 1 MiB and more are mappings of their own (`HeapPolicy`), so every
/// large one was faulted in and zeroed by the kernel again (a 32,768-row embedding: 640 faults)
/// while the other core waited for the lock: in `audit` of the Q4_0 bench file the buffers and
/// the arrays copied from them took ~2,700 of its ~3,700 page faults. A buffer is now handed
/// out as it is (every piece is written by the scan before the job's output reads it, and
/// `RowMoments` is a trivial type, so its stale values need no clearing) and kept for a later
/// job of at most its size, up to `limitCount` buffers and `limitBytes` bytes.
///
/// Not thread-safe: the plan calls it under its lock. Buffers it drops are returned to the
/// caller, to be freed after the lock is released.
struct SpareBuffers<Element: BitwiseCopyable> {
    /// At most this many bytes of spare buffers are kept (the peak RSS goal is 64 MB).
    let limitBytes: Int
    /// At most this many spare buffers are kept.
    let limitCount: Int
    /// Kept buffers, each with its full capacity.
    private(set) var spares: [UnsafeMutableBufferPointer<Element>] = []

    init(limitBytes: Int, limitCount: Int = 4) {
        self.limitBytes = limitBytes
        self.limitCount = limitCount
    }

    /// Bytes held by the kept buffers.
    var bytes: Int { spares.reduce(0) { $0 + $1.count } * MemoryLayout<Element>.stride }

    /// A buffer of at least `count` elements (the smallest kept one that is large enough, else a
    /// new one), with its full capacity; its elements hold stale values or none (`Element` is
    /// trivial, so writing them needs no initialization).
    mutating func take(atLeast count: Int) -> UnsafeMutableBufferPointer<Element> {
        var best: Int?
        for (k, spare) in spares.enumerated() where spare.count >= count {
            if best.map({ spare.count < spares[$0].count }) ?? true { best = k }
        }
        if let best { return spares.remove(at: best) }
        return .allocate(capacity: max(1, count))
    }

    /// Keeps `buffer` (full capacity, from `take(atLeast:)`) for a later job; returns the
    /// buffers dropped to stay within the limits (the smallest first), for the caller to free.
    mutating func give(_ buffer: UnsafeMutableBufferPointer<Element>) -> [UnsafeMutableBufferPointer<Element>] {
        spares.append(buffer)
        spares.sort { $0.count > $1.count }
        var dropped: [UnsafeMutableBufferPointer<Element>] = []
        while let last = spares.last, spares.count > limitCount || bytes > limitBytes {
            dropped.append(last)
            spares.removeLast()
        }
        return dropped
    }

    /// Frees every kept buffer.
    mutating func deallocateAll() {
        for spare in spares { spare.deallocate() }
        spares = []
    }
}
