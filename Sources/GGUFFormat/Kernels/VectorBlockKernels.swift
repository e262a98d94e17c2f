import CMomentKernels

/// The AVX2 row kernels (`Sources/CMomentKernels/GGUFBlockKernelsAVX2.c`), chosen at run time:
/// the package targets baseline x86-64, where the Swift kernels' per-block horizontal sums and
/// scalar scale conversions cost 40+ cycles a block (Q8_0 2.2 GB/s per core).
///
/// Their sums are bit-identical to the portable Swift kernels' (same operations in the same
/// order; `KernelAgreementTests` compares both paths on the same rows, bit for bit), so a report
/// does not depend on the CPU it was computed on. Every quantized type `GGUFRowDecoding` decodes
/// has one.
///
/// What bounds them (measured, C harness over the kernels, one core, rows of 4,096 values): the
/// vector ports, not the ordered chain of double additions. Cutting that chain into independent
/// sums, or interleaving two or four rows so their chains overlap, gained nothing (and four
/// interleaved rows lost 40–50% from memory). So Q6_K, Q5_0, Q4_0 and Q8_0 keep their codes as bytes
/// (Σq by `vpsadbw`, Σq² by `vpmaddubsw`, extreme codes by byte min/max trees): Q6_K 4.1 → 8.6,
/// Q5_0 4.6 → 6.8, Q4_0 4.8 → 7.3 GB/s, Q8_0 8.8 → 11.3 GB/s without the code −128 (batches holding it keep 16-bit units); the affine kernels (Q4_1, Q5_1, and Q4_K/Q5_K without
/// AVX-512) keep their extremes in eight float lanes instead of four: +10–20% (Q4_1 2.0 → 2.3,
/// Q5_1 2.1 → 2.4, Q4_K 1.8 → 2.1, Q5_K 2.0 → 2.4 GB/s). Rows whose extreme is ±0 (where lane order
/// decides the sign) are redone in the Swift order.
///
/// Q4_K, Q5_K, Q4_1 and Q5_1 have AVX2 any-order kernels (the same check as the AVX-512 ones
/// below, made with AVX2; `AnyOrderPath`), used where the CPU has no AVX-512.
///
/// Q8_0, Q4_0, Q4_1, Q5_1, Q4_K and Q5_K have AVX-512 kernels too
/// (`GGUFExactSumKernelsAVX512.c`), chosen where the CPU has AVX-512 F/BW/DQ/VL/VNNI/VBMI: they
/// add a row's blocks in any order, eight (sub-)blocks at a time, when a per-row check on the
/// scales and the total proves that no addition rounds (then every order, the ordered one
/// included, gives the same bits; for Q4_K/Q5_K the check also proves every float32 value
/// d·sc·q − dmin·m exact, for Q4_1/Q5_1 every d·q + m, so the sums can come from integer code
/// sums), and call the ordered
/// AVX2 kernel otherwise. Q4_K 1.5 → 5.4 GB/s, Q5_K 1.8 → 6.3 GB/s per core (C harness, rows
/// shaped like the bench file's). Measured 6.8 → 13.5 GB/s (Q8_0) and
/// 3.2 → 8.7 GB/s (Q4_0) per core on rows with scales within one binade, as in quantized real
/// weights (`gguf-kernel-bench`); a row that fails the check costs both passes (Q8_0 4.8,
/// Q4_0 2.5 GB/s on rows whose scales span 15 binades). Q4_1 2.2 → 6.5–7.5, Q5_1 2.2 → 6.3–8.2
/// GB/s per core (C harness); every row of N(0, 0.02²) values quantized by gguf-py passes.
///
/// Q6_K has an AVX-512 kernel of its own (`GGUFQ6KKernelAVX512.c`): the AVX2 kernel's exact
/// per-unit terms from VNNI code sums, added in any order under the same check, else in the
/// AVX2 kernel's order; a row that looks bound to fail the check (its Σx² so far past the limit,
/// or projected a quarter past it, after its first block and every fourth) goes to the ordered
/// path. `Benchmarks/ggufkernels.c`, 64 MiB of random rows: 10.3 → 18.4–19.4 GB/s per core on
/// rows of 1,024 values (the check passes), 10.7 → 12.6 on rows of 4,096 (it fails; the ordered
/// path alone 13.0–13.8, bound by its chain of additions).
enum VectorBlockKernels {
    /// Whether this CPU runs them (AVX2; evaluated once).
    static let available = cmk_has_avx2() != 0

    /// Whether this CPU runs the AVX-512 any-order kernels (evaluated once).
    static let wideAvailable = available && cmk_has_avx512_quant() != 0

    /// A row kernel: the sums of `blocks` whole blocks at a pointer.
    typealias Kernel = @convention(c) (UnsafeRawPointer?, Int) -> cmk_lane_sums

    /// The AVX2 kernel of `type`, or nil when there is none (type or CPU).
    static func kernel(for type: GGMLType) -> Kernel? {
        guard available else { return nil }
        switch type.id {
        case GGMLType.q8_0.id: return wideAvailable ? cmk_q8_0_sums_avx512 : cmk_q8_0_sums_avx2
        case GGMLType.q4_0.id: return wideAvailable ? cmk_q4_0_sums_avx512 : cmk_q4_0_sums_avx2
        case GGMLType.q5_0.id: return cmk_q5_0_sums_avx2
        case GGMLType.q6_K.id: return wideAvailable ? cmk_q6_k_sums_avx512 : cmk_q6_k_sums_avx2
        case GGMLType.q4_K.id: return wideAvailable ? cmk_q4_k_sums_avx512 : cmk_q4_k_sums_exact_avx2
        case GGMLType.q5_K.id: return wideAvailable ? cmk_q5_k_sums_avx512 : cmk_q5_k_sums_exact_avx2
        case GGMLType.q4_1.id: return wideAvailable ? cmk_q4_1_sums_avx512 : cmk_q4_1_sums_exact_avx2
        case GGMLType.q5_1.id: return wideAvailable ? cmk_q5_1_sums_avx512 : cmk_q5_1_sums_exact_avx2
        default: return nil
        }
    }

    /// Every Q6_K row kernel this CPU runs, by name, for tests that hold each one to the portable
    /// kernel: the AVX2 one, and on CPUs with the AVX-512 quantized kernels the default AVX-512
    /// one (any order when its check passes) and its ordered path alone.
    static var q6KKernels: [(name: String, kernel: Kernel)] {
        guard available else { return [] }
        let wide: [(name: String, kernel: Kernel)] = wideAvailable
            ? [("avx512", cmk_q6_k_sums_avx512), ("avx512 ordered", cmk_q6_k_ordered_avx512)] : []
        return [("avx2", cmk_q6_k_sums_avx2)] + wide
    }

    /// The row's statistics by the AVX2 kernel of `type`: `.some(nil)` when the row holds NaN or
    /// ±Inf (recount it value by value), `nil` when there is no such kernel (type or CPU).
    static func moments(_ row: UnsafeRawPointer, blocks: Int, type: GGMLType) -> GGUFRowMoments?? {
        guard let kernel = kernel(for: type) else { return nil }
        return .some(moments(kernel(row, blocks), count: blocks &* type.blockSize))
    }

    /// The instruction sets with any-order kernels: AVX-512 for Q8_0, Q4_0, Q4_K, Q5_K, Q4_1, Q5_1
    /// and Q6_K; AVX2 for Q4_K, Q5_K, Q4_1 and Q5_1, the default on CPUs without AVX-512 (ordered
    /// AVX2 Q4_K 1.8 → 4.8, Q5_K 2.0 → 5.4 GB/s per core, `Benchmarks/ggufkernels.c`, 16 KiB of
    /// rows; Q4_1 1.4–1.75 → 5.2–5.9, Q5_1 1.2–1.85 → 5.2–5.9 over several runs on its rows of
    /// 4,096 random codes with scales in one binade, Zen 3).
    enum AnyOrderPath: String, CaseIterable, Sendable {
        case avx2, avx512
    }

    typealias AnyOrderKernel = @convention(c) (UnsafeRawPointer?, Int, UnsafeMutablePointer<cmk_lane_sums>?) -> Int32

    /// The any-order kernel of `type` on `path`, nil when there is none (type or CPU).
    static func anyOrderKernel(for type: GGMLType, path: AnyOrderPath) -> AnyOrderKernel? {
        switch path {
        case .avx2:
            guard available else { return nil }
            switch type.id {
            case GGMLType.q4_K.id: return cmk_q4_k_any_order_avx2
            case GGMLType.q5_K.id: return cmk_q5_k_any_order_avx2
            case GGMLType.q4_1.id: return cmk_q4_1_any_order_avx2
            case GGMLType.q5_1.id: return cmk_q5_1_any_order_avx2
            default: return nil
            }
        case .avx512:
            guard wideAvailable else { return nil }
            switch type.id {
            case GGMLType.q8_0.id: return cmk_q8_0_any_order_avx512
            case GGMLType.q4_0.id: return cmk_q4_0_any_order_avx512
            case GGMLType.q4_K.id: return cmk_q4_k_any_order_avx512
            case GGMLType.q5_K.id: return cmk_q5_k_any_order_avx512
            case GGMLType.q4_1.id: return cmk_q4_1_any_order_avx512
            case GGMLType.q5_1.id: return cmk_q5_1_any_order_avx512
            case GGMLType.q6_K.id: return cmk_q6_k_any_order_avx512
            default: return nil
            }
        }
    }

    /// The any-order path alone, for tests that must tell the two paths apart: the row's
    /// statistics when its exactness check passes, nil when the row must be summed in order (or
    /// there is no such kernel for `type` on `path` on this CPU).
    static func anyOrderMoments(_ row: UnsafeRawPointer, blocks: Int, type: GGMLType,
                                path: AnyOrderPath = .avx512) -> GGUFRowMoments? {
        guard let kernel = anyOrderKernel(for: type, path: path) else { return nil }
        var sums = cmk_lane_sums()
        guard kernel(row, blocks, &sums) != 0 else { return nil }
        return moments(sums, count: blocks &* type.blockSize)
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
