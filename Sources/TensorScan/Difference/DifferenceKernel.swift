import CMomentKernels
import SafetensorsFormat

/// One chunk of an element-wise comparison: A's values against B's, each read in its own dtype
/// and widened to `Double` (exact for every dtype we decode).
///
/// Why two paths with one answer: the AVX2 loop (`cmk_difference_avx2`, DifferenceKernelAVX2.c)
/// reads F64/F32/BF16/F16 straight from the mapped bytes, four doubles per side per step (the
/// AVX-512 loop eight, with the same additions in the same order); other
/// dtypes (integers, FP8, packed F4/F6) and CPUs without AVX2 decode into `Double` buffers
/// first. Both sum in four lanes (element i in lane i % 4, lanes combined as
/// (l0 + l1) + (l2 + l3), then the tail in order) without fused multiply-add, so the portable
/// loop below gives the same bits (tests compare them).
enum DifferenceKernel {
    /// Elements per chunk: two 64 KiB double buffers when a side must be decoded.
    static let chunkElements = 8192

    static let hasAVX2 = cmk_has_avx2() != 0
    static let hasF16C = cmk_has_f16c() != 0

    /// Which loop compares: the portable one on decoded doubles, or a C loop reading the
    /// supported kinds straight from the bytes, four values a step (AVX2) or eight (AVX-512,
    /// `cmk_difference_avx512`: the same additions in the same order). All three give the same
    /// bits; tests run each this CPU has.
    enum Loop: CaseIterable, Sendable {
        case portable, avx2, avx512

        /// The fastest loop this CPU runs (checked once).
        static let best: Loop = cmk_has_avx512() != 0 && hasAVX2 ? .avx512 : (hasAVX2 ? .avx2 : .portable)

        /// Whether this CPU runs the loop.
        var isAvailable: Bool {
            switch self {
            case .portable: true
            case .avx2: hasAVX2
            case .avx512: Loop.best == .avx512
            }
        }
    }

    /// The C loop `loop` (`.avx2` or `.avx512`) over `count` values of kind `ka` at `pa` and `kb`
    /// at `pb`.
    static func direct(_ pa: UnsafeRawPointer, _ ka: Int32, _ pb: UnsafeRawPointer, _ kb: Int32, count: Int,
                       loop: Loop = .best) -> cmk_difference_sums {
        var sums = cmk_difference_sums()
        if loop == .avx512 {
            cmk_difference_avx512(pa, ka, pb, kb, count, &sums)
        } else {
            cmk_difference_avx2(pa, ka, pb, kb, count, &sums)
        }
        return sums
    }

    /// The kernel's direct kind for `dtype` (C64 is read as its float parts), or `nil`.
    static func kind(_ dtype: DType) -> Int32? {
        switch dtype {
        case .f64: return Int32(CMK_KIND_F64)
        case .f32, .c64: return Int32(CMK_KIND_F32)
        case .bf16: return Int32(CMK_KIND_BF16)
        case .f16: return hasF16C ? Int32(CMK_KIND_F16) : nil
        default: return nil
        }
    }

    /// Bytes of one value of a direct kind other than Q8_0 (F64, F32 and C64's parts, BF16, F16).
    static func width(ofKind kind: Int32) -> Int {
        kind == Int32(CMK_KIND_F64) ? 8 : kind == Int32(CMK_KIND_F32) ? 4 : 2
    }

    /// Compares `count` (≤ `chunkElements`) values from value index `start` of `a` and of `b`
    /// (C64: float parts). `scratchA`/`scratchB` hold `chunkElements` doubles each.
    /// `startB`: B's first value index when it differs from A's (rows a converter permuted).
    static func sums(_ a: UnsafeRawBufferPointer, _ dtypeA: DType, _ b: UnsafeRawBufferPointer, _ dtypeB: DType,
                     start: Int, count: Int, startB: Int? = nil, scratchA: UnsafeMutablePointer<Double>,
                     scratchB: UnsafeMutablePointer<Double>, loop: Loop = .best) -> cmk_difference_sums {
        guard count > 0, let baseA = a.baseAddress, let baseB = b.baseAddress else { return cmk_difference_sums() }
        let startB = startB ?? start
        if loop != .portable {
            let (pa, ka) = direct(a, baseA, dtypeA, start: start, count: count, scratch: scratchA)
            let (pb, kb) = direct(b, baseB, dtypeB, start: startB, count: count, scratch: scratchB)
            return direct(pa, ka, pb, kb, count: count, loop: loop)
        }
        decode(a, dtypeA, start: start, count: count, into: scratchA)
        decode(b, dtypeB, start: startB, count: count, into: scratchB)
        return portableSums(scratchA, scratchB, count)
    }

    /// `sums` against B's values already decoded into `decodedB` (`count` doubles; a permuted
    /// vector gathered into A's order).
    static func sums(_ a: UnsafeRawBufferPointer, _ dtypeA: DType, start: Int, count: Int, decodedB: UnsafePointer<Double>,
                     scratchA: UnsafeMutablePointer<Double>, loop: Loop = .best) -> cmk_difference_sums {
        guard count > 0, let baseA = a.baseAddress else { return cmk_difference_sums() }
        if loop != .portable {
            let (pa, ka) = direct(a, baseA, dtypeA, start: start, count: count, scratch: scratchA)
            return direct(pa, ka, UnsafeRawPointer(decodedB), Int32(CMK_KIND_F64), count: count, loop: loop)
        }
        decode(a, dtypeA, start: start, count: count, into: scratchA)
        return portableSums(scratchA, decodedB, count)
    }

    /// The pointer and kind the AVX2 loop reads for one side: the mapped bytes when it reads
    /// the dtype itself, else `scratch` filled with decoded doubles.
    private static func direct(_ bytes: UnsafeRawBufferPointer, _ base: UnsafeRawPointer, _ dtype: DType, start: Int, count: Int,
                               scratch: UnsafeMutablePointer<Double>) -> (UnsafeRawPointer, Int32) {
        if let kind = kind(dtype) { return (base + start * width(ofKind: kind), kind) }
        decode(bytes, dtype, start: start, count: count, into: scratch)
        return (UnsafeRawPointer(scratch), Int32(CMK_KIND_F64))
    }

    /// Values `start ..< start + count` as doubles (C64: float parts).
    static func decode(_ bytes: UnsafeRawBufferPointer, _ dtype: DType, start: Int, count: Int, into out: UnsafeMutablePointer<Double>) {
        switch dtype {
        case .f32, .c64:
            for i in 0..<count {
                out[i] = Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 4, as: UInt32.self))))
            }
        case .bf16:
            for i in 0..<count {
                let bits = UInt32(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 2, as: UInt16.self))) << 16
                out[i] = Double(Float(bitPattern: bits))
            }
        case .f64:
            for i in 0..<count {
                out[i] = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: (start + i) * 8, as: UInt64.self)))
            }
        default:
            for i in 0..<count { out[i] = decodeElement(dtype, bytes, start + i) }
        }
    }

    /// C64: `sums`' per-value counts and maximum taken over complex values instead of float
    /// parts, over the `count` float parts from `start` (both even: whole complex values) of
    /// `a` and `b`. A value differs when either part does (by the part rule: NaN facing NaN is
    /// equal), is a NaN mismatch when either part is NaN facing a number, and its difference is
    /// the modulus |a − b| = √(Δre² + Δim²), numpy's `abs(a - b)` (in doubles, as every dtype
    /// here: no float32 rounding). The sums of squares need no change: |a − b|² is the sum of
    /// the parts' squares. Why: `max_abs_diff` of 3+4i against 0 was 4, the largest part,
    /// where README and numpy say |a − b| = 5, and `differing_elements` counted parts.
    /// A second pass over a chunk still in cache, for C64 pairs only.
    static func complexValueSums(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, start: Int, count: Int,
                                 into sums: inout cmk_difference_sums) {
        func part(_ bytes: UnsafeRawBufferPointer, _ k: Int) -> Double {
            Double(Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self))))
        }
        var maxAbs = 0.0
        var differing: UInt64 = 0, nans: UInt64 = 0
        var k = start
        while k + 1 < start + count {
            defer { k += 2 }
            let (ar, ai, br, bi) = (part(a, k), part(a, k + 1), part(b, k), part(b, k + 1))
            let sameRe = ar == br || (ar.isNaN && br.isNaN), sameIm = ai == bi || (ai.isNaN && bi.isNaN)
            if sameRe && sameIm { continue }
            differing += 1
            if ar.isNaN != br.isNaN || ai.isNaN != bi.isNaN {
                nans += 1
                continue
            }
            let re = sameRe ? 0 : abs(ar - br), im = sameIm ? 0 : abs(ai - bi)
            // Parts are floats: their squares cannot overflow a double.
            let modulus = (re * re + im * im).squareRoot()
            if modulus > maxAbs { maxAbs = modulus }
        }
        sums.max_abs = maxAbs
        sums.differing = differing
        sums.nan_mismatches = nans
    }

    /// The AVX2 loop's arithmetic, lane for lane, on decoded values.
    static func portableSums(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ count: Int) -> cmk_difference_sums {
        var reference = (0.0, 0.0, 0.0, 0.0), difference = (0.0, 0.0, 0.0, 0.0)
        var sums = cmk_difference_sums()
        func step(_ x: Double, _ y: Double, _ ref: inout Double, _ dif: inout Double) {
            if x.isFinite { ref += x * x }
            if x == y || (x.isNaN && y.isNaN) { return }
            sums.differing += 1
            if x.isNaN || y.isNaN {
                sums.nan_mismatches += 1
                return
            }
            let d = abs(x - y)
            if d > sums.max_abs { sums.max_abs = d }
            dif += d * d
        }
        var i = 0
        while i + 4 <= count {
            step(a[i], b[i], &reference.0, &difference.0)
            step(a[i + 1], b[i + 1], &reference.1, &difference.1)
            step(a[i + 2], b[i + 2], &reference.2, &difference.2)
            step(a[i + 3], b[i + 3], &reference.3, &difference.3)
            i += 4
        }
        var ref = (reference.0 + reference.1) + (reference.2 + reference.3)
        var dif = (difference.0 + difference.1) + (difference.2 + difference.3)
        while i < count {
            step(a[i], b[i], &ref, &dif)
            i += 1
        }
        sums.reference_squares = ref
        sums.difference_squares = dif
        return sums
    }
}
