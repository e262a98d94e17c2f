import StrictJSON
import SafetensorsFormat

/// A zero-copy view of one tensor's bytes inside a mapped file.
///
/// Format-neutral: a view is a `TensorEntry` (name, element type, shape, byte range relative to
/// the file's data start) over a mapping and the offset where that data starts, so every format
/// reader (safetensors, torch, GGUF) hands out the same views.
///
/// Rows follow one convention everywhere: dimension 0 indexes rows and the remaining
/// dimensions are flattened into a row; a 1-D tensor is a single row, and a 0-d tensor is one
/// row of one element. An empty tensor (any zero dimension) has no rows.
public struct TensorView: Sendable {
    public let info: TensorEntry
    package let mapping: MappedFile
    /// Offset of the data section in the mapping (`info`'s offsets are relative to it).
    package let dataStart: UInt64

    package init(info: TensorEntry, mapping: MappedFile, dataStart: UInt64) {
        self.info = info
        self.mapping = mapping
        self.dataStart = dataStart
    }

    package init(info: TensorInfo, mapping: MappedFile, dataStart: UInt64) {
        self.init(info: TensorEntry(info), mapping: mapping, dataStart: dataStart)
    }

    public var name: String { info.name }
    /// What the elements are: a scalar dtype, or ggml quantized blocks. Reports name a tensor's
    /// type with this (`elementType.rawValue`).
    public var elementType: ElementType { info.dtype }
    /// The scalar the bytes are read as by byte- and element-level code (decoding, equality,
    /// constant checks): the element dtype, or `U8` for block-quantized data, whose bytes are
    /// compared as bytes and whose values are decoded only by the block kernels
    /// (`elementType`). Never used to name a tensor's type.
    public var dtype: DType { info.dtype.scalar ?? .u8 }
    public var shape: [UInt64] { info.shape }
    /// The file this tensor lives in.
    public var path: String { mapping.path }
    /// Where the tensor's bytes are in its file. Two views with the same `path` and range are
    /// one stored buffer (torch's shared storages), not two copies.
    public var fileRange: Range<UInt64> { dataStart + info.begin ..< dataStart + info.end }

    /// The bytes a view reads: `fileRange`, and whether that range is in its file or in the
    /// row-major copy of a gathered torch view (`TensorEntry.gathered`), whose offsets are no
    /// file's. With the path, what makes two views one stored buffer: every check of "the very
    /// same bytes" (`sharesBytes`, `bytesKey`, the scan's reuse of a reading, `diff`'s pairs)
    /// compares this, so a copy's range never passes for a file range.
    public struct ReadRange: Hashable, Sendable {
        public let range: Range<UInt64>
        public let inCopy: Bool
    }

    public var readRange: ReadRange { ReadRange(range: fileRange, inCopy: isGathered) }

    /// True when both views read the very same bytes of the same file (paths by code points:
    /// files named `café` precomposed and decomposed are two files) or of the same copy.
    public func sharesBytes(with other: TensorView) -> Bool {
        ExactText.same(path, other.path) && readRange == other.readRange
    }

    /// A torch view read through a row-major copy of its elements (`TensorEntry.gathered`).
    public var isGathered: Bool { info.gathered != nil }

    /// A key equal for views that `sharesBytes`: the file by code points and the read range.
    /// Grouping views of one stored buffer (a torch file's T5 `shared` and both `embed_tokens`)
    /// by it is one pass where `sharesBytes` would compare every pair.
    public var bytesKey: ExactText { ExactText("\(path)|\(isGathered ? "copy " : "")\(fileRange)") }

    /// Number of logical elements. Validation guarantees it fits in `Int` when non-zero,
    /// because the elements occupy bytes of a mapped file.
    public var elementCount: Int { Int(truncatingIfNeeded: info.elementCount) }

    public var rowCount: Int {
        guard info.elementCount > 0 else { return 0 }
        return info.shape.count <= 1 ? 1 : Int(info.shape[0])
    }

    /// Elements per row.
    /// The product of the dimensions after the first, even when the first is 0: a `[0, 4]`
    /// tensor has rows of 4 elements and none of them. Saturates at `Int.max` for an empty
    /// tensor whose later dimensions overflow (no element exists to read, so it is never used
    /// as an offset).
    public var rowLength: Int {
        let rows = rowCount
        if rows > 0 { return elementCount / rows }
        var length = 1
        for dimension in info.shape.dropFirst() {
            guard let d = Int(exactly: dimension) else { return .max }
            let (product, overflow) = length.multipliedReportingOverflow(by: d)
            if overflow { return .max }
            length = product
        }
        return length
    }

    /// Bits one row occupies: whole ggml blocks for quantized data, elements × bit width
    /// otherwise (a multiple of 8 except for packed F4/F6 rows). Saturates at `Int.max` for
    /// the empty tensors whose `rowLength` does (no row exists to read).
    public var rowBits: Int {
        let (units, perUnit): (Int, Int)
        if case .blocks(let type) = info.dtype {
            (units, perUnit) = (rowLength / type.blockSize, type.typeSize * 8)
        } else {
            (units, perUnit) = (rowLength, dtype.bitWidth)
        }
        let (bits, overflow) = units.multipliedReportingOverflow(by: perUnit)
        return overflow ? .max : bits
    }

    /// Bytes of the smallest repeating unit: one element, or one ggml block (a constant
    /// quantized tensor repeats its block).
    public var unitBytes: Int {
        if case .blocks(let type) = info.dtype { return type.typeSize }
        return max(1, dtype.bitWidth / 8)
    }

    /// The tensor's bytes. `package`: unsafe access stays in this package's byte-reading
    /// layers (CheckpointIO, TensorScan), never in the public API.
    ///
    /// When the checkpoint is still being decompressed (`overlappingDecompression`), this waits
    /// until the tensor's last byte is decoded, so every reader sees final bytes.
    package var bytes: UnsafeRawBufferPointer {
        let all = mapping.bytes
        let start = Int(dataStart + info.begin)
        let end = start + Int(info.byteCount)
        mapping.waitUntilFilled(through: end)
        return UnsafeRawBufferPointer(rebasing: all[start..<end])
    }

    /// Makes the row-major copies that strided torch views read (`isGathered`), if a read has not
    /// made them yet; a no-op for other views. Scans call it before they start, so that the
    /// copies are made as when the file was opened, not on a scan thread while the other
    /// threads hold windows of other tensors mapped (a helper measured audit's peak RSS +1.7 MB
    /// in the median, up to +7.6 MB, and diff's +9 MB, on a file of a 6000 × 4096 F32 matrix and
    /// a transposed 4096 × 4096 one). `inspect` reads no bytes and never makes them.
    package static func makeCopies(for views: some Sequence<TensorView>) {
        for view in views where view.isGathered { view.mapping.waitUntilFilled(through: 0) }
    }

    /// Drops the mapped pages that lie wholly inside `range` (byte offsets into `bytes`) from
    /// this process; reading them again maps them again from the page cache. A no-op for
    /// decompressed (anonymous) bytes, which have no file to come back from.
    package func discardPages(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        mapping.discard(offset: dataStart + info.begin + UInt64(range.lowerBound),
                             length: UInt64(range.count))
    }

    /// A copy of the raw bytes (little-endian, as stored).
    public func copyBytes() -> [UInt8] { Array(bytes) }

    /// True when both tensors hold exactly the same bytes (dtype and shape not compared).
    public func hasSameBytes(as other: TensorView) -> Bool {
        let a = bytes, b = other.bytes
        guard a.count == b.count else { return false }
        guard a.count > 0 else { return true }
        if a.baseAddress == b.baseAddress { return true }
        return compareBytes(0 ..< a.count, with: other, at: 0) == 0
    }

    /// Bytes compared between two page releases by `compareBytes`.
    package static let comparisonWindow = 8 << 20

    /// The sign of `memcmp` of bytes `range` of this tensor against as many bytes of `other`'s
    /// from `otherStart` (the caller keeps both in bounds; `other` may be this tensor).
    ///
    /// Past one window the bytes are compared window by window, each window's pages dropped
    /// from the process once compared (`discardPages`). Why: a whole-tensor `memcmp` left every
    /// page it touched mapped, and mapped file pages count in the resident set: two equal
    /// 256 MiB tensors compared whole peaked at 512 MB more, however small the scan kept it
    /// (32 identical zero matrices of a sparse 8 GB file: `ties` and `audit` at 273 MB, 1 TB
    /// of them unbounded). A smaller comparison makes no `madvise` call.
    package func compareBytes(_ range: Range<Int>, with other: TensorView, at otherStart: Int) -> Int32 {
        guard let a = bytes.baseAddress, let b = other.bytes.baseAddress, !range.isEmpty else { return 0 }
        let window = Self.comparisonWindow
        guard range.count > window else { return memcmp(a + range.lowerBound, b + otherStart, range.count) }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = min(window, range.upperBound - offset)
            let otherOffset = otherStart + (offset - range.lowerBound)
            let sign = memcmp(a + offset, b + otherOffset, count)
            discardPages(offset ..< offset + count)
            other.discardPages(otherOffset ..< otherOffset + count)
            if sign != 0 { return sign }
            offset += count
        }
        return 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the first `a.count` bytes of `b` equal `a`'s.
///
/// The very same address holds the very same bytes, and `memcmp` would read them all anyway:
/// views of one torch storage under many names are compared with their leader at one address
/// (2,000 names of one 64 MB storage: `audit` spent 0.74 s in `memcmp`).
package func memcmpEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard let pa = a.baseAddress, let pb = b.baseAddress else { return a.count == b.count }
    if pa == pb && a.count <= b.count { return true }
    return memcmp(pa, pb, a.count) == 0
}

/// `memcmp(a, b, count) < 0`.
package func memcmpLess(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    memcmp(a, b, count) < 0
}
