import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Small twins read with `pread` (`FollowerCopies`) and larger ones read in turn through the
/// mapping (`ScanPlan.process`): the copy holds the tensor's bytes at its address modulo 64, and
/// a scan of copies scattered before and after their leaders gives the same statistics,
/// fingerprints and verdicts as reading each tensor alone and comparing it with `memcmp`.
@Suite struct FollowerCopiesTests {
    /// U8 tensors of odd sizes, so their data starts at many addresses modulo 64; the last one
    /// is one byte over `FollowerCopies.largestBytes`.
    static let sizes = [1, 63, 65, 100, 4095, 4097, 64 * 1024 + 3, FollowerCopies.largestBytes, FollowerCopies.largestBytes + 1]

    static func fixture() -> (bytes: [UInt8], tensors: [(String, [UInt8])]) {
        let tensors = sizes.enumerated().map { k, size in ("t\(k)", FingerprintTests.randomBytes(size, seed: 50 + UInt64(k))) }
        let entries = tensors.map { SafetensorsWriter.Entry(name: $0.0, dtype: .u8, shape: [UInt64($0.1.count)], bytes: $0.1) }
        return (SafetensorsWriter(entries: entries).serialize(), tensors)
    }

    @Test("a copy holds the written bytes at the mapped address modulo 64; a tensor over the limit is not copied")
    func copiesKeepBytesAndAlignment() throws {
        let (bytes, tensors) = Self.fixture()
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(bytes))
        let copies = FollowerCopies()
        var residues: Set<Int> = []
        for (name, written) in tensors {
            let view = try file.tensor(named: name)
            let mapped = try #require(view.bytes.baseAddress)
            guard written.count <= FollowerCopies.largestBytes else {
                #expect(copies.copy(view) == nil, "\(name)")
                continue
            }
            let copy = try #require(copies.copy(view), "\(name)")
            let base = try #require(copy.baseAddress)
            #expect(Array(copy) == written, "\(name)")
            #expect(Int(bitPattern: base) & 63 == Int(bitPattern: mapped) & 63, "\(name)")
            #expect(base != mapped)  // a copy, not the mapping
            residues.insert(Int(bitPattern: mapped) & 63)
        }
        // The fixture's offsets do exercise the alignment: several residues.
        #expect(residues.count >= 4, "\(residues)")
    }

    @Test("decompressed (anonymous) bytes and a file replaced since it was mapped are not copied")
    func noCopier() throws {
        let (bytes, tensors) = Self.fixture()
        let mapping = try MappedFile(anonymousCapacity: bytes.count, label: "fixture (in memory)") { buffer in
            buffer.copyBytes(from: bytes)
            return bytes.count
        }
        let inMemory = try SafetensorsFile(mapping: mapping)
        #expect(FollowerCopies().copy(try inMemory.tensor(named: tensors[1].0)) == nil)

        let path = try Fixtures.temporaryFile(bytes)
        let file = try SafetensorsFile(path: path)
        let view = try file.tensor(named: tensors[1].0)
        let other = path + ".new"
        try Data(FingerprintTests.randomBytes(bytes.count, seed: 99)).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, path) == 0)
        #expect(FollowerCopies().copy(view) == nil)
    }

    @Test("scattered twins, copied or read in turn: outputs equal the scan without twins, verdicts equal memcmp")
    func scatteredTwins() throws {
        // Small (16 KiB, copied) and medium (1.5 MiB: over the copy limit, under an item) leaders,
        // each with copies before and after it, near copies that differ in the last byte, and
        // unrelated tensors between them.
        let small = FingerprintTests.randomBytes(64 * 64 * 4, seed: 60)
        let medium = FingerprintTests.randomBytes(384 * 1024 * 4, seed: 61)
        let bf16 = FingerprintTests.randomBytes(33 * 97 * 2, seed: 62)
        // (name, dtype, shape, bytes, twin name)
        var specs: [(String, DType, [UInt64], [UInt8], String?)] = []
        var rng = SeededRandom(seed: 63)
        let filler = { (k: Int) -> (String, DType, [UInt64], [UInt8], String?) in
            ("filler\(k)", .f32, [16, 33], FingerprintTests.randomBytes(16 * 33 * 4, seed: 100 + UInt64(k)), nil)
        }
        var k = 0
        func fill() {
            for _ in 0..<Int(rng.next() % 3) {
                specs.append(filler(k))
                k += 1
            }
        }
        for copy in 0..<3 {
            specs.append(("small-early\(copy)", .f32, [64, 64], small, "small"))
            fill()
        }
        specs.append(("bf16", .bf16, [33, 97], bf16, nil))
        specs.append(("medium-early", .f32, [384, 1024], medium, "medium"))
        specs.append(("small", .f32, [64, 64], small, nil))
        fill()
        specs.append(("medium", .f32, [384, 1024], medium, nil))
        for copy in 0..<3 {
            fill()
            specs.append(("small-late\(copy)", .f32, [64, 64], small, "small"))
            specs.append(("bf16-copy\(copy)", .bf16, [33, 97], bf16, "bf16"))
        }
        specs.append(("small-last-byte", .f32, [64, 64], TwinScanTests.flipped(small, at: small.count - 1), "small"))
        specs.append(("small-first-byte", .f32, [64, 64], TwinScanTests.flipped(small, at: 0, mask: 0x80), "small"))
        specs.append(("bf16-last-byte", .bf16, [33, 97], TwinScanTests.flipped(bf16, at: bf16.count - 1), "bf16"))
        fill()
        specs.append(("medium-late", .f32, [384, 1024], medium, "medium"))
        specs.append(("medium-last-byte", .f32, [384, 1024], TwinScanTests.flipped(medium, at: medium.count - 1), "medium"))
        // More than `tailBytes` after them: the scan's last `tailBytes` are cut into 1 MiB items,
        // which would split the medium tensors; before the tail each is one item.
        let bulkRows = (ScanPlan.tailBytes + (2 << 20)) / 4096
        specs.append(("bulk", .f32, [UInt64(bulkRows), 1024], FingerprintTests.randomBytes(bulkRows * 4096, seed: 64), nil))

        let entries = specs.map { SafetensorsWriter.Entry(name: $0.0, dtype: $0.1, shape: $0.2, bytes: $0.3) }
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let views = try specs.map { try file.tensor(named: $0.0) }
        let index = Dictionary(uniqueKeysWithValues: specs.enumerated().map { ($1.0, $0) })
        // Leaders first in job order, as the tie check orders them; then every other tensor.
        let plain: [RowScan.Job] = views.map { RowScan.Job.statisticsAndFingerprint(of: $0) }
        let twinned = plain.enumerated().map { i, job in specs[i].4.flatMap { index[$0] }.map { job.comparingBytes(withJob: $0) } ?? job }
        let withTwins = RowScan.run(twinned) { $1 }
        let without = RowScan.run(plain) { $1 }
        var verdicts: [Bool: Int] = [:]
        for (i, spec) in specs.enumerated() {
            #expect(withTwins[i].rows == without[i].rows, "\(spec.0)")
            #expect(withTwins[i].fingerprint == without[i].fingerprint, "\(spec.0)")
            guard let leader = spec.4.flatMap({ index[$0] }) else {
                #expect(withTwins[i].sameBytesAsTwin == nil, "\(spec.0)")
                continue
            }
            let expected = views[i].hasSameBytes(as: views[leader])
            #expect(withTwins[i].sameBytesAsTwin == expected, "\(spec.0)")
            verdicts[expected, default: 0] += 1
        }
        // Both answers are covered: 3 + 3 + 3 + 2 copies, 4 near copies.
        #expect(verdicts == [true: 11, false: 4])
    }
}
