/// One member of a zip archive, after its central-directory entry and local header agreed.
public struct ZipEntry: Sendable, Hashable {
    /// The name as stored (UTF-8), e.g. `pytorch_model/data/0`.
    public let name: String
    /// Compression method: 0 stored, 8 deflate, … Only stored entries can be viewed.
    public let method: UInt16
    public let flags: UInt16
    public let crc32: UInt32
    /// Bytes of the entry's data in the file (compressed size).
    public let compressedSize: UInt64
    public let uncompressedSize: UInt64
    /// Offset of the local header in the file.
    public let localHeaderOffset: UInt64
    /// Offset of the first data byte in the file (after the local header, its name and extra field).
    public let dataOffset: UInt64

    /// The data's half-open byte range in the file.
    public var dataRange: Range<UInt64> { dataOffset ..< dataOffset + compressedSize }

    public var isStored: Bool { method == 0 }

    /// True when the name would escape a folder it were extracted to (absolute, a drive letter,
    /// a backslash, or a `..` component). We never extract, but such a name in a checkpoint is
    /// a sign the file was built by hand.
    public var hasUnsafePath: Bool {
        if name.hasPrefix("/") || name.contains("\\") { return true }
        let utf8 = Array(name.utf8)
        if utf8.count >= 2, utf8[1] == UInt8(ascii: ":") { return true }
        return name.split(separator: "/", omittingEmptySubsequences: false).contains("..")
    }
}
