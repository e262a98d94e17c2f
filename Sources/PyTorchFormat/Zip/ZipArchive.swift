import StrictJSON

/// A strict, read-only zip reader over bytes already in memory (a mapped checkpoint).
///
/// Why not ZIPFoundation (0.9.20, in the local package mirror): it reads through `FILE*`/`Data`
/// (I/O and copies where we need zero-copy views of a mapping), it tolerates what we want to
/// refuse (duplicate names, local headers that disagree with the central directory), and it
/// brings Foundation and a dependency into a module that is otherwise pure. What torch.save
/// writes is a small subset — stored entries, one disk, ZIP64 end records — which fits in
/// ~400 lines (this folder) where every offset and size is bounds- and overflow-checked.
///
/// Zip bombs: nothing is ever decompressed (a compressed entry is refused when its bytes are
/// asked for), so memory and time are bounded by the central directory's size, itself bounded
/// by the file; overlapping entries are refused too.
public struct ZipArchive: Sendable {
    /// Entries in central-directory order.
    public let entries: [ZipEntry]
    /// True when the archive ends with ZIP64 records (torch.save always writes them).
    public let isZip64: Bool
    /// Why the archive's end is not as written (`ZipEndRecord.endProblem`): its reader refuses
    /// the file with this once it has looked at what it holds.
    public let endProblem: ZipError?
    /// Keyed by `lookupKey`: torch's zip reader (miniz, which `torch.load` opens every record
    /// with) looks names up by bytes, except that ASCII letters match in either case. So
    /// `archive/data/café` with a precomposed é and with e + U+0301 are two entries, while
    /// `archive/data.pkl` and `archive/DATA.PKL` are one name, and an archive holding both is
    /// refused (`ZipError.namesDifferInCaseOnly`).
    private let index: [ExactText: Int]

    /// Most entries one archive may list (a 100,000-tensor checkpoint has ~100,000).
    public static let maxEntries: UInt64 = 4_000_000

    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50
    static let descriptorSignature: UInt32 = 0x0807_4B50

    /// True when `bytes` begins with a local header's signature (`PK\u{3}\u{4}`), the test
    /// `torch.load` makes (`_is_zipfile` compares exactly those four bytes). Why not also an
    /// empty archive's end record (`PK\u{5}\u{6}`), as before: torch.load does not take such a
    /// file for a zip and reads it as a legacy tar or pickle instead, so a tar whose first
    /// member was named `PK\u{5}\u{6}`, followed by a clean torch zip, passed `audit` while
    /// torch.load ran the tar's pickle (helper-142).
    public static func hasZipMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        ByteReader(bytes).u32(at: 0) == localSignature
    }

    /// The name as torch's zip reader compares it: ASCII letters lowered, every other byte kept
    /// (miniz's `MZ_TOLOWER`, used when a name is looked up without `MZ_ZIP_FLAG_CASE_SENSITIVE`,
    /// as `PyTorchStreamReader` looks up every record).
    static func lookupKey(_ name: String) -> ExactText {
        guard name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return ExactText(name) }
        return ExactText(String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self))
    }

    /// `touched` hears the offset of every local header and data descriptor read, scattered over
    /// the whole file (one per entry): the caller of a mapped file can release what those reads
    /// mapped (CheckpointIO does; a large page-cache folio maps up to 2 MiB per touch).
    public init(_ bytes: UnsafeRawBufferPointer, touched: (UInt64) -> Void = { _ in }) throws(ZipError) {
        let reader = ByteReader(bytes)
        let end = try ZipEndRecord.locate(in: reader)
        guard end.entryCount <= Self.maxEntries else {
            throw .limitExceeded(what: "entry count \(end.entryCount)", limit: Self.maxEntries)
        }
        let (directoryEnd, overflow) = end.directoryOffset.addingReportingOverflow(end.directorySize)
        guard !overflow, directoryEnd <= end.directoryLimit else {
            throw .malformed(offset: end.directoryLimit,
                             reason: "central directory (offset \(end.directoryOffset), \(end.directorySize) bytes) runs past the end record")
        }
        // 46 bytes is the smallest central entry: a count the directory cannot hold is a lie.
        guard end.entryCount <= end.directorySize / 46 else {
            throw .malformed(offset: end.directoryOffset, reason: "\(end.entryCount) entries cannot fit in a \(end.directorySize)-byte central directory")
        }
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(end.entryCount))
        var index: [ExactText: Int] = [:]
        var position = end.directoryOffset
        for _ in 0 ..< end.entryCount {
            let (entry, next) = try Self.centralEntry(at: position, limit: directoryEnd, reader: reader)
            if let earlier = index.updateValue(entries.count, forKey: Self.lookupKey(entry.name)) {
                let first = entries[earlier].name
                throw ExactText.same(first, entry.name) ? .duplicateEntry(name: entry.name)
                    : .namesDifferInCaseOnly(first: first, second: entry.name)
            }
            let checked = try Self.checkLocalHeader(of: entry, reader: reader, dataLimit: end.directoryOffset)
            touched(checked.localHeaderOffset)
            touched(checked.dataRange.upperBound)
            entries.append(checked)
            position = next
        }
        guard position == directoryEnd else {
            throw .malformed(offset: position, reason: "\(directoryEnd - position) bytes left in the central directory after \(end.entryCount) entries")
        }
        try Self.rejectOverlaps(entries)
        self.entries = entries
        self.index = index
        self.isZip64 = end.isZip64
        self.endProblem = end.endProblem
    }

    /// The entry torch's zip reader finds for `name` (ASCII letters in either case).
    public func entry(named name: String) -> ZipEntry? { index[Self.lookupKey(name)].map { entries[$0] } }

    /// The entry's bytes viewed in place; refuses compressed and encrypted entries.
    public func storedData(of entry: ZipEntry, in bytes: UnsafeRawBufferPointer) throws(ZipError) -> UnsafeRawBufferPointer {
        guard entry.flags & 1 == 0 else { throw .encryptedEntry(name: entry.name) }
        guard entry.isStored else { throw .compressedEntry(name: entry.name, method: entry.method) }
        guard let data = ByteReader(bytes).slice(at: entry.dataOffset, count: entry.compressedSize) else {
            throw .malformed(offset: entry.dataOffset, reason: "entry '\(entry.name)' runs past the end of the file")
        }
        return data
    }

    /// `storedData` plus a CRC-32 check (for small entries such as `data.pkl`).
    public func verifiedData(of entry: ZipEntry, in bytes: UnsafeRawBufferPointer) throws(ZipError) -> UnsafeRawBufferPointer {
        let data = try storedData(of: entry, in: bytes)
        let computed = CRC32.checksum(data)
        guard computed == entry.crc32 else { throw .checksumMismatch(name: entry.name, stored: entry.crc32, computed: computed) }
        return data
    }

    // MARK: - Central directory

    private static func centralEntry(at position: UInt64, limit: UInt64,
                                     reader: ByteReader) throws(ZipError) -> (ZipEntry, UInt64) {
        guard position <= limit, limit - position >= 46, reader.u32(at: position) == centralSignature,
              let flags = reader.u16(at: position + 8), let method = reader.u16(at: position + 10),
              let crc = reader.u32(at: position + 16), let compressed32 = reader.u32(at: position + 20),
              let uncompressed32 = reader.u32(at: position + 24), let nameLength = reader.u16(at: position + 28),
              let extraLength = reader.u16(at: position + 30), let commentLength = reader.u16(at: position + 32),
              let diskStart = reader.u16(at: position + 34), let offset32 = reader.u32(at: position + 42) else {
            throw .malformed(offset: position, reason: "expected a central-directory entry")
        }
        let variable = UInt64(nameLength) + UInt64(extraLength) + UInt64(commentLength)
        guard limit - position - 46 >= variable, let nameBytes = reader.array(at: position + 46, count: UInt64(nameLength)) else {
            throw .malformed(offset: position, reason: "central-directory entry runs past the directory")
        }
        guard let name = String(validating: nameBytes, as: UTF8.self) else {
            throw .malformed(offset: position + 46, reason: "entry name is not UTF-8")
        }
        // Names are compared as `String`s, quadratic in a run of combining marks (StreamSafeText).
        guard nameBytes.withUnsafeBytes({ StreamSafeText.firstOverlongRun($0) }) == nil else {
            throw .malformed(offset: position + 46, reason: "entry name: \(StreamSafeText.limitName) exceeds the limit of \(StreamSafeText.maxNonStarterRun)")
        }
        var sizes = Zip64Fields(uncompressed: UInt64(uncompressed32), compressed: UInt64(compressed32),
                                offset: UInt64(offset32), disk: UInt32(diskStart))
        try sizes.read(extraAt: position + 46 + UInt64(nameLength), length: UInt64(extraLength), reader: reader,
                       wants: (uncompressed32 == .max, compressed32 == .max, offset32 == .max, diskStart == .max))
        guard sizes.disk == 0 else { throw .malformed(offset: position, reason: "entry '\(name)' starts on disk \(sizes.disk)") }
        if method == 0, sizes.compressed != sizes.uncompressed {
            throw .malformed(offset: position, reason: "stored entry '\(name)' has compressed size \(sizes.compressed) ≠ size \(sizes.uncompressed)")
        }
        let entry = ZipEntry(name: name, method: method, flags: flags, crc32: crc, compressedSize: sizes.compressed,
                             uncompressedSize: sizes.uncompressed, localHeaderOffset: sizes.offset, dataOffset: 0)
        return (entry, position + 46 + variable)
    }

    // MARK: - Local header

    /// The local header must name the same file with the same method; its sizes and CRC must match
    /// the central directory unless flag bit 3 defers them to a data descriptor (torch sets it and
    /// writes zeros), in which case the descriptor after the data, when signed, must match.
    private static func checkLocalHeader(of entry: ZipEntry, reader: ByteReader,
                                         dataLimit: UInt64) throws(ZipError) -> ZipEntry {
        let at = entry.localHeaderOffset
        guard reader.u32(at: at) == localSignature, let method = reader.u16(at: at + 8),
              let crc = reader.u32(at: at + 14), let compressed32 = reader.u32(at: at + 18),
              let uncompressed32 = reader.u32(at: at + 22), let nameLength = reader.u16(at: at + 26),
              let extraLength = reader.u16(at: at + 28) else {
            throw .malformed(offset: at, reason: "entry '\(entry.name)' does not point to a local header")
        }
        let dataOffset = at + 30 + UInt64(nameLength) + UInt64(extraLength)  // at + 30 ≤ file size: no overflow
        guard let nameBytes = reader.array(at: at + 30, count: UInt64(nameLength)), reader.contains(dataOffset, count: 0) else {
            throw .malformed(offset: at, reason: "local header of '\(entry.name)' runs past the end of the file")
        }
        guard nameBytes.elementsEqual(entry.name.utf8) else {
            throw .malformed(offset: at + 30, reason: "local header names '\(String(decoding: nameBytes, as: UTF8.self))', the central directory '\(entry.name)'")
        }
        guard method == entry.method else {
            throw .headerMismatch(entry: entry.name, field: "method", central: UInt64(entry.method), local: UInt64(method))
        }
        var local = Zip64Fields(uncompressed: UInt64(uncompressed32), compressed: UInt64(compressed32), offset: 0, disk: 0)
        try local.read(extraAt: at + 30 + UInt64(nameLength), length: UInt64(extraLength), reader: reader,
                       wants: (uncompressed32 == .max, compressed32 == .max, false, false))
        let deferred = entry.flags & 0x8 != 0
        for (field, central, value) in [("CRC-32", UInt64(entry.crc32), UInt64(crc)),
                                        ("compressed size", entry.compressedSize, local.compressed),
                                        ("size", entry.uncompressedSize, local.uncompressed)]
        where value != central && !(deferred && value == 0) {
            throw .headerMismatch(entry: entry.name, field: field, central: central, local: value)
        }
        let (dataEnd, overflow) = dataOffset.addingReportingOverflow(entry.compressedSize)
        guard !overflow, dataEnd <= dataLimit else {
            throw .malformed(offset: dataOffset, reason: "data of '\(entry.name)' (\(entry.compressedSize) bytes) runs into the central directory")
        }
        if deferred, reader.u32(at: dataEnd) == descriptorSignature, let dcrc = reader.u32(at: dataEnd + 4) {
            guard dcrc == entry.crc32 else {
                throw .headerMismatch(entry: entry.name, field: "data-descriptor CRC-32", central: UInt64(entry.crc32), local: UInt64(dcrc))
            }
        }
        return ZipEntry(name: entry.name, method: entry.method, flags: entry.flags, crc32: entry.crc32,
                        compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize,
                        localHeaderOffset: at, dataOffset: dataOffset)
    }

    private static func rejectOverlaps(_ entries: [ZipEntry]) throws(ZipError) {
        let ordered = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.localHeaderOffset < previous.dataRange.upperBound {
            throw .overlappingEntries(first: previous.name, second: next.name)
        }
    }
}
