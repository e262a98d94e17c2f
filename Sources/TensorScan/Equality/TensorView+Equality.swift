import CheckpointIO
import CMomentKernels
import SafetensorsFormat

/// Fast exact-equality helpers: a 64-bit fingerprint to bucket candidates and byte
/// comparisons to confirm them.
///
/// Why not SHA-256: it runs at ~2 GB/s here; equality needs a hash only to avoid comparing all
/// pairs, and every group is confirmed with `memcmp`, so a collision costs a comparison, never
/// a wrong answer. The hash below (`ByteHash`) is an XXH3-style stripe accumulate, AVX2 where
/// the CPU has it.
///
/// Why blockwise: the fingerprint hashes fixed 64 KiB blocks and folds the block hashes in
/// order, so it can be computed standalone (blocks in parallel on all cores) or alongside the
/// row statistics (`rowMomentsAndFingerprint`), each block hashed right after its rows were
/// reduced, while it is still in cache — one read of the bytes for both, with equal results.
extension TensorView {
    /// Bytes per fingerprint block.
    static let fingerprintBlockBytes = 64 << 10

    /// A 64-bit fingerprint of the bytes (not of dtype or shape).
    public func fingerprint() -> UInt64 {
        Self.fingerprints(of: [self])[0]
    }

    /// Fingerprints of many tensors in one parallel pass over their bytes.
    public static func fingerprints(of views: [TensorView]) -> [UInt64] {
        RowScan.run(views, Array(repeating: .fingerprint, count: views.count)) { $1.fingerprint ?? 0 }
    }

    static func fingerprintBlockCount(_ byteCount: Int) -> Int {
        (byteCount + fingerprintBlockBytes - 1) / fingerprintBlockBytes
    }

    /// The fingerprint from the length and the block hashes, in block order.
    static func combinedFingerprint(byteCount: Int, _ blockHashes: some Sequence<UInt64>) -> UInt64 {
        var h = ByteHash.mix(UInt64(truncatingIfNeeded: byteCount))
        for block in blockHashes { h = ByteHash.mix(h ^ block) }
        return h
    }

    /// True when every element has the same bit pattern (also for 0 or 1 element).
    ///
    /// A tensor is constant exactly when its bytes equal themselves shifted by one element,
    /// so one `memcmp` decides it; packed F4/F6 also check the values inside the first byte
    /// or 3-byte group.
    public func isConstant() -> Bool {
        guard elementCount > 1 else { return true }
        let b = bytes
        if case .blocks = elementType {
            // Identical blocks whose one block decodes to one value (by bits).
            guard periodic(period: unitBytes), rowLength > 0 else { return false }
            let first = decodedRow(0)
            return first.allSatisfy { $0.bitPattern == first[0].bitPattern }
        }
        switch dtype {
        case .f4:
            guard b[0] & 0x0F == b[0] >> 4 else { return false }
            return periodic(period: 1)
        case .f6E2M3, .f6E3M2:
            let group = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16
            let code = group & 0x3F
            guard (0..<4).allSatisfy({ (group >> (6 * UInt32($0))) & 0x3F == code }) else { return false }
            return periodic(period: 3)
        default:
            return periodic(period: unitBytes)
        }
    }

    /// Whether the bytes equal themselves shifted by `period`, compared window by window with
    /// the pages behind released (`compareBytes`): an all-zero 256 MiB matrix mapped 256 MB.
    func periodic(period: Int) -> Bool {
        let count = bytes.count
        guard count > period else { return true }
        return compareBytes(0 ..< count - period, with: self, at: period) == 0
    }

    /// True when rows `a` and `b` hold the same element bit patterns (out-of-range rows are
    /// never equal).
    public func rowHasSameBytes(_ a: Int, as b: Int) -> Bool {
        guard (0..<rowCount).contains(a), (0..<rowCount).contains(b) else { return false }
        if a == b { return true }
        let bits = rowBits
        let all = bytes
        if bits % 8 == 0 {
            let n = bits / 8
            return memcmpEqual(UnsafeRawBufferPointer(rebasing: all[(a * n)..<(a * n + n)]),
                               UnsafeRawBufferPointer(rebasing: all[(b * n)..<(b * n + n)]))
        }
        // Packed rows that do not start on a byte: compare decoded codes (the F4/F6 tables
        // are injective, ±0 included).
        let length = rowLength
        for k in 0..<length where decodeElement(dtype, all, a * length + k).bitPattern
            != decodeElement(dtype, all, b * length + k).bitPattern {
            return false
        }
        return true
    }
}

extension TensorView {
    /// A total order on rows by their element bit patterns (byte order for whole-byte rows,
    /// decoded codes for packed ones): rows that compare equal both ways hold the same bytes.
    /// Lets a group of rows with equal statistics be split by sorting, O(k log k) comparisons,
    /// where comparing each row with every distinct one was O(k²) on rows that permute the same
    /// values. Out-of-range rows order by index.
    public func rowBytesPrecede(_ a: Int, _ b: Int) -> Bool {
        guard (0..<rowCount).contains(a), (0..<rowCount).contains(b), a != b else { return a < b }
        let bits = rowBits
        let all = bytes
        if bits % 8 == 0 {
            let n = bits / 8
            guard n > 0, let base = all.baseAddress else { return false }
            return memcmpLess(base + a * n, base + b * n, n)
        }
        let length = rowLength
        for k in 0..<length {
            let x = decodeElement(dtype, all, a * length + k).bitPattern
            let y = decodeElement(dtype, all, b * length + k).bitPattern
            if x != y { return x < y }
        }
        return false
    }
}

/// Hashes the fingerprint blocks `blocks` of `bytes` into `out[block]`, in order, either all at
/// once (`finish`) or as a scan reaches the end of each block (`advance`).
struct BlockHasher {
    let bytes: UnsafeRawBufferPointer
    let out: UnsafeMutablePointer<UInt64>
    private(set) var next: Int
    let end: Int

    init(bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt64>, blocks: Range<Int>) {
        self.bytes = bytes
        self.out = out
        next = blocks.lowerBound
        end = blocks.upperBound
    }

    /// Hashes every remaining block that ends at or before byte `position`.
    @inline(__always)
    mutating func advance(to position: Int) {
        let size = TensorView.fingerprintBlockBytes
        while next < end && Swift.min((next &+ 1) &* size, bytes.count) <= position { hashNext() }
    }

    /// Hashes every remaining block.
    mutating func finish() {
        while next < end { hashNext() }
    }

    private mutating func hashNext() {
        let start = next * TensorView.fingerprintBlockBytes
        let count = Swift.min(TensorView.fingerprintBlockBytes, bytes.count - start)
        out[next] = ByteHash.hash(bytes.baseAddress.map { UnsafeRawPointer($0 + start) }, count)
        next += 1
    }
}

/// An XXH3-style accumulate over 64-byte stripes, finished with a SplitMix-style mixer.
///
/// Per stripe of eight little-endian words w[0..7], for each lane j:
/// `dk = w[j] ^ keys[j]; acc[j] &+= w[j ^ 1] &+ (dk & 0xFFFF_FFFF) &* (dk >> 32)`.
/// A tail of 1–63 bytes is zero-padded into one last stripe; the result is
/// `mix(… mix(mix(count) ^ acc[0]) … ^ acc[7])`, so lengths that pad alike still differ.
///
/// Why this shape: the previous four-lane multiply-rotate hash was bound by its chain of 64×64
/// multiplies (17 GB/s per core on L2-resident 64 KiB blocks, ~14% of `audit` CPU on a 1 GB
/// F32 file). Here each word costs one 32×32→64 multiply with no dependency between stripes,
/// which AVX2 does four lanes at a time (`vpmuludq`, see `cmk_hash_stripes_avx2`: 59 GB/s,
/// near the L2 read bandwidth) and the portable loop two at a time in SSE2 registers
/// (`pmuludq`: 28 GB/s). Every word is also added unmixed into the neighbouring lane, so a
/// product of zero loses nothing: one changed byte always changes that lane's accumulator by
/// exactly its difference, and the fold is a bijection in each accumulator, so one changed
/// byte always changes the hash.
///
/// What it gives up: addition commutes, so within one block stripes that swap places hash
/// alike (blocks are still folded in order). Good enough here, where a fingerprint only
/// buckets tensors and every group is confirmed with `memcmp`, which stops at the first
/// differing stripe.
enum ByteHash {
    /// Per-lane keys: SplitMix64 outputs seeded with the ASCII of "tensorau", made odd.
    static let keys: SIMD8<UInt64> = [
        0x8BE8_6C58_46EC_9587, 0xAC19_BDAD_EA82_6C87, 0x998F_9C0B_5A47_21B3, 0x75CB_BC75_5F84_4B31,
        0xEE5C_5C1F_5243_F199, 0x21D6_AFCE_867A_DA0F, 0x9273_1950_E8A1_C5C7, 0x8364_DFE2_E2EB_5939,
    ]
    /// Initial accumulators: the next eight outputs of the same generator.
    static let seeds: SIMD8<UInt64> = [
        0xFEF5_0DB9_4425_1AA3, 0x17DA_71C5_1F99_F2C5, 0xF4C5_3F97_C4E9_AC20, 0xF1CB_9F05_2822_BECC,
        0x3C45_2AFF_14A5_EE4E, 0x5C27_C567_6BA3_4B1D, 0x1BA2_8607_9B80_8957, 0x29F0_1D15_8FE0_20C6,
    ]

    /// The hash of `count` bytes at `base` (nil only when `count` is 0). `portable` forces the
    /// Swift stripe loop (tests compare the two paths on the same machine); both give the same
    /// value bit for bit. Only the stripe loop has two versions: the zero-padded tail stripe
    /// goes through the same loop, and the fold is this Swift code for both.
    static func hash(_ base: UnsafeRawPointer?, _ count: Int, portable: Bool = false) -> UInt64 {
        let wide = MomentKernels.hasAVX2 && !portable
        var acc = seeds
        if let base, count > 0 {
            let stripes = count / 64
            accumulate(&acc, base, stripes, wide: wide)
            let rest = count - stripes * 64
            if rest > 0 {
                var tail = SIMD8<UInt64>()
                withUnsafeMutableBytes(of: &tail) {
                    $0.copyMemory(from: UnsafeRawBufferPointer(start: base + stripes * 64, count: rest))
                }
                withUnsafeBytes(of: tail) { accumulate(&acc, $0.baseAddress!, 1, wide: wide) }
            }
        }
        var h = mix(UInt64(truncatingIfNeeded: count))
        for j in 0..<8 { h = mix(h ^ acc[j]) }
        return h
    }

    /// Adds `stripes` whole stripes at `base` into `acc`: the AVX2 kernel (`wide`, only when
    /// `MomentKernels.hasAVX2`) or the portable loop.
    @inline(__always)
    static func accumulate(_ acc: inout SIMD8<UInt64>, _ base: UnsafeRawPointer, _ stripes: Int, wide: Bool) {
        guard stripes > 0 else { return }
        if wide {
            var keys = keys
            withUnsafeMutablePointer(to: &acc) { a in
                withUnsafePointer(to: &keys) { k in
                    a.withMemoryRebound(to: UInt64.self, capacity: 8) { a in
                        k.withMemoryRebound(to: UInt64.self, capacity: 8) { k in
                            cmk_hash_stripes_avx2(base, stripes, a, k)
                        }
                    }
                }
            }
        } else {
            portableStripes(&acc, base, stripes)
        }
    }

    /// The stripe loop as four `SIMD2<UInt64>` lanes: the `& 0xFFFF_FFFF` and `>> 32` operands
    /// let LLVM emit `pmuludq` (SSE2, baseline x86-64), and swapping a pair's two words is w[j ^ 1].
    static func portableStripes(_ acc: inout SIMD8<UInt64>, _ base: UnsafeRawPointer, _ stripes: Int) {
        let k = keys
        let k0 = k.lowHalf.lowHalf, k1 = k.lowHalf.highHalf, k2 = k.highHalf.lowHalf, k3 = k.highHalf.highHalf
        var a0 = acc.lowHalf.lowHalf, a1 = acc.lowHalf.highHalf, a2 = acc.highHalf.lowHalf, a3 = acc.highHalf.highHalf
        var p = base
        for _ in 0..<stripes {
            a0 = step(a0, words(p, 0), k0)
            a1 = step(a1, words(p, 16), k1)
            a2 = step(a2, words(p, 32), k2)
            a3 = step(a3, words(p, 48), k3)
            p += 64
        }
        acc = SIMD8(lowHalf: SIMD4(lowHalf: a0, highHalf: a1), highHalf: SIMD4(lowHalf: a2, highHalf: a3))
    }

    @inline(__always)
    static func words(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD2<UInt64> {
        let w = p.loadUnaligned(fromByteOffset: offset, as: SIMD2<UInt64>.self)
        #if _endian(big)
        return SIMD2(w[0].byteSwapped, w[1].byteSwapped)
        #else
        return w
        #endif
    }

    @inline(__always)
    static func step(_ acc: SIMD2<UInt64>, _ w: SIMD2<UInt64>, _ k: SIMD2<UInt64>) -> SIMD2<UInt64> {
        let dk = w ^ k
        return acc &+ SIMD2(w[1], w[0]) &+ (dk & 0xFFFF_FFFF) &* (dk &>> 32)
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
