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

    /// 100 rows of one value: rows 0…69 hold 1 + k/1000, rows 70…99 hold 10. By hand: median
    /// (1.049 + 1.050) / 2 = 1.0495; the absolute deviations' 50th and 51st smallest are 0.0295
    /// and 0.0305, so MAD 0.03; each 10 has modified z 0.6745 × 8.9505 / 0.03 ≈ 201, no small
    /// row's |z| exceeds 1.12. 30 of 100 rows flagged: the tail of a skewed distribution, which
    /// the message says (helper-149: ALBERT's 168 of 591 rows read as a list of outliers). The
    /// 12-row matrix above, one row of 12 flagged, gets no such sentence.
    @Test("outlier-rows flagging 30% of the rows says they are the tail of a skewed distribution")
    func skewedTail() throws {
        let values: [Float] = (0..<100).map { k in k < 70 ? 1 + Float(k) / 1000 : 10 }
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32, shape: [100, 1],
                                            bytes: values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let finding = try #require((try Self.report(["rows", dir.path, "--json"])["findings"] as? [[String: Any]])?
            .first { $0["rule"] as? String == "outlier-rows" })
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("30 rows with outlying norms") && message.contains("; 30 of 100 rows (30%) is the tail of a skewed distribution (mean "),
                "\(message)")
        let few = try #require((try Self.report(["rows", try Self.folder(), "--json"])["findings"] as? [[String: Any]])?
            .first { $0["rule"] as? String == "outlier-rows" })
        #expect((few["message"] as? String)?.contains("tail of a skewed distribution") == false)
        // 15 rows at 10 and 15 at 0.1 around 70 near 1: two tails, no "tail" sentence (helper-150).
        let twoSided: [Float] = (0..<100).map { k in k < 70 ? 1 + Float(k) / 1000 : k < 85 ? 10 : 0.1 }
        let both = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32, shape: [100, 1],
                                           bytes: twoSided.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let other = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [both]).serialize()).write(to: other.appendingPathComponent("model.safetensors"))
        let report = try Self.report(["rows", other.path, "--json"])
        let messages = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        #expect(!messages.isEmpty && messages.allSatisfy { !$0.contains("tail of a skewed distribution") }, "\(messages)")
    }
}
