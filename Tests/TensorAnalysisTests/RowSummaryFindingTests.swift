import Testing
import TensorAnalysis
import CheckpointIO
import TensorScan
import TestSupport

@Suite struct RowSummaryFindingTests {
    func summary(_ name: String) throws -> RowSummary {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let view = try #require(checkpoint.tensor(named: name))
        return try #require(RowSummary(view: view))
    }

    @Test("NaN, Inf, zero and duplicate rows become findings with their evidence")
    func findings() throws {
        let f = try summary("rows_f32").findings()
        let rules = Set(f.map(\.rule.id))
        #expect(rules.isSuperset(of: ["nan-values", "inf-values", "all-zero-rows", "duplicate-rows"]))
        let nan = try #require(f.first { $0.rule.id == "nan-values" })
        #expect(nan.evidence["nan_values"] == .int(1))
        #expect(nan.evidence["first_row"] == .int(4))
        #expect(nan.tensors == ["rows_f32"])
        let inf = try #require(f.first { $0.rule.id == "inf-values" })
        #expect(inf.evidence["inf_values"] == .int(2))
        let dup = try #require(f.first { $0.rule.id == "duplicate-rows" })
        #expect(dup.evidence["groups"] == .int(1))
        #expect(!dup.message.contains("\n"))
    }

    @Test("equal rows of fewer than 64 bits (one F32 value) are info and called possible chance, of BOOLs info and no trained weights; sixteen F32 values are a sign of untrained rows",
          arguments: ["column", "flags", "wide"])
    func shortRowDuplicates(name: String) throws {
        // numpy's groups of equal non-zero rows and each row's bits (short-rows.json, generate_short_rows.py).
        let expected = try #require((try Fixtures.json("analysis/short-rows.json") as? [String: [String: Any]])?[name])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/short-rows.safetensors"))
        let view = try #require(checkpoint.tensor(named: name))
        let summary = try #require(RowSummary(view: view))
        let finding = try #require(summary.findings().first { $0.rule.id == "duplicate-rows" })
        let groups = try #require(expected["groups"] as? Int), redundant = try #require(expected["redundant_rows"] as? Int)
        let rowLength = try #require(expected["row_length"] as? Int), bits = try #require(expected["row_bits"] as? Int)
        let dtype = try #require(expected["dtype"] as? String)
        #expect(finding.evidence["groups"] == .int(Int64(groups)))
        #expect(finding.evidence["redundant_rows"] == .int(Int64(redundant)))
        let short = bits < 64, integral = dtype == "BOOL"
        #expect(finding.severity == (short || integral ? .info : .warning))
        let values = "\(rowLength) \(dtype) value\(rowLength == 1 ? "" : "s")"
        #expect(finding.message.hasSuffix(integral ? "the rows hold BOOL values (indices, counts, masks), not trained weights: equal rows say nothing about training"
                                          : short ? "with \(values) per row (\(bits) bits), equal rows can be chance, not a sign of rows that never trained"
                                          : ", a sign of rows that never trained"), "\(finding.message)")
    }

    @Test("integer tensors: raw values, zero rows, duplicates")
    func integers() throws {
        let s = try summary("rows_i64")
        #expect(s.zeroRows == [1])
        #expect(s.duplicateGroups == [[0, 3]])
        #expect(s.findings().allSatisfy { $0.rule.id != "nan-values" })
    }

    @Test("packed F4 rows that start mid-byte are compared by code")
    func packedDuplicates() throws {
        #expect(try summary("rows_f4_odd").duplicateGroups == [[1, 3]])
        #expect(try summary("rows_f4").zeroRows == [1, 2])
    }
}
