/// Where the central directory is, from the end-of-central-directory record and, when present,
/// the ZIP64 locator and record that supersede its saturated 16/32-bit fields.
struct ZipEndRecord {
    static let signature: UInt32 = 0x0605_4B50
    static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    static let zip64RecordSignature: UInt32 = 0x0606_4B50
    /// The fixed part of the EOCD record; a comment of up to 65,535 bytes may follow it.
    static let fixedSize: UInt64 = 22
    static let maxCommentLength: UInt64 = 0xFFFF

    var entryCount: UInt64
    var directorySize: UInt64
    var directoryOffset: UInt64
    /// The first byte after the central directory (the ZIP64 record, or the EOCD record).
    var directoryLimit: UInt64
    var isZip64: Bool
    /// What is wrong with where the archive ends, when the record was found anyway: bytes after
    /// it, or a comment length that runs past the end of the file (torch's reader and Python's
    /// `zipfile` read both). The archive is still read, so that the pickle's globals are known,
    /// and then refused with this (`TorchCheckpointReader`): a payload in such a file was not
    /// reported (adversarial test).
    var endProblem: ZipError?

    /// The end record nearest the end of the file, searched in the last 65,557 bytes only (the
    /// record's size plus the largest comment), so the search is bounded whatever the file
    /// size. Nearest, as torch's reader (miniz) and Python's `zipfile` take it: a record further
    /// back whose comment happened to end exactly at the end of the file was preferred, and a
    /// file holding two archives then read as the one torch does not load (a payload passed the
    /// audit; adversarial test). A comment that does not end exactly at the end of the file
    /// (bytes after it, or a length past the end) is `endProblem`: the archive is still read, so
    /// that the pickle's globals are known, and then refused (`TorchCheckpointReader`).
    static func locate(in reader: ByteReader) throws(ZipError) -> ZipEndRecord {
        guard reader.count >= fixedSize else { throw .endNotFound(fileSize: reader.count) }
        let last = reader.count - fixedSize
        let first = last > maxCommentLength ? last - maxCommentLength : 0
        var position = last
        while reader.u32(at: position) != signature {
            if position == first { throw .endNotFound(fileSize: reader.count) }
            position -= 1
        }
        let commentLength = reader.u16(at: position + 20) ?? 0
        var record = try parse(at: position, in: reader)
        let end = position + fixedSize + UInt64(commentLength)
        if end < reader.count {
            record.endProblem = .malformed(offset: position, reason: "the end-of-central-directory record's comment (\(commentLength) bytes) ends at byte \(end), "
                                           + "and \(reader.count - end) more \(reader.count - end == 1 ? "byte follows" : "bytes follow") to the end of the file: "
                                           + "data after the archive is not read")
        } else if end > reader.count {
            record.endProblem = .malformed(offset: position, reason: "the end-of-central-directory record's comment length (\(commentLength) bytes) runs "
                                           + "\(end - reader.count) \(end - reader.count == 1 ? "byte" : "bytes") past the end of the file")
        }
        return record
    }

    private static func parse(at position: UInt64, in reader: ByteReader) throws(ZipError) -> ZipEndRecord {
        // In bounds: `locate` checked that the whole fixed record lies inside the file.
        let disk = reader.u16(at: position + 4) ?? 0, directoryDisk = reader.u16(at: position + 6) ?? 0
        let entriesOnDisk = reader.u16(at: position + 8) ?? 0, entries = reader.u16(at: position + 10) ?? 0
        let size = reader.u32(at: position + 12) ?? 0, offset = reader.u32(at: position + 16) ?? 0
        let saturated = disk == 0xFFFF || directoryDisk == 0xFFFF || entriesOnDisk == 0xFFFF || entries == 0xFFFF
            || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF
        var record = ZipEndRecord(entryCount: UInt64(entries), directorySize: UInt64(size),
                                  directoryOffset: UInt64(offset), directoryLimit: position, isZip64: false)
        if position >= 20, reader.u32(at: position - 20) == zip64LocatorSignature {
            try record.applyZip64(locatorAt: position - 20, in: reader,
                                  fields: (entriesOnDisk, entries, size, offset))
        } else {
            guard !saturated else {
                throw .malformed(offset: position, reason: "end record has saturated ZIP64 fields but no ZIP64 locator")
            }
            guard disk == 0, directoryDisk == 0, entriesOnDisk == entries else {
                throw .malformed(offset: position, reason: "multi-disk archives are not supported")
            }
        }
        return record
    }

    /// Reads the ZIP64 record the locator points to; the 16/32-bit fields of the classic record
    /// must be either saturated or equal to the ZIP64 values (torch writes both, equal).
    private mutating func applyZip64(locatorAt locator: UInt64, in reader: ByteReader,
                                     fields: (UInt16, UInt16, UInt32, UInt32)) throws(ZipError) {
        guard let locatorDisk = reader.u32(at: locator + 4), let recordOffset = reader.u64(at: locator + 8),
              let totalDisks = reader.u32(at: locator + 16) else {
            throw .malformed(offset: locator, reason: "truncated ZIP64 locator")
        }
        guard locatorDisk == 0, totalDisks <= 1 else {
            throw .malformed(offset: locator, reason: "multi-disk archives are not supported")
        }
        guard reader.u32(at: recordOffset) == Self.zip64RecordSignature,
              let recordSize = reader.u64(at: recordOffset + 4), recordSize >= 44,
              case let (recordEnd, overflow) = (recordOffset + 12).addingReportingOverflow(recordSize), !overflow,
              recordEnd <= locator,
              let disk = reader.u32(at: recordOffset + 16), let directoryDisk = reader.u32(at: recordOffset + 20),
              let entriesOnDisk = reader.u64(at: recordOffset + 24), let entries = reader.u64(at: recordOffset + 32),
              let size = reader.u64(at: recordOffset + 40), let offset = reader.u64(at: recordOffset + 48) else {
            throw .malformed(offset: recordOffset, reason: "the ZIP64 locator does not point to a ZIP64 end record before it")
        }
        guard disk == 0, directoryDisk == 0, entriesOnDisk == entries else {
            throw .malformed(offset: recordOffset, reason: "multi-disk archives are not supported")
        }
        func agrees<T: FixedWidthInteger>(_ classic: T, _ wide: UInt64) -> Bool {
            classic == T.max || UInt64(classic) == wide
        }
        guard agrees(fields.0, entries), agrees(fields.1, entries), agrees(fields.2, size), agrees(fields.3, offset) else {
            throw .malformed(offset: locator + 20, reason: "end record disagrees with the ZIP64 end record")
        }
        entryCount = entries
        directorySize = size
        directoryOffset = offset
        directoryLimit = recordOffset
        isZip64 = true
    }
}
