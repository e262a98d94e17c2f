import Foundation
import Testing
import SafetensorsFormat
import TestSupport
import TensorAnalysis

/// `tokens` lists the groups of byte-identical rows of a token matrix (the groups of
/// `duplicate-rows`), also where no indicator runs.
@Suite struct IdenticalTokenRowsTests {
    /// A 10 × 2 F32 embedding: rows 1 and 4 equal, rows 2, 3 and 5 equal, row 0 distinct, rows
    /// 6–9 zero (+0.0 and −0.0).
    static func checkpoint() throws -> String {
        // Rows 6 and 7 are +0.0, rows 8 and 9 −0.0: zero rows all four, counted apart, no group.
        let rows: [[Float]] = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.5], [0.5, 0.5], [0.3, -0.4], [0.5, 0.5], [0, 0], [0, 0],
                               [-0.0, -0.0], [-0.0, -0.0]]
        let bytes = rows.flatMap { $0 }.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32, shape: [10, 2], bytes: bytes)
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: [entry]).serialize(), name: "identical-rows.safetensors")
    }

    @Test("JSON: the groups by hand, [[1, 4], [2, 3, 5]], no token without a tokenizer")
    func json() throws {
        let result = try CLI.run(["tokens", try Self.checkpoint(), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        let groups = try #require(matrix["identical_row_groups"] as? [[[String: Any]]])
        #expect(groups.map { $0.compactMap { $0["row"] as? Int } } == [[1, 4], [2, 3, 5]])
        #expect(groups.joined().allSatisfy { $0["token"] is NSNull })
        #expect(matrix["zero_rows"] as? Int == 4)
    }

    @Test("audit agrees: four all-zero rows, and duplicate-rows names only the two groups (−0.0 rows are zero rows, not a group)")
    func auditAgrees() throws {
        let report = try CLI.json(["audit", try Self.checkpoint()])
        let findings = report["findings"] as? [[String: Any]] ?? []
        let zero = try #require(findings.first { $0["rule"] as? String == "all-zero-rows" })
        #expect((zero["evidence"] as? [String: Any])?["rows"] as? Int == 4)
        let duplicate = try #require(findings.first { $0["rule"] as? String == "duplicate-rows" })
        #expect((duplicate["evidence"] as? [String: Any])?["groups"] as? Int == 2)
    }

    @Test("text: one line per group under 'rows identical to another row'")
    func text() throws {
        let result = try CLI.run(["tokens", try Self.checkpoint()])
        #expect(result.stdout.contains("  rows identical to another row: 5 in 2 groups ("), "\(result.stdout)")
        #expect(result.stdout.contains("\n    1, 4\n    2, 3, 5\n  rows all zero: 4 of 10 ("), "\(result.stdout)")
        // Two F32 values a row are 64 bits: equal rows are not chance, so they say "never trained".
        #expect(result.stdout.contains("a sign of rows that never trained)"), "\(result.stdout)")
    }
}

/// A static model's equal rows (model2vec, TestData/knowledge/families/model2vec-static with rows
/// 2 and 3 of its 12 made equal, by hand): `duplicate-rows` is info and says only that the model
/// does not tell the tokens apart, not that the rows never trained.
@Suite struct StaticIdenticalRowsTests {
    @Test("audit of a model2vec folder with two equal rows: info, static wording")
    func staticWording() throws {
        let source = Fixtures.path("knowledge/families/model2vec-static")
        let folder = try Fixtures.temporaryDirectory()
        for name in ["config.json", "tokenizer.json"] {
            try FileManager.default.copyItem(atPath: source + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        // The fixture's mapping (20 tokens onto 12 rows), distinct rows but row 3 = row 2.
        let mapping: [Int64] = [7, 8, 10, 5, 1, 4, 10, 9, 2, 8, 7, 7, 5, 6, 11, 1, 9, 6, 5, 0]
        var values: [Float] = []
        for row in 0 ..< 12 {
            let source = row == 3 ? 2 : row
            for column in 0 ..< 8 { values.append(Float(source * 8 + column + 1) / 100) }
        }
        func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        let entries = [SafetensorsWriter.Entry(name: "mapping", dtype: .i64, shape: [20], bytes: mapping.flatMap(le)),
                       SafetensorsWriter.Entry(name: "embeddings", dtype: .f32, shape: [12, 8], bytes: values.flatMap { le($0.bitPattern) }),
                       SafetensorsWriter.Entry(name: "weights", dtype: .f32, shape: [20], bytes: (0 ..< 20).flatMap { _ in le(Float(1).bitPattern) })]
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: folder.appendingPathComponent("model.safetensors"))
        let report = try CLI.json(["audit", folder.path], status: 0)
        let finding = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "duplicate-rows" })
        #expect(finding["severity"] as? String == "info")
        let message = try #require(finding["message"] as? String)
        #expect(message.hasSuffix("; " + RowSummary.staticModelIdenticalRows), "\(message)")
    }
}
