extension TensorView {
    /// Where the tensor's bytes lie in the file on disk, as byte offsets from the file's start
    /// (`[start, end)`), or `nil` when the bytes were decompressed into memory: offsets into a
    /// `.zst` file's decoded stream point at nothing a reader of the compressed file can find.
    /// Reports use it to locate a finding (SARIF `region.byteOffset`/`byteLength`).
    public var fileByteRange: Range<UInt64>? {
        guard !mapping.isAnonymous else { return nil }
        let start = dataStart + info.begin
        return start..<(start + info.byteCount)
    }
}
