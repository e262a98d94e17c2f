import CMomentKernels

/// The AVX2 row kernels (`Sources/CMomentKernels/GGUFBlockKernelsAVX2.c`), chosen at run time:
/// the package targets baseline x86-64, where the Swift kernels' per-block horizontal sums and
/// scalar scale conversions cost 40+ cycles a block (Q8_0 2.2 GB/s per core).
///
/// Their sums are bit-identical to the portable Swift kernels' (same operations in the same
/// order; `KernelAgreementTests` compares both paths on the same rows, bit for bit), so a report
/// does not depend on the CPU it was computed on. Every quantized type `GGUFRowDecoding` decodes
/// has one.
enum VectorBlockKernels {
    /// Whether this CPU runs them (AVX2; evaluated once).
    static let available = cmk_has_avx2() != 0

    /// A row kernel: the sums of `blocks` whole blocks at a pointer.
    typealias Kernel = @convention(c) (UnsafeRawPointer?, Int) -> cmk_lane_sums

    /// The AVX2 kernel of `type`, or nil when there is none (type or CPU).
    static func kernel(for type: GGMLType) -> Kernel? {
        guard available else { return nil }
        switch type.id {
        case GGMLType.q8_0.id: return cmk_q8_0_sums_avx2
        case GGMLType.q4_0.id: return cmk_q4_0_sums_avx2
        case GGMLType.q5_0.id: return cmk_q5_0_sums_avx2
        case GGMLType.q6_K.id: return cmk_q6_k_sums_avx2
        case GGMLType.q4_K.id: return cmk_q4_k_sums_avx2
        case GGMLType.q5_K.id: return cmk_q5_k_sums_avx2
        case GGMLType.q4_1.id: return cmk_q4_1_sums_avx2
        case GGMLType.q5_1.id: return cmk_q5_1_sums_avx2
        default: return nil
        }
    }

    /// The row's statistics by the AVX2 kernel of `type`: `.some(nil)` when the row holds NaN or
    /// ±Inf (recount it value by value), `nil` when there is no such kernel (type or CPU).
    static func moments(_ row: UnsafeRawPointer, blocks: Int, type: GGMLType) -> GGUFRowMoments?? {
        guard let kernel = kernel(for: type) else { return nil }
        return .some(moments(kernel(row, blocks), count: blocks &* type.blockSize))
    }

    /// A kernel's sums as statistics (as `ScaledIntegerSums.moments` and
    /// `DoubleAccumulator.moments`), nil when a sum is not finite.
    @inline(__always)
    static func moments(_ sums: cmk_lane_sums, count: Int) -> GGUFRowMoments? {
        guard sums.sum.isFinite, sums.squares.isFinite else { return nil }
        guard count > 0 else { return .empty }
        return GGUFRowMoments(count: count, sum: sums.sum, sumOfSquares: sums.squares,
                              minimum: Double(sums.lowest), maximum: Double(sums.highest))
    }
}
