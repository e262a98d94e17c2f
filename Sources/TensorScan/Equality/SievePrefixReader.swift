import CheckpointIO

/// Reads the prefixes the tie sieve compares (`TensorView.samePrefixClasses`): a lone prefix in
/// its part of a file is copied with `pread`, a run of many through the mapping.
///
/// Why copies: reading a prefix through the mapping maps the whole large folio it lies in (2 MiB
/// here, see `FolioRelease`), so every prefix was later released with an `MADV_DONTNEED` of
/// 4 MiB, each a TLB-shootdown interrupt to the other core, plus the fault that mapped it. On the
/// Q4_0 bench file (80 candidates of 0.6–2.4 MB) that was ~80 calls and most of the sieve's
/// time, on one core before the scan starts; a 4 KiB `pread` from the page cache maps nothing and
/// leaves nothing to release.
///
/// Why still the mapping for runs: 50,000 tensors of 256 bytes lie ~8,000 to a 2 MiB window; a
/// copy each would be 50,000 system calls, where mapping a window and releasing it once costs a
/// few faults and one call. A window is read through the mapping when at least
/// `mappedRunLength` consecutive prefixes of the bucket lie in it, and released when the sieve
/// moves on (once per window). Decompressed (anonymous) bytes are always read in place: there is
/// nothing to map or release. When a file cannot be read with `pread` (replaced since it was
/// mapped, or shorter now), the mapping is read instead, as before.
///
/// A class leader's prefix, needed again when a later tensor hashes alike, is copied again
/// rather than kept (a copy per comparison, at most one per tensor), unless it lies in the
/// window being read.
struct SievePrefixReader {
    /// Consecutive prefixes in one window from which the window is read through the mapping.
    static let mappedRunLength = 16

    /// Prefixes copied with `pread`.
    private(set) var copies = 0
    /// Prefixes read through a file mapping.
    private(set) var mappedReads = 0
    /// Windows released (`FolioRelease.release`).
    private(set) var releases = 0

    /// Per position of the sieve's order: read through the mapping (`mappedRunLength`).
    private let mapped: [Bool]
    /// The file view whose window was read through the mapping last, not yet released.
    private var pending: TensorView?
    /// Open descriptors by mapping (`nil`: the file cannot be copied from); at most
    /// `openCopierLimit` at a time.
    private var copiers: [ObjectIdentifier: MappedFile.Copier?] = [:]
    private static let openCopierLimit = 16
    /// Buffers for the current tensor's prefix and a leader's.
    private let current: UnsafeMutableRawBufferPointer
    private let leader: UnsafeMutableRawBufferPointer

    /// A reader for the tensors `views[positions[k]]`, read in that order. `mappedRunLength`
    /// can be lowered (1: every prefix through the mapping) or raised (`Int.max`: every prefix
    /// copied when the file allows) by tests.
    init(_ views: [TensorView], at positions: [Int], mappedRunLength: Int = Self.mappedRunLength) {
        current = .allocate(byteCount: TensorView.sievePrefixBytes, alignment: 64)
        leader = .allocate(byteCount: TensorView.sievePrefixBytes, alignment: 64)
        var mapped = Array(repeating: false, count: positions.count)
        var runStart = 0
        for k in positions.indices {
            let next = k + 1
            if next == positions.count || !Self.sameWindow(views[positions[next]], views[positions[runStart]]) {
                if next - runStart >= mappedRunLength {
                    for j in runStart..<next { mapped[j] = true }
                }
                runStart = next
            }
        }
        self.mapped = mapped
    }

    /// Releases the window read last and frees the buffers; the reader is not used again.
    mutating func finish() {
        releasePending()
        copiers = [:]
        current.deallocate()
        leader.deallocate()
    }

    /// The prefix of `view`, the tensor at position `k` of the sieve's order; valid until the
    /// next call for another position.
    mutating func prefix(ofPosition k: Int, _ view: TensorView) -> UnsafeRawBufferPointer {
        if !mapped[k], let copy = copied(view, into: current) { return copy }
        return inPlace(view)
    }

    /// The prefix of a class leader, for comparing with the current tensor's; valid until the
    /// next call for a leader.
    mutating func prefix(ofLeader view: TensorView) -> UnsafeRawBufferPointer {
        if let last = pending, Self.sameWindow(last, view) {
            mappedReads += 1
            return Self.mappedPrefix(view)
        }
        if let copy = copied(view, into: leader) { return copy }
        return inPlace(view)
    }

    /// The prefix read through the mapping; a file's window is released once the sieve reads
    /// another one.
    private mutating func inPlace(_ view: TensorView) -> UnsafeRawBufferPointer {
        guard !view.mapping.isAnonymous else { return Self.mappedPrefix(view) }
        mappedReads += 1
        if let last = pending, !Self.sameWindow(last, view) { releasePending() }
        pending = view
        return Self.mappedPrefix(view)
    }

    /// The prefix copied into `buffer`, or `nil` when it cannot be (anonymous bytes, a file
    /// replaced or shortened since it was mapped).
    private mutating func copied(_ view: TensorView, into buffer: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer? {
        guard !view.mapping.isAnonymous else { return nil }
        let id = ObjectIdentifier(view.mapping)
        let copier: MappedFile.Copier?
        if let known = copiers[id] {
            copier = known
        } else {
            if copiers.count >= Self.openCopierLimit { copiers = [:] }
            copier = view.mapping.copier()
            copiers[id] = copier
        }
        let count = Self.prefixCount(view)
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count])
        guard let copier, copier.copy(offset: Self.start(view), into: target) else { return nil }
        copies += 1
        return UnsafeRawBufferPointer(target)
    }

    private mutating func releasePending() {
        guard let last = pending else { return }
        FolioRelease.release(last.mapping, around: Self.start(last))
        releases += 1
        pending = nil
    }

    private static func mappedPrefix(_ view: TensorView) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: view.bytes[0..<prefixCount(view)])
    }

    private static func prefixCount(_ view: TensorView) -> Int {
        Int(min(view.info.byteCount, UInt64(TensorView.sievePrefixBytes)))
    }

    private static func start(_ view: TensorView) -> UInt64 { view.dataStart + view.info.begin }

    /// Whether two tensors start in the same large-folio window of the same mapping.
    private static func sameWindow(_ a: TensorView, _ b: TensorView) -> Bool {
        a.mapping === b.mapping && start(a) / FolioRelease.window == start(b) / FolioRelease.window
    }
}
