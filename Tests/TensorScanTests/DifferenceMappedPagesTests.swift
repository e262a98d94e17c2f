import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The first pass of `DifferenceScan` reads small pairs (norms between large matrices) with
/// `pread`, so it leaves none of their pages mapped: through the mapping, each norm kept the
/// pages around it (a whole 2 MiB folio when the file sits in the page cache in large folios)
/// mapped until a later pass reached them (docs/PERFORMANCE.md, diff).
///
/// Which pages are mapped is read from `/proc/self/pagemap` (bit 63: present in this process's
/// page table), independent of the code under test.
@Suite(.serialized) struct DifferenceMappedPagesTests {
    /// Whether the page holding `address` is in this process's page table; nil when pagemap
    /// cannot be read (not Linux).
    static func isMapped(_ address: UnsafeRawPointer) -> Bool? {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let fd = open("/proc/self/pagemap", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var entry: UInt64 = 0
        let offset = off_t(Int(bitPattern: address) / page * 8)
        guard pread(fd, &entry, 8, offset) == 8 else { return nil }
        return entry >> 63 == 1
    }

    /// Pages of `views`' bytes present in this process's page table.
    static func mappedPages(_ views: [TensorView]) throws -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var count = 0
        for view in views {
            let bytes = view.bytes
            let base = try #require(bytes.baseAddress)
            var address = Int(bitPattern: base) / page * page
            while address < Int(bitPattern: base) + bytes.count {
                let pageStart = try #require(UnsafeRawPointer(bitPattern: address))
                // Unwrapped apart: `#require` of a `Bool?` is ambiguous (unwrap, or check true?).
                let mapped = try #require(isMapped(pageStart) as Bool?, "cannot read /proc/self/pagemap")
                if mapped { count += 1 }
                address += page
            }
        }
        return count
    }

    /// A file of two 4 MiB F32 matrices with 1-D F32 norms of 1,000 values (4,000 bytes: never
    /// page-aligned) after each; `shift` is added to element `k` of norm `k`.
    static func file(norms: [[Float]], shift: Float) throws -> SafetensorsFile {
        var entries: [SafetensorsWriter.Entry] = []
        for half in 0..<2 {
            let matrix = FingerprintTests.randomBytes(1024 * 1024 * 4, seed: 70 + UInt64(half))
            entries.append(.init(name: "matrix\(half)", dtype: .f32, shape: [1024, 1024], bytes: matrix))
            for k in 0..<norms.count / 2 {
                let index = half * norms.count / 2 + k
                var values = norms[index]
                values[index] += shift
                entries.append(.init(name: "norm\(index)", dtype: .f32, shape: [UInt64(values.count)],
                                     bytes: DifferenceScanTests.encode(values, .f32)))
            }
        }
        return try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
    }

    @Test("small F32 pairs are compared without mapping their pages, with the values of a plain loop")
    func smallPairsMapNothing() throws {
        let norms = (0..<6).map { k in (0..<1000).map { i in Float(i % 37) / 8 - Float(k) } }
        let a = try Self.file(norms: norms, shift: 0)
        let b = try Self.file(norms: norms, shift: 0.5)
        let names = norms.indices.map { "norm\($0)" }
        let viewsA = try names.map { try a.tensor(named: $0) }
        let viewsB = try names.map { try b.tensor(named: $0) }
        // Opening the files read their headers only: the norms lie past the 4 MiB matrices.
        #expect(try Self.mappedPages(viewsA + viewsB) == 0)

        let results = DifferenceScan.run(Array(zip(viewsA, viewsB)), topRows: 5)
        #expect(try Self.mappedPages(viewsA + viewsB) == 0)
        for (k, result) in results.enumerated() {
            let x = norms[k].map(Double.init)
            var y = norms[k]
            y[k] += 0.5
            let expected = DifferenceScanTests.plain(x, y.map(Double.init), rows: 1, topRows: 5)
            let statistics = try #require(result.statistics, "norm\(k)")
            #expect(!result.identicalBytes)
            #expect(statistics.differingElements == 1 && expected.differingElements == 1)
            #expect(statistics.maxAbsDifference == expected.maxAbsDifference)
            #expect(statistics.differenceL2 == expected.differenceL2)
            #expect(statistics.referenceL2 == expected.referenceL2)
        }

        // The measurement sees a page read through the mapping.
        let touched = try #require(viewsA[0].bytes.baseAddress)
        #expect(touched.load(as: UInt8.self) == DifferenceScanTests.encode(norms[0], .f32)[0])
        #expect(try Self.mappedPages([viewsA[0]]) > 0)
    }

    @Test("a diff of large tensors whose bytes start inside a page leaves none of their pages mapped, by value or by bytes")
    func largePairsReleaseEveryPage() throws {
        // 40 MiB a side: ten items each; the tensors start 8 + header-length bytes into the
        // file, inside a page, so every item boundary lies inside a page that two items read.
        // Released item by item (rounded inward), such pages stayed mapped, and a fault on one
        // mapped its whole folio again: 2 GB for two 16 GiB F16 files.
        let count = 10 << 20
        let x = FingerprintTests.randomBytes(count * 4, seed: 80)
        var y = x
        y[count * 2 + 3] ^= 0x10
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "x", dtype: .f32, shape: [UInt64(count / 1024), 1024], bytes: x),
            .init(name: "y", dtype: .f32, shape: [UInt64(count / 1024), 1024], bytes: y),
            .init(name: "q", dtype: .u8, shape: [UInt64(count * 4)], bytes: x),
            .init(name: "r", dtype: .u8, shape: [UInt64(count * 4)], bytes: y),
        ]
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let views = try ["x", "y", "q", "r"].map { try file.tensor(named: $0) }
        let start = try #require(views[0].bytes.baseAddress)
        #expect(Int(bitPattern: start) % 4096 != 0)
        let results = DifferenceScan.run([(views[0], views[1]), (views[2], views[3])], topRows: 3)
        #expect(results[0].statistics?.differingElements == 1)
        #expect(!results[1].identicalBytes)
        // Released behind the finished prefix at 2 MiB boundaries, a tensor keeps at most the
        // pages it shares with its neighbours and one large folio mapped again by a late fault
        // (measured: 1, 512, 1 and 513 pages); released item by item, the bytes-only pair kept
        // 1,025 and 1,537.
        for (name, view) in zip(["x", "y", "q", "r"], views) {
            #expect(try Self.mappedPages([view]) <= 600, "\(name)")
        }
    }
}
