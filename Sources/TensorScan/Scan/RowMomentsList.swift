/// The statistics of a tensor's rows, one `RowMoments` a row, in row order: what the scan hands
/// to the analyses.
///
/// Why not `[RowMoments]`: the scan fills a buffer from both cores as items finish, and an
/// array can only be made from it by copying. That copy was a second buffer of the same size
/// (2.6 MB for a 32,768-row embedding), ~800 page faults for its fresh pages and ~4% of the
/// CPU time of the BF16 bench audit (`perf record`: `complete` 4.7% of the samples, most of
/// it the copy and its faults). A list adopts the scan's buffer as it is and frees it when the
/// last list holding it goes; lists share it, as arrays would (a tied copy's rows are its
/// leader's).
///
/// The buffer is never written once adopted, so sharing it across threads is safe.
public struct RowMomentsList: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// Owns the adopted buffer.
    ///
    /// `@usableFromInline`, and the accessors below `@inlinable`: the analyses walk every row
    /// of a list from another module, and the out-of-line `endIndex` and subscript calls were
    /// ~3% of the Q4_0 bench `audit`'s samples (`perf record`, 2026-12-06).
    @usableFromInline
    final class Storage: @unchecked Sendable {
        @usableFromInline let rows: UnsafeMutableBufferPointer<RowMoments>
        private let buffer: RowMomentsBuffer

        init(adopting buffer: RowMomentsBuffer) {
            self.buffer = buffer
            rows = buffer.rows
        }

        deinit { buffer.deallocate() }
    }

    @usableFromInline let storage: Storage

    /// A list that owns `buffer` (every element initialized) and deallocates it when no list
    /// holds it any more.
    init(adopting buffer: RowMomentsBuffer) {
        storage = Storage(adopting: buffer)
    }

    /// A list holding a copy of `rows`.
    public init<Rows: Collection>(_ rows: Rows) where Rows.Element == RowMoments {
        let buffer = RowMomentsBuffer(count: rows.count)
        _ = buffer.rows.initialize(from: rows)
        self.init(adopting: buffer)
    }

    public init(arrayLiteral rows: RowMoments...) {
        self.init(rows)
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.rows.count }

    @inlinable public subscript(index: Int) -> RowMoments {
        precondition(index >= 0 && index < storage.rows.count, "row index out of range")
        return storage.rows[index]
    }

    @inlinable public func withContiguousStorageIfAvailable<Result>(_ body: (UnsafeBufferPointer<RowMoments>) throws -> Result) rethrows -> Result? {
        try body(UnsafeBufferPointer(storage.rows))
    }

    public static func == (a: RowMomentsList, b: RowMomentsList) -> Bool {
        a.storage === b.storage || a.elementsEqual(b)
    }
}
