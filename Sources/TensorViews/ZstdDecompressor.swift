import CZstd

/// Decodes a `*.safetensors.zst` file (zstd frames around a whole safetensors file) into
/// anonymous memory, once, so the checkpoint is then analysed from memory like any file.
///
/// Design, and why:
/// - Output goes to one anonymous reservation (`MappedFile(anonymousCapacity:)`) of
///   `SourceLimits.maxDecompressedBytes` address space, committed page by page as it is
///   written; no Swift array grows by doubling, so peak memory is the decompressed size plus
///   the decoder state (~100 KiB) plus one input chunk.
/// - The decoder runs with `ZSTD_d_stableOutBuffer`, writing straight into that reservation
///   and using it as its window, and with `ZSTD_d_windowLogMax` = 31, so frames written with
///   `zstd --long=31` decode without the decoder allocating a 2 GiB window.
/// - The compressed input is read through its mapping in 8 MiB chunks; consumed chunks are
///   dropped from memory (`MADV_DONTNEED`).
/// - The declared content size is only used to fail fast: a frame declaring more than the cap
///   is rejected before any decoding. The cap itself is enforced on the bytes produced.
enum ZstdDecompressor {
    /// The 4-byte little-endian magic of a zstd frame, and the mask/value of skippable frames.
    static let frameMagic: UInt32 = 0xFD2F_B528
    static let skippableMagicMask: UInt32 = 0xFFFF_FFF0
    static let skippableMagic: UInt32 = 0x184D_2A50
    static let inputChunk = 8 << 20

    /// True when `mapping` begins with a zstd (or skippable) frame magic number. A safetensors
    /// file cannot: those bytes would make its header length at least 2^32, over the cap.
    static func looksCompressed(_ mapping: MappedFile) -> Bool {
        mapping.withBytes { bytes in
            guard bytes.count >= 4 else { return false }
            let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            return magic == frameMagic || magic & skippableMagicMask == skippableMagic
        }
    }

    /// Decodes every frame of `input` into a new anonymous mapping labelled with its path.
    static func decompress(_ input: MappedFile, limits: SourceLimits) throws(CheckpointError) -> MappedFile {
        let path = input.path
        func failure(_ message: String) -> CheckpointError {
            .source(path: path, kind: "decompression", message: message)
        }
        let declared: UInt64? = try input.withBytes { (bytes) throws(CheckpointError) -> UInt64? in
            guard bytes.count >= 4 else { throw failure("not a zstd file (\(bytes.count) bytes, no zstd magic number)") }
            let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            guard magic == frameMagic || magic & skippableMagicMask == skippableMagic else {
                throw failure("not a zstd file (no zstd magic number at byte 0)")
            }
            guard let base = bytes.baseAddress else { return nil }
            let size = ZSTD_getFrameContentSize(base, min(bytes.count, 32))
            if size == czstd_contentsize_error { throw failure("truncated or invalid zstd frame header") }
            return size == czstd_contentsize_unknown ? nil : size
        }
        let cap = limits.maxDecompressedBytes
        if let declared, declared > cap {
            throw failure("zstd frame declares \(declared) decompressed bytes, over the cap of \(cap) bytes "
                + "(TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)")
        }
        guard cap <= UInt64(Int.max) else { throw failure("decompression cap \(cap) does not fit in memory") }
        // Reserve the whole cap (address space only); if the kernel refuses, the declared size
        // is a sufficient reservation for the common single-frame file.
        let fallback = declared.map { Int(clamping: $0) }
        return try MappedFile(anonymousCapacity: Int(cap), fallbackCapacity: fallback, label: path) {
            (output) throws(CheckpointError) -> Int in
            try decode(input, into: output, cap: cap, failure: failure)
        }
    }

    private static func decode(_ input: MappedFile, into output: UnsafeMutableRawBufferPointer, cap: UInt64,
                               failure: (String) -> CheckpointError) throws(CheckpointError) -> Int {
        guard let context = ZSTD_createDCtx() else { throw failure("cannot create a zstd decoder") }
        defer { ZSTD_freeDCtx(context) }
        try check(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 31), failure)
        try check(ZSTD_DCtx_setParameter(context, ZSTD_dParameter(rawValue: UInt32(czstd_d_stable_out_buffer)), 1),
                  failure)
        input.advise(.sequential)
        var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        var remaining = 0  // 0 after a complete frame; a hint of bytes still needed otherwise
        var consumed = 0
        let total = Int(input.size)
        try input.withBytes { (bytes) throws(CheckpointError) in
            guard let base = bytes.baseAddress else { return }
            while consumed < total {
                let chunk = min(inputChunk, total - consumed)
                var inBuffer = ZSTD_inBuffer(src: base + consumed, size: chunk, pos: 0)
                while inBuffer.pos < inBuffer.size {
                    let before = (inBuffer.pos, out.pos)
                    let result = ZSTD_decompressStream(context, &out, &inBuffer)
                    if ZSTD_isError(result) != 0 {
                        let reason = String(cString: ZSTD_getErrorName(result))
                        if out.pos == out.size || ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall {
                            throw failure("decompressed data exceeds the cap of \(cap) bytes "
                                + "(TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)")
                        }
                        throw failure("zstd error at compressed byte \(consumed + inBuffer.pos): \(reason)")
                    }
                    remaining = result
                    if (inBuffer.pos, out.pos) == before {
                        // No progress: the output is full (stable output cannot grow).
                        throw failure("decompressed data exceeds the cap of \(cap) bytes "
                            + "(TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)")
                    }
                }
                input.discard(offset: UInt64(consumed), length: UInt64(chunk))
                consumed += chunk
            }
        }
        // Flush what the decoder still holds (it may keep the last block until asked again).
        while remaining != 0 {
            var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            let before = out.pos
            let result = ZSTD_decompressStream(context, &out, &empty)
            if ZSTD_isError(result) != 0 {
                throw failure("zstd error at end of input: \(String(cString: ZSTD_getErrorName(result)))")
            }
            remaining = result
            if out.pos == before, remaining != 0 {
                if out.pos == out.size {
                    throw failure("decompressed data exceeds the cap of \(cap) bytes "
                        + "(TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)")
                }
                throw failure("truncated zstd frame: the input ends after \(total) bytes, "
                    + "\(out.pos) bytes decoded, the frame is incomplete")
            }
        }
        return out.pos
    }

    private static func check(_ code: Int, _ failure: (String) -> CheckpointError) throws(CheckpointError) {
        if ZSTD_isError(code) != 0 { throw failure("zstd: \(String(cString: ZSTD_getErrorName(code)))") }
    }
}
