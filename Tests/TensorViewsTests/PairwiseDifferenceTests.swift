import Foundation
import Testing
import TensorViews
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
}
