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

    /// A file holding one F64 tensor `x` of `shape`.
    static func f64File(_ shape: [Int], _ values: [Double]) throws -> Checkpoint {
        let dims = shape.map(String.init).joined(separator: ",")
        var header = #"{"x":{"dtype":"F64","shape":[\#(dims)],"data_offsets":[0,\#(values.count * 8)]}}"#
        while header.utf8.count % 8 != 0 { header += " " }
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        for v in values { bytes += withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        return try Checkpoint.open(path: try Fixtures.temporaryFile(bytes))
    }

    /// F64 values whose squares overflow (above 2^511) or lose bits below double's normal range
    /// (below ~2^-485; 2^-1030 ≈ 8.7e-311 is subnormal itself); expected values by hand: every element of a case differs alike, so the
    /// relative L2 is one element's |b − a| / |a| and a row's L2 is √(row length) · |b − a|.
    @Test("F64 values whose squares leave double's range keep their norms", arguments: [
        (1e155, 1.1e155), (1e160, 2e160), (1e200, 1e200 * 1.0000001), (0x1p-1030, 0x1p-1029), (1e-160, 1.01e-160),
    ])
    func f64Range(a: Double, b: Double) throws {
        let x = try #require(try Self.f64File([2, 4], Array(repeating: a, count: 8)).tensor(named: "x"))
        let y = try #require(try Self.f64File([2, 4], Array(repeating: b, count: 8)).tensor(named: "x"))
        let stats = try #require(x.differenceStatistics(from: y))
        let d = abs(b - a)
        #expect(closeEnough(stats.relativeL2, d / a, relative: 1e-12), "\(stats.relativeL2) vs \(d / a)")
        #expect(stats.maxAbsDifference == d)
        #expect(stats.differingElements == 8)
        #expect(stats.topRows.map(\.row) == [0, 1])
        for row in stats.topRows { #expect(closeEnough(row.l2, 2 * d, relative: 1e-12), "\(row.l2) vs \(2 * d)") }
    }

    @Test("an infinity equal on both sides stays out of an F64 norm that overflowed")
    func f64RangeWithInfinity() throws {
        let x = try #require(try Self.f64File([2], [.infinity, 1e200]).tensor(named: "x"))
        let y = try #require(try Self.f64File([2], [.infinity, 3e200]).tensor(named: "x"))
        let stats = try #require(x.differenceStatistics(from: y))
        #expect(closeEnough(stats.relativeL2, 2, relative: 1e-12))
        #expect(stats.differingElements == 1)
    }

    @Test("F64 values near the largest double: the ratio is formed from the scaled norms, whose own values overflow")
    func f64NearMaximum() throws {
        let maximum = Double.greatestFiniteMagnitude
        let x = try #require(try Self.f64File([2], [maximum, maximum]).tensor(named: "x"))
        let y = try #require(try Self.f64File([2], [maximum, maximum / 2]).tensor(named: "x"))
        let stats = try #require(x.differenceStatistics(from: y))
        // By hand: ‖a − b‖ / ‖a‖ = (max / 2) / (max · √2) = 1 / (2√2).
        #expect(closeEnough(stats.relativeL2, 1 / (2 * 2.0.squareRoot()), relative: 1e-12), "\(stats.relativeL2)")
        #expect(stats.referenceL2.isInfinite)
    }
}
