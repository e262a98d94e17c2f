import StrictJSON

/// A parsed and validated safetensors header.
///
/// Constructing one enforces every rule of the reference implementation (see docs/FORMAT.md) and
/// a few of our own (duplicate keys, limits), so any value of this type describes a file
/// whose tensors can be read without further bounds checks against the data section.
public struct SafetensorsHeader: Sendable, Equatable {
    /// `N`, the JSON header length in bytes.
    public let headerLength: UInt64
    /// `__metadata__`, or `nil` when absent or `null`; keys by code points (`ExactText`).
    public let metadata: [ExactText: String]?
    /// Tensors in file order: sorted by data offsets (the order of their bytes on disk).
    public let tensors: [TensorInfo]
    /// Bytes after the header: exactly the sum of the tensor sizes.
    public let dataLength: UInt64
    /// Whitespace before the opening `{` (accepted by 0.8, outside the format README).
    public let leadingWhitespace: Int
    /// Bytes after the closing `}` (the reference writer pads with spaces to 8-byte alignment).
    public let trailingPadding: Int
    /// The padding holds whitespace other than spaces (accepted by 0.8; the README pads with
    /// spaces only).
    public let nonSpacePadding: Bool

    /// Byte offset of the data section in the file.
    public var dataStart: UInt64 { 8 + headerLength }
    /// Total file size implied by the header.
    public var fileSize: UInt64 { dataStart + dataLength }

    private let names: NameIndex
    private let positionOfOrdinal: [Int]

    /// The tensor called `name`, or `nil`.
    public func tensor(named name: String) -> TensorInfo? {
        position(of: name).map { tensors[$0] }
    }

    /// Index in `tensors` of the tensor called `name` (the same bytes: names are not
    /// Unicode-normalised, as in the reference implementation).
    public func position(of name: String) -> Int? {
        names.find(name) { tensors[positionOfOrdinal[$0]].name }.map { positionOfOrdinal[$0] }
    }

    init(headerLength: UInt64, metadata: [ExactText: String]?, tensors: [TensorInfo], dataLength: UInt64,
         leadingWhitespace: Int, trailingPadding: Int, nonSpacePadding: Bool, names: NameIndex,
         positionOfOrdinal: [Int]) {
        self.headerLength = headerLength
        self.metadata = metadata
        self.tensors = tensors
        self.dataLength = dataLength
        self.leadingWhitespace = leadingWhitespace
        self.trailingPadding = trailingPadding
        self.nonSpacePadding = nonSpacePadding
        self.names = names
        self.positionOfOrdinal = positionOfOrdinal
    }

    public static func == (a: SafetensorsHeader, b: SafetensorsHeader) -> Bool {
        a.headerLength == b.headerLength && a.metadata == b.metadata && a.tensors == b.tensors
            && a.dataLength == b.dataLength
    }
}

extension SafetensorsHeader {
    /// Reads the 8-byte length prefix and checks it against the cap and the file size.
    ///
    /// Separate from `parse` so a reader can map or read exactly `8 + N` bytes before the JSON
    /// is touched; nothing is allocated from `N` before these checks pass.
    public static func headerLength(prefix: UnsafeRawBufferPointer, fileSize: UInt64) throws(FormatError) -> UInt64 {
        guard fileSize >= 8, prefix.count >= 8 else { throw .headerTooSmall(fileSize: fileSize) }
        let n = UInt64(littleEndian: prefix.loadUnaligned(as: UInt64.self))
        guard n <= HeaderLimits.maxHeaderLength else { throw .headerTooLarge(length: n) }
        let (stop, overflow) = n.addingReportingOverflow(8)
        guard !overflow, stop <= fileSize else { throw .invalidHeaderLength(length: n, fileSize: fileSize) }
        return n
    }

    /// Parses and validates the header.
    ///
    /// - Parameters:
    ///   - prefix: the first bytes of the file; at least `8 + N` of them.
    ///   - fileSize: the size of the whole file, used for the length and coverage checks.
    public static func parse(prefix: UnsafeRawBufferPointer, fileSize: UInt64,
                             limits: HeaderLimits = .default) throws(FormatError) -> SafetensorsHeader {
        let n = try headerLength(prefix: prefix, fileSize: fileSize)
        guard UInt64(prefix.count) >= 8 + n else { throw .invalidHeaderLength(length: n, fileSize: fileSize) }
        let json = UnsafeRawBufferPointer(rebasing: prefix[8..<(8 + Int(n))])
        if let bad = firstInvalidUTF8Index(json) { throw .invalidUTF8(offset: 8 + bad) }
        var scanner = HeaderScanner(bytes: json, baseOffset: 8, limits: limits.json)
        let raw = try HeaderParser.parse(&scanner, limits: limits)
        let layout = try validateLayout(raw.entries, dataLength: fileSize - 8 - n)
        return SafetensorsHeader(headerLength: n, metadata: raw.metadata, tensors: layout.tensors,
                                 dataLength: fileSize - 8 - n, leadingWhitespace: raw.leadingWhitespace,
                                 trailingPadding: raw.trailingPadding, nonSpacePadding: raw.nonSpacePadding,
                                 names: raw.names,
                                 positionOfOrdinal: layout.positionOfOrdinal)
    }

    /// The size of the file the header at the start of `prefix` describes (8 + N + the end of
    /// its last tensor), validating everything `parse` does except the check against the real
    /// file size. `prefix` must hold at least 8 + N bytes.
    ///
    /// Why: a decoder of compressed bytes learns the header before the rest; with this it stops
    /// a stream whose header is impossible, or that runs past what its header declares, at
    /// once, instead of decoding gigabytes first.
    public static func impliedFileSize(prefix: UnsafeRawBufferPointer,
                                       limits: HeaderLimits = .default) throws(FormatError) -> UInt64 {
        let n = try headerLength(prefix: prefix, fileSize: UInt64(prefix.count))
        let json = UnsafeRawBufferPointer(rebasing: prefix[8..<(8 + Int(n))])
        if let bad = firstInvalidUTF8Index(json) { throw .invalidUTF8(offset: 8 + bad) }
        var scanner = HeaderScanner(bytes: json, baseOffset: 8, limits: limits.json)
        let raw = try HeaderParser.parse(&scanner, limits: limits)
        let dataLength = raw.entries.reduce(UInt64(0)) { max($0, $1.end) }
        _ = try validateLayout(raw.entries, dataLength: dataLength)
        let (size, overflow) = (8 + n).addingReportingOverflow(dataLength)
        guard !overflow else { throw .incompleteBuffer(dataEnd: dataLength, dataLength: .max) }
        return size
    }

    /// Convenience for tests and small in-memory files.
    public static func parse(_ file: [UInt8], limits: HeaderLimits = .default) throws(FormatError) -> SafetensorsHeader {
        do {
            return try file.withUnsafeBytes { bytes in
                try parse(prefix: bytes, fileSize: UInt64(bytes.count), limits: limits)
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw .invalidJSON(offset: 0, reason: "\(error)")
        }
    }
}
