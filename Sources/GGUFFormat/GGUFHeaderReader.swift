import StrictJSON

/// Reads the fixed header, the key-values and the tensor infos, then lays the tensors out.
struct GGUFHeaderReader {
    var cursor: GGUFByteCursor
    let limits: GGUFLimits
    var problems: [GGUFProblem] = []
    /// Where the problem of the key being read sits in `problems`, per kind (`noteBool`,
    /// `noteInvalidUTF8`): a key's later elements add to its count.
    var boolProblem: (key: String, index: Int)?
    var utf8Problem: (key: String, index: Int)?
    /// Array elements read so far (bounded by `limits.maximumArrayElements`).
    var arrayElements = 0

    /// Bytes a tensor info takes at least: name length, n_dims, type, offset.
    static let minimumTensorInfoBytes = 8 + 4 + 4 + 8
    /// Bytes a key-value takes at least: key length, value type, a one-byte value.
    static let minimumKeyValueBytes = 8 + 4 + 1

    init(bytes: UnsafeRawBufferPointer, limits: GGUFLimits) {
        cursor = GGUFByteCursor(bytes)
        self.limits = limits
    }

    mutating func read() throws(GGUFError) -> GGUFFile {
        let magic = try cursor.read(UInt32.self, "magic")
        guard magic == GGUFFile.magic else { throw .badMagic(found: magic) }
        let version = try cursor.read(UInt32.self, "version")
        // gguf-py's test: a version whose low 16 bits are zero was written in the other byte order.
        if version & 0xFFFF == 0 && version != 0 { throw .bigEndian(version: version.byteSwapped) }
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }

        let tensorCount = try cursor.read(UInt64.self, "tensor count")
        let keyValueCount = try cursor.read(UInt64.self, "key-value count")
        // Both lists follow; bound each by what remains so no loop or reservation can run away.
        try Self.bound(tensorCount, "tensor", Self.minimumTensorInfoBytes, cursor.remaining)
        try Self.bound(keyValueCount, "key-value", Self.minimumKeyValueBytes, cursor.remaining)
        guard keyValueCount <= UInt64(limits.maximumKeyValues) else {
            throw .tooManyKeyValues(count: keyValueCount, limit: limits.maximumKeyValues)
        }

        let metadata = try readMetadata(count: Int(keyValueCount))
        try Self.bound(tensorCount, "tensor", Self.minimumTensorInfoBytes, cursor.remaining)
        let infos = try readTensorInfos(count: Int(tensorCount))
        let alignment = try Self.alignment(in: metadata)

        let infoEnd = cursor.offset
        let padding = (alignment - infoEnd % alignment) % alignment
        let (dataOffset, overflow) = infoEnd.addingReportingOverflow(padding)
        guard !overflow else { throw .invalidAlignment(UInt32(truncatingIfNeeded: alignment)) }
        let tensors = try GGUFLayout.place(infos, headerEnd: infoEnd, dataOffset: dataOffset, fileSize: cursor.bytes.count,
                                           alignment: alignment)
        // The layout llama.cpp requires (placed tensors are in bounds and aligned, so the sums
        // stay below the file size plus one alignment per tensor: no overflow).
        var expected: UInt64 = 0
        for info in infos {
            guard info.relativeOffset == expected else {
                problems.append(.unexpectedOffset(tensor: info.name, offset: info.relativeOffset, expected: expected))
                break
            }
            let step = UInt64(alignment)
            expected += (info.byteCount + step - 1) / step * step
        }
        return GGUFFile(version: version, metadata: metadata, tensors: tensors, alignment: alignment,
                        dataOffset: dataOffset, fileSize: cursor.bytes.count, problems: problems)
    }

    static func bound(_ count: UInt64, _ what: String, _ minimum: Int, _ available: Int) throws(GGUFError) {
        guard count <= UInt64(available / minimum) else {
            throw .countPastEnd(what: what, count: count, minimumEntryBytes: minimum, available: available)
        }
    }

    /// `general.alignment`: u32 only (as gguf-py), a power of two above zero.
    static func alignment(in metadata: GGUFMetadata) throws(GGUFError) -> Int {
        guard let value = metadata["general.alignment"] else { return GGUFFile.defaultAlignment }
        guard case let .uint32(alignment) = value else { throw .alignmentNotUInt32(type: value.type) }
        guard alignment != 0, alignment & (alignment - 1) == 0 else { throw .invalidAlignment(alignment) }
        return Int(alignment)
    }

    /// A key or tensor name: strictly UTF-8.
    mutating func readName(_ what: String) throws(GGUFError) -> String {
        let start = cursor.offset
        let raw = try cursor.readStringBytes(what)
        guard let name = String(validating: raw, as: UTF8.self) else {
            throw .invalidUTF8(offset: start, field: what)
        }
        try Self.checkStreamSafe(raw, offset: start, field: what)
        return name
    }

    /// Keys, tensor names and string values become `String`s that are compared and hashed
    /// canonically, which is quadratic in a run of combining marks: such a run is refused.
    /// (String-array elements stay bytes, compared by code points, and are not checked.)
    static func checkStreamSafe(_ raw: UnsafeRawBufferPointer, offset: Int, field: @autoclosure () -> String) throws(GGUFError) {
        if StreamSafeText.firstOverlongRun(raw) != nil {
            throw .notStreamSafe(offset: offset, field: field(), limit: StreamSafeText.maxNonStarterRun)
        }
    }
}
