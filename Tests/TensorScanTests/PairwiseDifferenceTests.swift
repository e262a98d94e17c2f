import Foundation
import Testing
import SafetensorsFormat
import CheckpointIO
import TensorScan
import TestSupport

/// The difference kernel against numpy (expected/diff.json, float64 arithmetic in numpy).
@Suite struct PairwiseDifferenceTests {
    func expectations(_ pair: String) throws -> [String: [String: Any]] {
        let all = try #require(try Fixtures.jsonKeepingNumberText("expected/diff.json") as? [String: Any])
        let section = try #require(all[pair] as? [String: Any])
        return try #require(section["tensors"] as? [String: [String: Any]])
    }

    @Test("F32 against its BF16 export and against a modified copy", arguments: [
        ("source_vs_bf16", "diff/export-bf16.safetensors"), ("source_vs_modified", "diff/export-modified.safetensors"),
    ])
    func againstNumpy(pair: String, other: String) throws {
        let a = try Checkpoint.open(path: Fixtures.path("diff/source-f32.safetensors"))
        let b = try Checkpoint.open(path: Fixtures.path(other))
        for (name, expected) in try expectations(pair) {
            let x = try #require(a.tensor(named: name)), y = try #require(b.tensor(named: name))
            guard let maxAbs = expected["max_abs_diff"].flatMap(Fixtures.number) else {
                // numpy did not compare (shape changed): neither should we claim a row layout match.
                #expect(x.shape != y.shape, "\(name)")
                continue
            }
            let stats = try #require(x.differenceStatistics(from: y), "\(name)")
            #expect(stats.maxAbsDifference == maxAbs, "\(name)")
            let rel = try #require(expected["relative_l2"].flatMap(Fixtures.number))
            #expect(closeEnough(stats.relativeL2, rel, relative: 1e-12), "\(name): \(stats.relativeL2) vs \(rel)")
            #expect(stats.differingElements == expected["differing_elements"].flatMap(Fixtures.number).map { Int($0) })
            let rows = (expected["top_rows"] as? [[String: Any]]) ?? []
            #expect(stats.topRows.map(\.row) == rows.compactMap { $0["row"].flatMap(Fixtures.number).map { Int($0) } }, "\(name)")
            for (got, want) in zip(stats.topRows, rows) {
                #expect(closeEnough(got.l2, want["l2"].flatMap(Fixtures.number) ?? .nan, relative: 1e-12))
                #expect(got.maxAbs == want["max_abs"].flatMap(Fixtures.number))
            }
        }
    }

    @Test("BF16 rounding stays within the unit roundoff 2^-8 in relative L2")
    func bf16Bound() throws {
        let a = try Checkpoint.open(path: Fixtures.path("diff/source-f32.safetensors"))
        let b = try Checkpoint.open(path: Fixtures.path("diff/export-bf16.safetensors"))
        for x in a.tensors where x.dtype == .f32 {
            let stats = try #require(b.tensor(named: x.name).flatMap { x.differenceStatistics(from: $0) })
            #expect(stats.relativeL2 <= 1.0 / 256, "\(x.name)")
        }
    }

    @Test("NaN facing NaN is equal, NaN facing a number is a mismatch, zero reference gives infinity")
    func specialValues() throws {
        func file(_ values: [Float]) throws -> Checkpoint {
            var header = #"{"x":{"dtype":"F32","shape":[\#(values.count)],"data_offsets":[0,\#(values.count * 4)]}}"#
            while header.utf8.count % 8 != 0 { header += " " }
            var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
            for v in values { bytes += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
            return try Checkpoint.open(path: try Fixtures.temporaryFile(bytes))
        }
        let a = try file([.nan, 1, 2, 0]), b = try file([.nan, .nan, 2, 0])
        let stats = try #require(a.tensors[0].differenceStatistics(from: b.tensors[0]))
        #expect(stats.nanMismatches == 1)
        #expect(stats.differingElements == 1)
        #expect(stats.maxAbsDifference == 0)
        let zeros = try file([0, 0]), ones = try file([0, 3])
        let zeroRef = try #require(zeros.tensors[0].differenceStatistics(from: ones.tensors[0]))
        #expect(zeroRef.relativeL2 == .infinity)
        #expect(zeroRef.maxAbsDifference == 3)
        #expect(zeroRef.topRows.map(\.row) == [0])
    }

    /// Two F32 tensors written to one file, `b` = `a` with row-dependent changes.
    static func pair(shape: [UInt64], change: (Int) -> Float) throws -> (TensorView, TensorView, [Float], [Float]) {
        let count = Int(shape.reduce(1, *))
        let a = (0..<count).map { Float($0 % 1000) / 7 }
        let b = a.indices.map { a[$0] + change($0) }
        let bytes = { (values: [Float]) in values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
        let file = SafetensorsWriter(entries: [.init(name: "a", dtype: .f32, shape: shape, bytes: bytes(a)),
                                               .init(name: "b", dtype: .f32, shape: shape, bytes: bytes(b))]).serialize()
        let checkpoint = try Checkpoint.open(path: Fixtures.temporaryFile(file))
        return (try #require(checkpoint.tensor(named: "a")), try #require(checkpoint.tensor(named: "b")), a, b)
    }

    @Test("a row longer than the decode chunk, and more differing rows than are kept, give the plain loop's numbers")
    func chunkedAndBounded() throws {
        // One 1-D row of 200,000 values: three chunk boundaries inside the row.
        let (a, b, va, vb) = try Self.pair(shape: [200_000]) { $0 % 3 == 0 ? 0.5 : 0 }
        let stats = try #require(a.differenceStatistics(from: b))
        var sum = 0.0, ref = 0.0, differing = 0
        for i in va.indices {
            let x = Double(va[i]), y = Double(vb[i])
            ref += x * x
            if x != y { differing += 1; sum += (x - y) * (x - y) }
        }
        #expect(stats.differingElements == differing)
        // Within rounding of the sequential sums: the kernel sums in four lanes per chunk.
        #expect(abs(stats.differenceL2 - sum.squareRoot()) <= 1e-12 * sum.squareRoot())
        #expect(abs(stats.referenceL2 - ref.squareRoot()) <= 1e-12 * ref.squareRoot())
        #expect(stats.topRows.map(\.row) == [0])

        // 10,000 rows of 3, every row changed by a different amount: the kept top rows are
        // the largest changes, found by sorting all rows here.
        let (c, d, _, _) = try Self.pair(shape: [10_000, 3]) { Float(($0 / 3 * 7919) % 10_000) / 1000 + 0.001 }
        let top = try #require(c.differenceStatistics(from: d, topRows: 5))
        let expected = (0..<10_000).sorted { r, s in
            let x = (r * 7919) % 10_000, y = (s * 7919) % 10_000
            return x != y ? x > y : r < s
        }
        #expect(top.topRows.map(\.row) == Array(expected.prefix(5)))
    }
}
