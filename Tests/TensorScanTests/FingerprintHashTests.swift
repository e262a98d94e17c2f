import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The block hash under the fingerprint (`ByteHash`): the AVX2 and portable stripe loops give
/// the same value bit for bit, the portable one matches the definition written out naively,
/// and single-byte and length changes always show.
@Suite struct FingerprintHashTests {
    /// The definition, written out from the `ByteHash` comment with nothing shared but its
    /// constants and `mix`: zero-pad to whole stripes, assemble each word byte by byte
    /// (little-endian), accumulate, fold `count` and then every accumulator.
    static func referenceHash(_ bytes: [UInt8]) -> UInt64 {
        let keys = (0..<8).map { ByteHash.keys[$0] }
        var acc = (0..<8).map { ByteHash.seeds[$0] }
        var padded = bytes
        while padded.count % 64 != 0 { padded.append(0) }
        var stripe = 0
        while stripe < padded.count {
            var w = [UInt64](repeating: 0, count: 8)
            for j in 0..<8 {
                for b in 0..<8 { w[j] |= UInt64(padded[stripe + 8 * j + b]) << (8 * UInt64(b)) }
            }
            for j in 0..<8 {
                let dk = w[j] ^ keys[j]
                acc[j] = acc[j] &+ w[j ^ 1] &+ (dk & 0xFFFF_FFFF) &* (dk >> 32)
            }
            stripe += 64
        }
        var h = ByteHash.mix(UInt64(bytes.count))
        for a in acc { h = ByteHash.mix(h ^ a) }
        return h
    }

    static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Every length up to a few stripes, and around a 4 KiB page and a 64 KiB block.
    static let lengths = Array(0...200) + [4095, 4096, 65535, 65536, 65537]

    @Test("AVX2 and portable stripe loops give identical hashes for every length and start offset 0...7",
          .enabled(if: MomentKernels.hasAVX2))
    func wideEqualsPortable() {
        let bytes = Self.randomBytes(65537 + 8, seed: 42)
        bytes.withUnsafeBytes { all in
            for offset in 0...7 {
                for length in Self.lengths {
                    let p = all.baseAddress! + offset
                    #expect(ByteHash.hash(p, length) == ByteHash.hash(p, length, portable: true),
                            "length \(length), offset \(offset)")
                }
            }
        }
    }

    @Test("the portable hash equals a naive reference written from the definition")
    func portableEqualsReference() {
        let bytes = Self.randomBytes(65537 + 8, seed: 7)
        bytes.withUnsafeBytes { all in
            for offset in [0, 1, 3, 7] {
                for length in Self.lengths {
                    let expected = Self.referenceHash(Array(bytes[offset..<(offset + length)]))
                    #expect(ByteHash.hash(all.baseAddress! + offset, length, portable: true) == expected,
                            "length \(length), offset \(offset)")
                    #expect(ByteHash.hash(all.baseAddress! + offset, length) == expected,
                            "length \(length), offset \(offset)")
                }
            }
        }
        // No bytes: the nil pointer of an empty buffer hashes like any other empty range.
        #expect(ByteHash.hash(nil, 0) == Self.referenceHash([]))
        #expect(ByteHash.hash(nil, 0, portable: true) == Self.referenceHash([]))
    }

    /// Hashes of the buffer and of every copy with one bit flipped, on both paths.
    static func singleBitFlips(_ original: [UInt8], portable: Bool) -> (UInt64, [UInt64]) {
        var bytes = original
        let base = bytes.withUnsafeBytes { ByteHash.hash($0.baseAddress, $0.count, portable: portable) }
        var flipped: [UInt64] = []
        for position in bytes.indices {
            for bit in 0..<8 {
                bytes[position] ^= 1 << bit
                flipped.append(bytes.withUnsafeBytes { ByteHash.hash($0.baseAddress, $0.count, portable: portable) })
                bytes[position] ^= 1 << bit
            }
        }
        return (base, flipped)
    }

    @Test("flipping any one bit of a 1000-byte buffer (random or all zero) changes the hash",
          arguments: [false, true])
    func everySingleBitFlipShows(portable: Bool) {
        let random = Self.singleBitFlips(Self.randomBytes(1000, seed: 3), portable: portable)
        #expect(!random.1.contains(random.0))
        // Random stripes differ, so the 8000 one-bit changes also hash apart from each other.
        #expect(Set(random.1).count == random.1.count)
        let zeros = Self.singleBitFlips([UInt8](repeating: 0, count: 1000), portable: portable)
        #expect(!zeros.1.contains(zeros.0))
    }

    @Test("zero bytes of different lengths hash differently (the tail pads with zeros, the length tells them apart)",
          arguments: [false, true])
    func zeroLengthsDiffer(portable: Bool) {
        let zeros = [UInt8](repeating: 0, count: 70_000)
        let counts = Array(0...300) + [4095, 4096, 4097, 65535, 65536, 65537, 70_000]
        let hashes = zeros.withUnsafeBytes { z in counts.map { ByteHash.hash(z.baseAddress, $0, portable: portable) } }
        #expect(Set(hashes).count == counts.count)
    }
}
