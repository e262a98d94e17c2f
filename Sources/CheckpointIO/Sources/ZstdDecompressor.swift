import CZstd
import SafetensorsFormat

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
/// - The declared content size is used to fail fast (a frame declaring more than the cap is
///   rejected before any decoding; the cap itself is enforced on the bytes produced) and to
///   commit the output pages on the other core ahead of the decoder (`BackgroundPrefault`).
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

    static func failure(_ path: String, _ message: String) -> CheckpointError {
        .source(path: path, kind: "decompression", message: message)
    }

    /// Checks the magic number and returns the first frame's declared content size (`nil` when
    /// absent), failing fast when it is over the cap.
    private static func declaredSize(_ input: MappedFile, cap: UInt64) throws(CheckpointError) -> UInt64? {
        let path = input.path
        let declared: UInt64? = try input.withBytes { (bytes) throws(CheckpointError) -> UInt64? in
            guard bytes.count >= 4 else { throw failure(path, "not a zstd file (\(bytes.count) bytes, no zstd magic number)") }
            let magic = UInt32(littleEndian: bytes.loadUnaligned(as: UInt32.self))
            guard magic == frameMagic || magic & skippableMagicMask == skippableMagic else {
                throw failure(path, "not a zstd file (no zstd magic number at byte 0)")
            }
            guard let base = bytes.baseAddress else { return nil }
            let size = ZSTD_getFrameContentSize(base, min(bytes.count, 32))
            if size == czstd_contentsize_error { throw failure(path, "truncated or invalid zstd frame header") }
            return size == czstd_contentsize_unknown ? nil : size
        }
        if let declared, declared > cap {
            throw failure(path, "zstd frame declares \(declared) decompressed bytes, over the cap of \(cap) bytes "
                + "(TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)")
        }
        return declared
    }

    /// Decodes every frame of `input` into a new anonymous mapping labelled with its path.
    static func decompress(_ input: MappedFile, limits: SourceLimits) throws(CheckpointError) -> MappedFile {
        let path = input.path
        let cap = limits.maxDecompressedBytes
        let declared = try declaredSize(input, cap: cap)
        guard cap <= UInt64(Int.max) else { throw failure(path, "decompression cap \(cap) does not fit in memory") }
        // Reserve the whole cap (address space only); if the kernel refuses, the declared size
        // is a sufficient reservation for the common single-frame file.
        let fallback = declared.map { Int(clamping: $0) }
        return try MappedFile(anonymousCapacity: Int(cap), fallbackCapacity: fallback, label: path) {
            (output) throws(CheckpointError) -> Int in
            // The declared size says how far the output will go: commit it on the other core.
            let prefault = BackgroundPrefault(output, length: declared.map { Int(clamping: $0) } ?? 0)
            defer { prefault.stop() }
            return try decode(input, into: output, overflow: overflowMessage(reserved: output.count, cap: cap, declared: declared)) {
                prefault.writerReached($0)
            }
        }
    }

    /// Starts decoding `input` on a thread of its own into a mapping that can be read while it
    /// is written (`MappedFile(streamingLength:)`): readers wait for the bytes they need.
    /// Returns `nil` when the output size is not known up front — no declared content size, or
    /// more than one frame (the first frame's size is then not the file's) — and the caller
    /// decodes the whole file first (`decompress`).
    static func decompressInBackground(_ input: MappedFile, limits: SourceLimits) throws(CheckpointError) -> MappedFile? {
        let path = input.path
        guard let declared = try declaredSize(input, cap: limits.maxDecompressedBytes), declared > 0,
              declared <= UInt64(Int.max), isSingleFrame(input) else { return nil }
        let length = Int(declared)
        return try MappedFile(streamingLength: length, label: path) { (output, progress) throws(CheckpointError) -> Int in
            let prefault = BackgroundPrefault(output, length: length)
            defer { prefault.stop() }
            let used = try decode(input, into: output,
                                  overflow: "the zstd frame decodes to more than the \(length) bytes it declares") { written in
                progress.advance(to: written)
                prefault.writerReached(written)
            }
            guard used == length else { throw failure(path, "decoded \(used) bytes, but the zstd frame declares \(length)") }
            return used
        }
    }

    /// Decodes only the start of `input`: through the safetensors header and not much further
    /// (the decoder gets 1 KiB of compressed input per step until the header is complete and
    /// valid, `HeaderWatch`), into a mapping of the size the header implies. For `inspect`,
    /// which reads headers only: neither the frame nor the compressed file is walked past the
    /// header (on the 0.5 GB bench file a few ms against ~1 s for the full decode). A
    /// stream that ends or fails before its header is complete fails as the full decode does.
    /// Tensor bytes would read as zeros, so completion (`waitUntilComplete`) throws: nothing
    /// may analyse such a mapping.
    static func decompressHeaderOnly(_ input: MappedFile, limits: SourceLimits) throws(CheckpointError) -> MappedFile {
        let path = input.path
        let cap = limits.maxDecompressedBytes
        let declared = try declaredSize(input, cap: cap)
        guard cap <= UInt64(Int.max) else { throw failure(path, "decompression cap \(cap) does not fit in memory") }
        let incomplete = failure(path, "only the header was decoded (tensor bytes are not read when reading headers only)")
        return try MappedFile(anonymousCapacity: Int(cap), fallbackCapacity: declared.map { Int(clamping: $0) }, label: path,
                              incomplete: incomplete) { (output) throws(CheckpointError) -> (written: Int, size: Int) in
            var implied: UInt64?
            let overflow = overflowMessage(reserved: output.count, cap: cap, declared: declared)
            let written = try decode(input, into: output, stopAfterHeader: true, impliedSize: &implied, overflow: overflow) { _ in }
            guard let implied else { return (written, written) }
            guard implied <= UInt64(output.count) else { throw failure(path, overflow) }
            return (written, Int(implied))
        }
    }

    /// True when `input` is exactly one zstd frame (no skippable or further frames).
    ///
    /// Finding the frame's end walks every block header, one per ≤ 128 KiB of the frame, and
    /// each touch maps a fault-around window (or a whole large folio) of the file: on the
    /// 471 MB bench file that left 456 MB of it resident before decoding began, so the input
    /// is dropped from this process's memory afterwards and decoding maps it back chunk by
    /// chunk (minor faults: the pages stay in the page cache).
    private static func isSingleFrame(_ input: MappedFile) -> Bool {
        defer { input.discard(offset: 0, length: input.size) }
        return input.withBytes { bytes in
            guard let base = bytes.baseAddress else { return false }
            let first = ZSTD_findFrameCompressedSize(base, bytes.count)
            return ZSTD_isError(first) == 0 && first == bytes.count
        }
    }

    private static func capMessage(_ cap: UInt64) -> String {
        "decompressed data exceeds the cap of \(cap) bytes (TENSORAUDIT_MAX_DECOMPRESSED_BYTES raises it)"
    }

    /// The overflow message for output that got `reserved` bytes: the cap when the whole cap was
    /// reserved; else what was reserved instead. Why: when the kernel refused the cap, the
    /// declared size (or a part of the cap) was reserved, and output past it was reported as
    /// over the 8 GiB cap, with advice to raise it (black-box fuzz round, 2026-12-05).
    private static func overflowMessage(reserved: Int, cap: UInt64, declared: UInt64?) -> String {
        guard UInt64(reserved) < cap else { return capMessage(cap) }
        if let declared, UInt64(reserved) == declared {
            return "the zstd frame decodes to more than the \(declared) bytes it declares"
        }
        return "decompressed data exceeds the \(reserved) bytes of address space the system let it reserve "
            + "(the cap is \(cap) bytes; a process limit such as ulimit -v refused more)"
    }

    /// Decodes `input` into `output`, reporting the bytes written so far after each step;
    /// `overflow` is the message when the output is too small.
    private static func decode(_ input: MappedFile, into output: UnsafeMutableRawBufferPointer, stopAfterHeader: Bool = false,
                               overflow: String, progress: (Int) -> Void) throws(CheckpointError) -> Int {
        var implied: UInt64?
        return try decode(input, into: output, stopAfterHeader: stopAfterHeader, impliedSize: &implied,
                          overflow: overflow, progress: progress)
    }

    /// `decode`, also giving the file size the safetensors header implies once it is decoded
    /// and valid; with `stopAfterHeader`, decoding stops right there.
    private static func decode(_ input: MappedFile, into output: UnsafeMutableRawBufferPointer, stopAfterHeader: Bool,
                               impliedSize: inout UInt64?, overflow: String,
                               progress: (Int) -> Void) throws(CheckpointError) -> Int {
        var watchedSize: UInt64?
        defer { impliedSize = watchedSize }
        let path = input.path
        func failure(_ message: String) -> CheckpointError { Self.failure(path, message) }
        var watch = HeaderWatch(path: path, output: UnsafeRawBufferPointer(output))
        func advance(_ written: Int) throws(CheckpointError) {
            try watch.check(written: written)
            progress(written)
        }
        guard let context = ZSTD_createDCtx() else { throw failure("cannot create a zstd decoder") }
        defer { ZSTD_freeDCtx(context) }
        try check(ZSTD_DCtx_setParameter(context, ZSTD_d_windowLogMax, 31), failure)
        try check(ZSTD_DCtx_setParameter(context, ZSTD_dParameter(rawValue: UInt32(czstd_d_stable_out_buffer)), 1),
                  failure)
        if !stopAfterHeader { input.advise(.sequential) }
        var out = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        var remaining = 0  // 0 after a complete frame; a hint of bytes still needed otherwise
        var consumed = 0
        let total = Int(input.size)
        try input.withBytes { (bytes) throws(CheckpointError) in
            guard let base = bytes.baseAddress else { return }
            while consumed < total {
                let chunk = min(inputChunk, total - consumed)
                var inBuffer = ZSTD_inBuffer(src: base + consumed, size: chunk, pos: 0)
                while inBuffer.pos < chunk {
                    // Until the header is known to be sound, the decoder gets 1 KiB of input per
                    // call: with a stable output buffer one call decodes all it is given, and
                    // 1 KiB of zstd can expand to ~25 MiB, 8 MiB to gigabytes.
                    inBuffer.size = watch.isSettled ? chunk : min(chunk, inBuffer.pos + HeaderWatch.inputStep)
                    let before = (inBuffer.pos, out.pos)
                    let result = ZSTD_decompressStream(context, &out, &inBuffer)
                    if ZSTD_isError(result) != 0 {
                        let reason = String(cString: ZSTD_getErrorName(result))
                        if out.pos == out.size { throw failure(overflow) }
                        if ZSTD_getErrorCode(result) == ZSTD_error_dstSize_tooSmall {
                            // Room was left: the frame outgrew the size its header declares (zstd
                            // sizes a single-segment frame's window by it). Why: this was
                            // "exceeds the cap of 8589934592 bytes" with 8 GiB free (review, 2026-12-05).
                            if let declared = Self.declaredContentSize(UnsafeRawBufferPointer(bytes)) {
                                throw failure("the zstd frame decodes to more than the \(declared) bytes it declares "
                                    + "(zstd at compressed byte \(consumed + inBuffer.pos): \(reason))")
                            }
                            throw failure(overflow)
                        }
                        throw failure("zstd error at compressed byte \(consumed + inBuffer.pos): \(reason)"
                            + sizeHint(result, frame: UnsafeRawBufferPointer(bytes)))
                    }
                    remaining = result
                    try advance(out.pos)
                    watchedSize = watch.impliedSize
                    if stopAfterHeader && watch.isSettled { return }
                    if (inBuffer.pos, out.pos) == before {
                        // No progress: the output is full (stable output cannot grow).
                        throw failure(overflow)
                    }
                }
                input.discard(offset: UInt64(consumed), length: UInt64(chunk))
                consumed += chunk
            }
        }
        if stopAfterHeader && watch.isSettled { return out.pos }
        // Flush what the decoder still holds (it may keep the last block until asked again).
        while remaining != 0 {
            var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            let before = out.pos
            let result = ZSTD_decompressStream(context, &out, &empty)
            if ZSTD_isError(result) != 0 {
                throw failure("zstd error at end of input: \(String(cString: ZSTD_getErrorName(result)))")
            }
            remaining = result
            try advance(out.pos)
            if out.pos == before, remaining != 0 {
                if out.pos == out.size {
                    throw failure(overflow)
                }
                throw failure("truncated zstd frame: the input ends after \(total) bytes, "
                    + "\(out.pos) bytes decoded, the frame is incomplete")
            }
        }
        return out.pos
    }

    /// For zstd's "Data corruption detected" on a frame that declares its size: zstd gives the
    /// same error when the frame decodes to another size than it declares, so the message says
    /// the declared size. Why: `inspect` and `rows` of a frame decoding past its declared size
    /// said only "Data corruption detected" (review, 2026-12-05).
    private static func sizeHint(_ code: Int, frame: UnsafeRawBufferPointer) -> String {
        guard ZSTD_getErrorCode(code) == ZSTD_error_corruption_detected, let declared = declaredContentSize(frame) else { return "" }
        return " (the frame declares \(declared) decompressed bytes; zstd reports this too when a frame decodes to another size than it declares)"
    }

    /// The first frame's declared content size, or nil when it declares none.
    private static func declaredContentSize(_ frame: UnsafeRawBufferPointer) -> UInt64? {
        guard let base = frame.baseAddress else { return nil }
        let declared = ZSTD_getFrameContentSize(base, frame.count)
        return declared == ZSTD_CONTENTSIZE_UNKNOWN || declared == ZSTD_CONTENTSIZE_ERROR ? nil : declared
    }

    private static func check(_ code: Int, _ failure: (String) -> CheckpointError) throws(CheckpointError) {
        if ZSTD_isError(code) != 0 { throw failure("zstd: \(String(cString: ZSTD_getErrorName(code)))") }
    }
}

/// Checks decoded bytes as they arrive: the 8-byte header length as soon as it is decoded, the
/// whole header (JSON and layout) as soon as it is complete, and from then on that the stream
/// does not run past the file size the header implies.
///
/// Why: a 64 KiB zstd bomb without a declared size reached 2 GB of memory before the cap
/// stopped it, although its first 8 decoded bytes already showed an impossible header; now it
/// fails within the first decoded block, and a valid header bounds the output to its own size.
struct HeaderWatch {
    let path: String
    let output: UnsafeRawBufferPointer
    /// 8 + N once the length is known.
    private var headerEnd: Int?
    /// The file size the header implies, once the header is decoded and valid.
    private(set) var impliedSize: UInt64?
    /// Compressed bytes per decoder call until the header is checked.
    static let inputStep = 1024

    /// True once the header is decoded and valid: from then on only the size is watched.
    var isSettled: Bool { impliedSize != nil }

    init(path: String, output: UnsafeRawBufferPointer) {
        self.path = path
        self.output = output
    }

    mutating func check(written: Int) throws(CheckpointError) {
        if let impliedSize {
            if UInt64(written) > impliedSize {
                throw ZstdDecompressor.failure(path, "the decoded data runs past the \(impliedSize) bytes its safetensors header declares")
            }
            return
        }
        guard written >= 8, let base = output.baseAddress else { return }
        if headerEnd == nil {
            let n = UInt64(littleEndian: UnsafeRawBufferPointer(start: base, count: 8).loadUnaligned(as: UInt64.self))
            guard n <= HeaderLimits.maxHeaderLength else {
                // What the decoded bytes look like, as an uncompressed file's error says it
                // (`SafetensorsFile`): a compressed GGUF or text read "header length 14064895815
                // exceeds the limit" (helper-144).
                if let what = FileSignature.describe(UnsafeRawBufferPointer(start: base, count: written), fileSize: UInt64(written)) {
                    throw .source(path: path, kind: "not-safetensors", message: "not a safetensors file: its decompressed content looks like \(what)")
                }
                throw .format(path: path, .headerTooLarge(length: n))
            }
            headerEnd = 8 + Int(n)
        }
        guard let end = headerEnd, written >= end else { return }
        do {
            impliedSize = try SafetensorsHeader.impliedFileSize(prefix: UnsafeRawBufferPointer(start: base, count: end))
        } catch {
            throw .format(path: path, error)
        }
        if let impliedSize, UInt64(written) > impliedSize {
            throw ZstdDecompressor.failure(path, "the decoded data runs past the \(impliedSize) bytes its safetensors header declares")
        }
    }
}
