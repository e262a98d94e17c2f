import SafetensorsFormat

/// Fast exact-equality helpers: a 64-bit fingerprint to bucket candidates and byte
/// comparisons to confirm them.
///
/// Why not SHA-256: it runs at ~2 GB/s here; equality needs a hash only to avoid comparing all
/// pairs, and every group is confirmed with `memcmp`, so a collision costs a comparison, never
/// a wrong answer. The hash below runs four independent multiply-rotate lanes (memory-bound on
/// this machine).
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
        RowScan.run(views.map { .fingerprint(of: $0) }) { $1.fingerprint ?? 0 }
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
        switch dtype {
        case .f4:
            guard b[0] & 0x0F == b[0] >> 4 else { return false }
            return Self.periodic(b, period: 1)
        case .f6E2M3, .f6E3M2:
            let group = UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16
            let code = group & 0x3F
            guard (0..<4).allSatisfy({ (group >> (6 * UInt32($0))) & 0x3F == code }) else { return false }
            return Self.periodic(b, period: 3)
        default:
            return Self.periodic(b, period: dtype.bitWidth / 8)
        }
    }

    static func periodic(_ b: UnsafeRawBufferPointer, period: Int) -> Bool {
        guard b.count > period else { return true }
        return memcmpEqual(UnsafeRawBufferPointer(rebasing: b[0..<(b.count - period)]),
                           UnsafeRawBufferPointer(rebasing: b[period..<b.count]))
    }

    /// True when rows `a` and `b` hold the same element bit patterns (out-of-range rows are
    /// never equal).
    public func rowHasSameBytes(_ a: Int, as b: Int) -> Bool {
        guard (0..<rowCount).contains(a), (0..<rowCount).contains(b) else { return false }
        if a == b { return true }
        let bits = rowLength * dtype.bitWidth
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

/// Four-lane multiply-rotate hash over raw bytes, finished with a SplitMix-style mixer.
enum ByteHash {
    static let primes: (UInt64, UInt64, UInt64, UInt64) =
        (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)

    /// Rotate, then multiply: with the rotation after the multiply (`rotl(x·p)`), LLVM
    /// rewrote it as two multiplies (`x·p >> 33 | x·(p << 31)`), doubling the `imul` count,
    /// which is what limits this loop (measured 9 → 16 GB/s on one core).
    @inline(__always)
    static func lane(_ acc: UInt64, _ word: UInt64, _ prime: UInt64) -> UInt64 {
        let x = acc ^ word
        return ((x << 31) | (x >> 33)) &* prime
    }

    static func hash(_ base: UnsafeRawPointer?, _ count: Int) -> UInt64 {
        var a = primes.0, b = primes.1, c = primes.2, d = primes.3
        var i = 0
        if let base {
            while i &+ 32 <= count {
                a = lane(a, base.loadUnaligned(fromByteOffset: i, as: UInt64.self), primes.0)
                b = lane(b, base.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self), primes.1)
                c = lane(c, base.loadUnaligned(fromByteOffset: i &+ 16, as: UInt64.self), primes.2)
                d = lane(d, base.loadUnaligned(fromByteOffset: i &+ 24, as: UInt64.self), primes.3)
                i &+= 32
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < count {
                tail |= UInt64(base.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                if shift == 64 {
                    a = lane(a, tail, primes.0)
                    tail = 0
                    shift = 0
                }
                i += 1
            }
            b = lane(b, tail, primes.1)
        }
        return mix(a ^ mix(b) ^ mix(c ^ 0x5555) ^ mix(d ^ 0xAAAA) ^ UInt64(truncatingIfNeeded: count))
    }

    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
