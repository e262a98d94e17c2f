import CheckpointIO

/// One scanning thread's way of reading a small twin with `pread` instead of through the
/// mapping (`ScanPlan.process`): a 64 KiB copy lying anywhere in the file then maps no 2 MiB
/// folio around it, and leaves nothing to release (`README` "Scattered copies"). `diff` reads
/// the small pairs of its first pass (the norms between the matrices) the same way, one reader
/// per side (`DifferencePlan.process`).
///
/// The copy keeps the tensor's address modulo 64, so the kernels see the same alignment as
/// through the mapping. A file that is not a regular file on disk (a decoded `.zst`), or whose
/// path no longer names the mapped file, is read through the mapping as before.
final class FollowerCopies {
    /// The largest tensor copied: larger ones are read through the mapping, whose pages are
    /// then dropped as whole folios. Why a limit: the buffer stays resident on each core for the
    /// whole scan, and a copy saves memory only while it is smaller than the 2 MiB folio that
    /// reading it through the mapping maps. (1 MiB is a choice, not a measured optimum: the
    /// scattered files' peaks were measured with 64 KiB copies and 1.5 MiB mapped reads.)
    static let largestBytes = 1 << 20

    private var buffer: UnsafeMutableRawPointer?
    /// A copier per mapping, or nil when it has none; absent until first asked. At most
    /// `openCopierLimit` at a time: a scan over many shards would otherwise keep a descriptor
    /// per shard open on each core. (The scan's views keep the mappings alive, so an identifier
    /// is not reused while this reader lives.)
    private var copiers: [ObjectIdentifier: MappedFile.Copier?] = [:]
    private static let openCopierLimit = 16

    deinit { buffer?.deallocate() }

    /// The bytes of `view` copied into this reader's buffer (valid until the next call), or nil
    /// when the tensor is too large, its file has no copier, or the copy fails.
    func copy(_ view: TensorView) -> UnsafeRawBufferPointer? {
        let count = view.bytes.count
        guard count <= Self.largestBytes, !view.mapping.isAnonymous else { return nil }
        let key = ObjectIdentifier(view.mapping)
        if copiers.index(forKey: key) == nil {
            if copiers.count >= Self.openCopierLimit { copiers = [:] }
            copiers[key] = view.mapping.copier()
        }
        guard let copier = copiers[key] ?? nil else { return nil }
        let base = buffer ?? UnsafeMutableRawPointer.allocate(byteCount: Self.largestBytes + 64, alignment: 64)
        buffer = base
        let skew = view.bytes.baseAddress.map { Int(bitPattern: $0) & 63 } ?? 0
        let target = UnsafeMutableRawBufferPointer(start: base + skew, count: count)
        guard copier.copy(offset: view.dataStart + view.info.begin, into: target) else { return nil }
        return UnsafeRawBufferPointer(target)
    }
}
