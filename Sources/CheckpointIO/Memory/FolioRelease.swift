/// Unmaps what scattered small reads of a mapped file mapped, once the reads leave a window.
///
/// Why: when a file sits in the page cache in large folios (a file just written or read by
/// `cat`: 2 MiB each here), touching one byte maps the whole folio, so reading one small header
/// per tensor — a zip's local headers, the tie sieve's prefixes — kept most of a 1.2 GB file
/// mapped (214 MB and 230 MB RSS) until a scan reached it. Unmapping only drops this process's
/// page-table entries; the page cache keeps the pages, and a later read maps them again.
/// Reads that stay in one 2 MiB window (50,000 tiny tensors) are released once, not each time.
public struct FolioRelease {
    /// The largest folio the page cache builds here, and so the most one touch maps.
    public static let window: UInt64 = 2 << 20

    private let mapping: MappedFile
    private var pending: UInt64?

    public init(_ mapping: MappedFile) { self.mapping = mapping }

    /// A read at `offset` happened; the window of the previous one is released if it differs.
    public mutating func touched(_ offset: UInt64) {
        if let last = pending, last / Self.window != offset / Self.window { Self.release(mapping, around: last) }
        pending = offset
    }

    /// Releases the window of the last read.
    public mutating func finish() {
        if let last = pending { Self.release(mapping, around: last) }
        pending = nil
    }

    /// Unmaps every folio that a touch at `offset` can have mapped: the windows on either side.
    public static func release(_ mapping: MappedFile, around offset: UInt64) {
        let low = offset > window ? offset - window : 0
        mapping.discard(offset: low, length: offset - low + window)
    }
}
