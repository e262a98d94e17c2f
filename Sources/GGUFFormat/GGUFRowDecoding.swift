import CMomentKernels

/// Why a row could not be decoded.
public enum GGUFDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A type without a decoder here; `reason` says why.
    case notDecodable(type: String, reason: String)
    /// Row bytes that are not a whole number of blocks.
    case partialBlock(type: String, byteCount: Int, typeSize: Int)

    public var description: String {
        switch self {
        case let .notDecodable(type, reason): "\(type) rows are not decoded: \(reason)"
        case let .partialBlock(type, count, size): "\(count) bytes are not whole \(type) blocks of \(size) bytes"
        }
    }
}

/// Row statistics and values of GGUF tensors, straight from the file's bytes.
///
/// Decoded types: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K. Each value is
/// bit-identical to gguf-py's `gguf.quants.dequantize` (same float32 operations in the same
/// order; the tests compare against its output), and the statistics are those of those values
/// summed in `Double`. Other known types are listed by the reader and skipped here with a reason.
///
/// Speed (`gguf-kernel-bench`, release, one core of the shared 2-vCPU EPYC at load ~3.5, best
/// of five, 64 MiB of rows, GB/s of file bytes; AVX2 kernel / portable Swift kernel): Q8_0
/// 7.0 / 2.2, Q6_K 4.0 / 1.3, Q5_0 3.6 / 0.8, Q4_0 3.4 / 1.9, Q5_K 1.9 / 0.8, Q4_K 1.7 / 1.1;
/// Q5_1 1.6 / 0.7, Q4_1 1.4 / 1.0 (load ~5); F32 12.9, BF16 5.3, F16 3.9. The symmetric types
/// (Q8_0, Q4_0, Q5_0, Q6_K) sum integer codes per block; the affine ones (Q4_1, Q5_1, Q4_K,
/// Q5_K) must reproduce float32's rounding of `d·q + m` value by value and add every value to
/// `Double` lanes in a fixed order (`DoubleAccumulator`), a chain of one add per 8 values.
/// Since then the AVX2 Q6_K, Q5_0 and Q4_0 kernels sum their codes as bytes: 6.1–7.9, 5.0–6.6 and
/// (ordered) 3.0–4.0 GB/s in the same bench; Q4_1 and Q5_1 1.7–2.3 (docs/PERFORMANCE.md).
/// The AVX2 kernels (`VectorBlockKernels`) give the same bits as the Swift ones. Where the CPU
/// has AVX-512 (VNNI, VBMI), Q8_0, Q4_0, Q4_K and Q5_K rows whose scales let every summation
/// order give the same bits (a per-row check) are summed in any order: 13.5, 8.7, 5.3 and 5.6
/// GB/s per core.
public enum GGUFRowDecoding {
    /// Nil when rows of this type are decoded, else the reason they are skipped.
    public static func skipReason(for type: GGMLType) -> String? {
        if kernel(for: type) != nil || isFloat(type) { return nil }
        switch type.name {
        case "I8", "I16", "I32", "I64":
            return "integer tensors are not weights; row statistics cover float and quantized types"
        default:
            return "no \(type.name) decoder in tensoraudit yet"
        }
    }

    public static func isDecodable(_ type: GGMLType) -> Bool { skipReason(for: type) == nil }

    /// The statistics of one row (any whole number of blocks). `portable: true` uses the Swift
    /// kernels even where an AVX2 one runs (`VectorBlockKernels`; the results are the same bits):
    /// for tests and benchmarks that compare the two.
    public static func moments(ofRow row: UnsafeRawBufferPointer, type: GGMLType,
                               portable: Bool = false) throws(GGUFDecodingError) -> GGUFRowMoments {
        guard isDecodable(type) else { throw notDecodable(type) }
        let blocks = try blockCount(row, type)
        let count = blocks * type.blockSize
        guard let base = row.baseAddress, count > 0 else { return .empty }
        let fast: GGUFRowMoments?
        switch type.id {
        case GGMLType.f32.id: fast = FloatRowKernels.f32Moments(base, count: count)
        case GGMLType.f16.id: fast = FloatRowKernels.f16Moments(base, count: count)
        case GGMLType.bf16.id: fast = FloatRowKernels.bf16Moments(base, count: count)
        default:
            guard let kernel = kernel(for: type) else { throw notDecodable(type) }
            if !portable, let vector = VectorBlockKernels.moments(base, blocks: blocks, type: type) {
                fast = vector
            } else {
                fast = kernel.fastMoments(base, blocks: blocks)
            }
        }
        if let fast { return fast }
        // The row holds NaN or ±Inf: count them one value at a time.
        return GGUFRowMoments(values: try dequantize(row: row, type: type))
    }

    /// The statistics of `out.count` consecutive rows of `rowBytes` bytes each (whole blocks),
    /// equal to `moments(ofRow:type:portable:)` row by row.
    ///
    /// Why a batch: the type is checked and its kernel chosen once, not per row. A quantized
    /// checkpoint has hundreds of thousands of rows of a few KiB (the 321 MB Q8_0 bench file:
    /// 251,904), and choosing per row cost 13% of that file's audit CPU time (87 → 76 ms).
    public static func moments(ofRows rows: UnsafeRawBufferPointer, rowBytes: Int, type: GGMLType, portable: Bool = false,
                               into out: UnsafeMutableBufferPointer<GGUFRowMoments>) throws(GGUFDecodingError) {
        guard isDecodable(type) else { throw notDecodable(type) }
        guard rowBytes > 0, rows.count >= out.count * rowBytes, let base = rows.baseAddress else {
            for r in out.indices { out[r] = .empty }
            return
        }
        let row = UnsafeRawBufferPointer(start: base, count: rowBytes)
        let blocks = try blockCount(row, type)
        guard !portable, let kernel = VectorBlockKernels.kernel(for: type) else {
            for r in out.indices {
                out[r] = try moments(ofRow: UnsafeRawBufferPointer(start: base + r &* rowBytes, count: rowBytes),
                                     type: type, portable: portable)
            }
            return
        }
        let count = blocks &* type.blockSize
        for r in out.indices {
            let start = base + r &* rowBytes
            if let fast = VectorBlockKernels.moments(kernel(start, blocks), count: count) {
                out[r] = fast
            } else {
                // A row with NaN or ±Inf: counted value by value.
                out[r] = GGUFRowMoments(values: try dequantize(row: UnsafeRawBufferPointer(start: start, count: rowBytes), type: type))
            }
        }
    }

    /// The row's values as float32, equal to gguf-py's `dequantize`.
    public static func dequantize(row: UnsafeRawBufferPointer, type: GGMLType) throws(GGUFDecodingError) -> [Float] {
        guard isDecodable(type) else { throw notDecodable(type) }
        let count = try blockCount(row, type) * type.blockSize
        guard count > 0 else { return [] }
        return try [Float](unsafeUninitializedCapacity: count) { (out, initialized) throws(GGUFDecodingError) in
            if let target = out.baseAddress { _ = try dequantize(row: row, type: type, into: target) }
            initialized = count
        }
    }

    /// `dequantize(row:type:)` written to `out`, which has room for the row's values; returns
    /// how many it wrote. Why: `diff` decodes every row of two checkpoints, and an array per row
    /// was an allocation per row.
    /// `portable`: the Swift kernels even where an AVX2 one runs (`cmk_q8_0_dequantize_avx2`,
    /// the same values), for tests.
    public static func dequantize(row: UnsafeRawBufferPointer, type: GGMLType, into out: UnsafeMutablePointer<Float>,
                                  portable: Bool = false) throws(GGUFDecodingError) -> Int {
        guard isDecodable(type) else { throw notDecodable(type) }
        let blocks = try blockCount(row, type)
        let count = blocks * type.blockSize
        guard let base = row.baseAddress, count > 0 else { return 0 }
        if isFloat(type) {
            FloatRowKernels.decode(base, count: count, type: type, into: out)
            return count
        }
        if type == .q8_0 && VectorBlockKernels.available && !portable {
            cmk_q8_0_dequantize_avx2(base, blocks, out)
            return count
        }
        guard let kernel = kernel(for: type) else { throw notDecodable(type) }
        for b in 0 ..< blocks {
            kernel.decode(base + b * type.typeSize, into: out + b * type.blockSize)
        }
        return count
    }

    static func isFloat(_ type: GGMLType) -> Bool {
        type == .f32 || type == .f16 || type == .bf16
    }

    static func kernel(for type: GGMLType) -> (any BlockKernel.Type)? {
        switch type.id {
        case GGMLType.q8_0.id: Q8_0Kernel.self
        case GGMLType.q4_0.id: Q4_0Kernel.self
        case GGMLType.q4_1.id: Q4_1Kernel.self
        case GGMLType.q5_0.id: Q5_0Kernel.self
        case GGMLType.q5_1.id: Q5_1Kernel.self
        case GGMLType.q4_K.id: Q4_KKernel.self
        case GGMLType.q5_K.id: Q5_KKernel.self
        case GGMLType.q6_K.id: Q6_KKernel.self
        default: nil
        }
    }

    static func notDecodable(_ type: GGMLType) -> GGUFDecodingError {
        .notDecodable(type: type.name, reason: skipReason(for: type) ?? "no decoder")
    }

    static func blockCount(_ row: UnsafeRawBufferPointer, _ type: GGMLType) throws(GGUFDecodingError) -> Int {
        guard row.count % type.typeSize == 0 else {
            throw .partialBlock(type: type.name, byteCount: row.count, typeSize: type.typeSize)
        }
        return row.count / type.typeSize
    }
}
