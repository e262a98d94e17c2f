import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The tie sieve's prefix reads (`SievePrefixReader`): copied with `pread`, read through the
/// mapping, or read in place from decompressed bytes, the classes are the same, and equal those
/// of a plain grouping of the bytes the fixture was written from. Lone prefixes in their part of
/// the file are copied and release nothing (no `MADV_DONTNEED` per tensor); runs of tiny tensors
/// are read through the mapping and released once.
@Suite struct PrefixSieveTests {
    /// Tensors of 1 MiB + 8 bytes (never more than two start in one 2 MiB window) and 300 of 256
    /// bytes (one run, all in one window), with shared prefixes, equal copies and differences
    /// inside and outside the prefix; their names in file order, and their bytes.
    static func fixture() -> (bytes: [UInt8], big: [(String, [UInt8])], tiny: [(String, [UInt8])]) {
        let size = (1 << 20) + 8
        let a = FingerprintTests.randomBytes(size, seed: 21)
        let b = FingerprintTests.randomBytes(size, seed: 22)
        let big: [(String, [UInt8])] = [
            ("a", a), ("b", b), ("a-copy", a),
            ("a-tail", TwinScanTests.flipped(a, at: size - 1)),           // same prefix as a
            ("a-prefix-end", TwinScanTests.flipped(a, at: TensorView.sievePrefixBytes - 1)),  // differs in the prefix
            ("a-after-prefix", TwinScanTests.flipped(a, at: TensorView.sievePrefixBytes)),    // same prefix as a
            ("b-copy", b), ("c", FingerprintTests.randomBytes(size, seed: 23)),
            ("a-prefix-end-copy", TwinScanTests.flipped(a, at: TensorView.sievePrefixBytes - 1)),
        ]
        // Five patterns, drawn in a seeded order: classes interleave inside the run.
        let patterns = (0..<5).map { FingerprintTests.randomBytes(256, seed: 30 + UInt64($0)) }
        var rng = SeededRandom(seed: 40)
        let tiny: [(String, [UInt8])] = (0..<300).map { k in ("t\(k)", patterns[Int(rng.next() % 5)]) }
        let entries = (big + tiny).map { SafetensorsWriter.Entry(name: $0.0, dtype: .u8, shape: [UInt64($0.1.count)], bytes: $0.1) }
        return (SafetensorsWriter(entries: entries).serialize(), big, tiny)
    }

    /// Classes by a plain grouping of the written bytes: equal first `sievePrefixBytes` (whole
    /// tensors when shorter), in order of first appearance, classes of two or more.
    static func expectedClasses(_ tensors: [(String, [UInt8])]) -> [[Int]] {
        var order: [[UInt8]] = []
        var members: [[UInt8]: [Int]] = [:]
        for (k, tensor) in tensors.enumerated() {
            let prefix = Array(tensor.1.prefix(TensorView.sievePrefixBytes))
            if members[prefix] == nil { order.append(prefix) }
            members[prefix, default: []].append(k)
        }
        return order.compactMap { members[$0]!.count > 1 ? members[$0]! : nil }
    }

    /// The classes and the reader's counts, with `mappedRunLength` as given.
    static func sieve(_ views: [TensorView], mappedRunLength: Int = SievePrefixReader.mappedRunLength)
        -> (classes: [[Int]], copies: Int, mapped: Int, releases: Int) {
        let positions = Array(views.indices)
        var reader = SievePrefixReader(views, at: positions, mappedRunLength: mappedRunLength)
        let classes = TensorView.samePrefixClasses(views, at: positions, reader: &reader)
        reader.finish()
        return (classes, reader.copies, reader.mappedReads, reader.releases)
    }

    @Test("copied, mapped and in-place prefixes give the classes of a plain grouping; lone prefixes release nothing")
    func classesAndReads() throws {
        let (bytes, big, tiny) = Self.fixture()
        let expectedBig = Self.expectedClasses(big)
        let expectedTiny = Self.expectedClasses(tiny)
        // The fixture exercises what it should: classes in both buckets, a difference in the prefix.
        #expect(expectedBig == [[0, 2, 3, 5], [1, 6], [4, 8]])
        #expect(expectedTiny.count == 5)

        let file = try SafetensorsFile(path: Fixtures.temporaryFile(bytes))
        let bigViews = try big.map { try file.tensor(named: $0.0) }
        let tinyViews = try tiny.map { try file.tensor(named: $0.0) }

        // Default: big tensors copied (nothing mapped, nothing released), the run mapped and released once.
        let lone = Self.sieve(bigViews)
        #expect(lone.classes == expectedBig)
        #expect(lone.mapped == 0 && lone.releases == 0)
        #expect(lone.copies >= big.count)
        let run = Self.sieve(tinyViews)
        #expect(run.classes == expectedTiny)
        #expect(run.copies == 0)
        #expect(run.releases == 1)

        // Every tensor's prefix through the mapping (leaders outside the window being read are
        // still copied), and every prefix copied.
        let allMapped = Self.sieve(bigViews, mappedRunLength: 1)
        #expect(allMapped.classes == expectedBig)
        #expect(allMapped.mapped >= big.count && allMapped.releases > 0)
        let allCopied = Self.sieve(tinyViews, mappedRunLength: .max)
        #expect(allCopied.classes == expectedTiny)
        #expect(allCopied.mapped == 0 && allCopied.releases == 0 && allCopied.copies >= tiny.count)

        // The public entry point agrees.
        #expect(TensorView.samePrefixClasses(bigViews) == expectedBig)
        #expect(TensorView.samePrefixClasses(tinyViews) == expectedTiny)
    }

    @Test("decompressed (anonymous) bytes are read in place: no copies, no releases")
    func anonymousBytes() throws {
        let (bytes, big, tiny) = Self.fixture()
        let mapping = try MappedFile(anonymousCapacity: bytes.count, label: "fixture (in memory)") { buffer in
            buffer.copyBytes(from: bytes)
            return bytes.count
        }
        let file = try SafetensorsFile(mapping: mapping)
        for tensors in [big, tiny] {
            let views = try tensors.map { try file.tensor(named: $0.0) }
            for runLength in [1, SievePrefixReader.mappedRunLength, .max] {
                let result = Self.sieve(views, mappedRunLength: runLength)
                #expect(result.classes == Self.expectedClasses(tensors))
                #expect(result.copies == 0 && result.mapped == 0 && result.releases == 0)
            }
        }
    }

    @Test("a file replaced since it was mapped is not copied from: the mapping is read")
    func replacedFile() throws {
        let (bytes, big, _) = Self.fixture()
        let path = try Fixtures.temporaryFile(bytes)
        let file = try SafetensorsFile(path: path)
        let views = try big.map { try file.tensor(named: $0.0) }
        // Another file of the same size under the same name: reading it would give other classes.
        let other = path + ".new"
        try Data(FingerprintTests.randomBytes(bytes.count, seed: 99)).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, path) == 0)
        let result = Self.sieve(views, mappedRunLength: .max)
        #expect(result.classes == Self.expectedClasses(big))
        #expect(result.copies == 0 && result.mapped > 0)
    }

    @Test("a copier refuses ranges past the mapped size and copies exact bytes")
    func copierBounds() throws {
        let bytes = FingerprintTests.randomBytes(10_000, seed: 5)
        let mapping = try MappedFile(path: Fixtures.temporaryFile(bytes, name: "plain.bin"))
        let copier = try #require(mapping.copier())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
        defer { buffer.deallocate() }
        #expect(copier.copy(offset: 9_900, into: buffer))
        #expect(Array(buffer) == Array(bytes[9_900..<10_000]))
        #expect(!copier.copy(offset: 9_901, into: buffer))
        #expect(!copier.copy(offset: .max, into: buffer))
    }
}
