import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The blockwise fingerprint: standalone, batched and computed during the row pass agree with
/// a naive fold over the blocks, and the row statistics are those of `rowMoments()`.
@Suite struct FingerprintTests {
    /// The definition, written out: hash every 64 KiB block of a copy of the bytes, fold in order.
    static func naiveFingerprint(_ bytes: [UInt8]) -> UInt64 {
        let size = TensorView.fingerprintBlockBytes
        var h = ByteHash.mix(UInt64(bytes.count))
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            h = ByteHash.mix(h ^ bytes.withUnsafeBytes { ByteHash.hash($0.baseAddress.map { $0 + start }, end - start) })
            start += size
        }
        return h
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        // Bytes of small floats, so every dtype below decodes to finite values.
        var bytes = [UInt8](repeating: 0, count: count)
        var word: UInt64 = 0
        for k in 0..<count {
            if k % 8 == 0 { word = rng.next() & 0x3FFF_3FFF_3FFF_3FFF }
            bytes[k] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(k % 8)))
        }
        return bytes
    }

    /// A file holding one tensor per spec, filled with `randomBytes` (seeds `firstSeed`,
    /// `firstSeed + 1`, …), and each tensor's bytes by name.
    static func randomFile(_ specs: [(String, DType, [UInt64])], firstSeed: UInt64) throws
        -> (SafetensorsFile, [String: [UInt8]]) {
        var entries: [SafetensorsWriter.Entry] = []
        var contents: [String: [UInt8]] = [:]
        for (k, (name, dtype, shape)) in specs.enumerated() {
            let count = Int((shape.reduce(1, *) * UInt64(dtype.bitWidth) + 7) / 8)
            let bytes = randomBytes(count, seed: firstSeed + UInt64(k))
            contents[name] = bytes
            entries.append(.init(name: name, dtype: dtype, shape: shape, bytes: bytes))
        }
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        return (file, contents)
    }

    @Test("fingerprint() = fingerprints(of:) = rowMomentsAndFingerprint() = the naive fold, for sizes around blocks and pieces")
    func incrementalEqualsStandalone() throws {
        // Rows that straddle 64 KiB blocks, sizes that are not multiples of a block, a tensor
        // large enough to run on both cores, a long row split into pieces, packed F4, C64.
        let specs: [(String, DType, [UInt64])] = [
            ("tiny", .f32, [3, 5]),
            ("one-block", .f32, [16, 1024]),
            ("straddle", .f32, [300, 1001]),
            ("bf16", .bf16, [513, 1037]),
            ("f16", .f16, [129, 1000]),
            ("long", .bf16, [1_048_600]),
            ("f64", .f64, [70, 999]),
            ("u8", .u8, [333, 777]),
            ("f4", .f4, [99, 2222]),
            ("c64", .c64, [20, 3000]),
            ("scalar", .f32, []),
            ("empty", .f32, [0, 4]),
        ]
        let (file, contents) = try Self.randomFile(specs, firstSeed: 1)
        var views: [TensorView] = []
        for (name, _, _) in specs {
            let view = try file.tensor(named: name)
            views.append(view)
            let expected = Self.naiveFingerprint(try #require(contents[name]))
            #expect(view.fingerprint() == expected, "\(name)")
            let both = view.rowMomentsAndFingerprint()
            #expect(both.fingerprint == expected, "\(name)")
            #expect(both.rows == view.rowMoments(), "\(name)")
        }
        #expect(TensorView.fingerprints(of: views) == specs.map { Self.naiveFingerprint(contents[$0.0] ?? []) })
    }

    @Test("one flipped bit in the last block changes the fingerprint")
    func flippedBit() throws {
        var bytes = Self.randomBytes(200_000, seed: 9)
        let original = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "t", dtype: .u8, shape: [200, 1000], bytes: bytes)]).serialize()))
        bytes[199_999] ^= 1
        let flipped = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "t", dtype: .u8, shape: [200, 1000], bytes: bytes)]).serialize()))
        let a = try original.tensor(named: "t"), b = try flipped.tensor(named: "t")
        #expect(a.rowMomentsAndFingerprint().fingerprint != b.rowMomentsAndFingerprint().fingerprint)
        #expect(a.fingerprint() != b.fingerprint())
    }
}
