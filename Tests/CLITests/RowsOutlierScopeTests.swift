import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `outlier-rows` is a rule of token matrices (README "Rules"): `rows` over a whole checkpoint
/// reports it for them only, as `audit` does, and for the one matrix a user names with
/// `--tensor`; every summary still lists its outlying rows.
@Suite struct RowsOutlierScopeTests {
    /// 12 rows of 2 values: row k is (1 + k/100, 0), except row 5, (100, 0). By hand: the norms
    /// are 1.00…1.04, 1.06…1.11 and 100, median (1.06 + 1.07) / 2 = 1.065, MAD 0.035, so row 5's
    /// modified z is 0.6745 × 98.935 / 0.035 ≈ 1907 > 3.5, and no other row's |z| exceeds 1.3.
    static func matrix(_ name: String) -> SafetensorsWriter.Entry {
        let values: [Float] = (0..<12).flatMap { k in [k == 5 ? 100 : 1 + Float(k) / 100, 0] }
        return .init(name: name, dtype: .f32, shape: [12, 2],
                     bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
    }

    static func folder() throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        let entries = [matrix("model.embed_tokens.weight"), matrix("model.layers.0.mlp.down_proj.weight")]
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        return dir.path
    }

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func outlierTensors(_ report: [String: Any]) -> [String] {
        (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "outlier-rows" }
            .flatMap { $0["tensors"] as? [String] ?? [] }
    }

    @Test("a whole-checkpoint listing: outlier-rows for the embedding, not the MLP matrix; both summaries list row 5")
    func wholeCheckpoint() throws {
        let dir = try Self.folder()
        let report = try Self.report(["rows", dir, "--json"])
        #expect(Self.outlierTensors(report) == ["model.embed_tokens.weight"])
        let summaries = report["tensors"] as? [[String: Any]] ?? []
        #expect(summaries.count == 2)
        for summary in summaries {
            #expect(summary["outlier_count"] as? Int == 1)
            #expect((summary["outliers"] as? [[String: Any]])?.first?["row"] as? Int == 5)
        }
        let text = try CLI.run(["rows", dir]).stdout
        #expect(text.contains("[info] outlier-rows: model.embed_tokens.weight"), "\(text)")
        #expect(!text.contains("[info] outlier-rows: model.layers.0.mlp.down_proj.weight"), "\(text)")
    }

    @Test("the matrix named with --tensor is checked, whatever it is")
    func chosen() throws {
        let report = try Self.report(["rows", try Self.folder(), "--tensor", "model.layers.0.mlp.down_proj.weight", "--json"])
        #expect(Self.outlierTensors(report) == ["model.layers.0.mlp.down_proj.weight"])
    }
}
