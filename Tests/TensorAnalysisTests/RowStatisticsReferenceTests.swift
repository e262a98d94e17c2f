import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import TensorScan
import TestSupport

/// Row statistics of every dtype against numpy float64 (TestData/expected/analysis-stats.json).
@Suite struct RowStatisticsReferenceTests {
    static let names: [String] = ((try? Reference.stats()) ?? [:]).keys.sorted()

    @Test("the fixture covers every floating dtype, integers, packed rows, 1-D, 0-d and empty tensors")
    func coverage() throws {
        let dtypes = Set(try Reference.stats().values.compactMap { $0["dtype"] as? String })
        for d in ["F64", "F32", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F8_E8M0",
                  "F4", "F6_E2M3", "F6_E3M2", "I8", "U8", "I16", "U16", "I32", "U32", "I64", "U64", "BOOL"] {
            #expect(dtypes.contains(d), "\(d)")
        }
        #expect(Self.names.contains("scalar_f64") && Self.names.contains("empty_f32") && Self.names.contains("vec_bf16"))
    }

    @Test("per-row statistics match numpy to 1e-9", arguments: names)
    func rows(name: String) throws {
        let expected = try #require(try Reference.stats()[name])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let view = try #require(checkpoint.tensor(named: name))
        let moments = try #require(view.rowMoments())
        let rows = try #require(expected["rows"] as? [[String: Any]])
        #expect(moments.count == rows.count)
        for (m, row) in zip(moments, rows) {
            let r = Reference.int(row["row"]) ?? -1
            let scale = m.sumOfSquares.squareRoot() + abs(m.maximum) + abs(m.minimum)
            for (label, ours, key) in [("norm", m.l2Norm, "l2_norm"), ("mean", m.mean, "mean"), ("std", m.standardDeviation, "std")] {
                let theirs = try #require(Reference.double(row[key]))
                #expect(Reference.close(ours, theirs, scale: scale), "\(name) row \(r) \(label): \(ours) vs numpy \(theirs)")
            }
            #expect(sameValue(m.minimum, Reference.double(row["min"]) ?? 99) || (m.minimum == 0 && Reference.double(row["min"]) == 0),
                    "\(name) row \(r) min \(m.minimum)")
            #expect(sameValue(m.maximum, Reference.double(row["max"]) ?? 99) || (m.maximum == 0 && Reference.double(row["max"]) == 0),
                    "\(name) row \(r) max \(m.maximum)")
            #expect(m.nanCount == Reference.int(row["nan"]))
            #expect(m.positiveInfinityCount == Reference.int(row["pos_inf"]))
            #expect(m.negativeInfinityCount == Reference.int(row["neg_inf"]))
            #expect(m.allValuesZero == (row["zero"] as? Bool), "\(name) row \(r) zero")
            #expect(m.allBitsZero == (row["zero_bits"] as? Bool), "\(name) row \(r) zero bits")
        }
    }

    @Test("tensor summaries match the numpy definitions", arguments: names)
    func summary(name: String) throws {
        let expected = try #require(try Reference.stats()[name]?["summary"] as? [String: Any])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let view = try #require(checkpoint.tensor(named: name))
        let summary = try #require(RowSummary(view: view))
        #expect(summary.zeroRows == Reference.ints(expected["zero_rows"]))
        #expect(summary.nanRows == Reference.ints(expected["nan_rows"]))
        #expect(summary.infRows == Reference.ints(expected["inf_rows"]))
        #expect(summary.outliers.map(\.row).sorted() == Reference.ints(expected["outliers"]), "\(name)")
        let groups = (expected["duplicate_groups"] as? [Any] ?? []).map(Reference.ints)
        #expect(summary.duplicateGroups == groups, "\(name)")
        guard let norm = expected["norm"] as? [String: Any] else {
            #expect(summary.norms == nil)
            return
        }
        let d = try #require(summary.norms)
        #expect(d.count == Reference.int(norm["count"]))
        #expect(d.argmin == Reference.int(norm["argmin"]))
        #expect(d.argmax == Reference.int(norm["argmax"]))
        for (ours, key) in [(d.mean, "mean"), (d.std, "std"), (d.median, "median"), (d.minimum, "min"), (d.maximum, "max")] {
            let theirs = try #require(Reference.double(norm[key]))
            #expect(Reference.close(ours, theirs, scale: d.maximum), "\(name) norm \(key): \(ours) vs \(theirs)")
        }
        let quantiles = try #require(norm["quantiles"] as? [String: Any])
        for (level, ours) in zip(["p01", "p05", "p25", "p75", "p95", "p99"], d.quantiles) {
            let theirs = try #require(Reference.double(quantiles[level]))
            #expect(Reference.close(ours, theirs, scale: d.maximum), "\(name) \(level): \(ours) vs \(theirs)")
        }
    }

    @Test("a constant row of 1000.0 over several chunks has std exactly 0; C64 has no statistics")
    func exactness() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let long = try #require(checkpoint.tensor(named: "long_f32")?.rowMoments())
        #expect(long[1].standardDeviation == 0)
        #expect(long[1].mean == 1000)
        let f64 = try #require(checkpoint.tensor(named: "long_f64")?.rowMoments())
        #expect(f64[1].standardDeviation == 0)
        #expect(checkpoint.tensor(named: "complex")?.rowMoments() == nil)
        let complex = try #require(checkpoint.tensor(named: "complex"))
        #expect(RowSummary(view: complex) == nil)
        #expect(checkpoint.tensor(named: "empty_f32")?.rowMoments()?.isEmpty == true)
    }

    @Test("a sub-range of rows equals the same rows of the full pass")
    func subRange() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let view = try #require(checkpoint.tensor(named: "long_f32"))
        let all = try #require(view.rowMoments())
        // Compared as text: NaN fields make `==` false by IEEE rules.
        #expect(String(describing: Array(view.rowMoments(in: 2..<5) ?? [])) == String(describing: Array(all[2..<5])))
        #expect(String(describing: Array(view.rowMoments(in: 4..<99) ?? [])) == String(describing: Array(all[4...])))
        #expect(view.rowMoments(in: 2..<5)?.count == 3)
    }
}
