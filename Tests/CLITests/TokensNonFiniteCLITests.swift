import Foundation
import Testing
import TestSupport

/// `tokens` on tied matrices holding NaN, ±Inf or only zeros (TestData/knowledge/nonfinite,
/// written by generate_nonfinite.py): a row holding a non-finite value is left out of the
/// unused-similarity indicator and gets no score, the other rows are scored as numpy scores the
/// matrix without those rows, and a note says so; when the indicator cannot apply at all, a
/// note says why and `candidates` is empty. Before, one NaN made every score NaN and the
/// command printed nothing about candidates.
@Suite struct TokensNonFiniteCLITests {
    static func expected(_ name: String) throws -> [String: Any] {
        try #require(try Fixtures.json("knowledge/nonfinite/\(name)/expected.json") as? [String: Any])
    }

    /// `tokens --json` on the case's folder at the generator's percentile: the one matrix.
    static func matrix(_ name: String) throws -> [String: Any] {
        let percentile = try #require((try expected(name)["percentile"] as? NSNumber)?.doubleValue)
        let result = try CLI.run(["tokens", Fixtures.path("knowledge/nonfinite/\(name)"), "--json", "--percentile", "\(percentile)"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require((report["embeddings"] as? [[String: Any]])?.first)
    }

    static func text(_ name: String) throws -> String {
        let result = try CLI.run(["tokens", Fixtures.path("knowledge/nonfinite/\(name)"), "--percentile", "10"])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    /// The candidates, their scores and the threshold are numpy's on the finite rows; no
    /// left-out row is a candidate; one note names the left-out rows.
    func checkScoredWithoutNonFiniteRows(_ name: String) throws {
        let expected = try Self.expected(name)
        let leftOut = try #require(expected["left_out"] as? [Int])
        let distances = try #require(expected["distances"] as? [Any])
        let numpy = try #require(expected["candidates"] as? [String: Any])
        let matrix = try Self.matrix(name)
        #expect(matrix["indicator"] as? String == "unused-similarity")
        let candidates = try #require(matrix["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["row"] as? Int ?? -1 } == numpy["rows"] as? [Int])
        #expect(matrix["candidates_total"] as? Int == (numpy["rows"] as? [Int])?.count)
        #expect(closeEnough(Fixtures.number(matrix["threshold"] as Any) ?? .nan, Fixtures.number(numpy["threshold"] as Any) ?? 0, relative: 1e-6))
        for c in candidates {
            let row = try #require(c["row"] as? Int)
            #expect(!leftOut.contains(row))
            #expect(closeEnough(Fixtures.number(c["score"] as Any) ?? .nan, Fixtures.number(distances[row]) ?? 0, relative: 1e-6), "row \(row)")
        }
        let notes = try #require(matrix["notes"] as? [String])
        let note = try #require(notes.first { $0.contains("NaN or Inf") }, "\(notes)")
        #expect(note.hasPrefix("\(leftOut.count) of 48 rows hold NaN or Inf (rows \(leftOut.map(String.init).joined(separator: ", ")))"), "\(note)")
        #expect(note.contains("no score"))
        let text = try Self.text(name)
        #expect(text.contains("  candidates by unused-similarity: \(candidates.count) ordinary tokens in the lowest 10% of ordinary tokens ("), "\(text)")
        #expect(text.contains("  note: \(leftOut.count) of 48 rows hold NaN or Inf"), "\(text)")
    }

    @Test("NaN in an ordinary and a known-unused row: both left out, the rest scored as numpy scores the 46 finite rows")
    func nanRows() throws {
        try checkScoredWithoutNonFiniteRows("nan")
        #expect(try Self.expected("nan")["reference_rows"] as? [Int] == [40, 42, 43, 44, 45, 46, 47])
    }

    @Test("+Inf and -Inf rows: left out, the rest scored as numpy scores the 46 finite rows")
    func infRows() throws {
        try checkScoredWithoutNonFiniteRows("inf")
    }

    /// No candidates, no percentile or threshold, and a note saying why the indicator could not run.
    func checkCannotApply(_ name: String, because reason: String) throws {
        let matrix = try Self.matrix(name)
        #expect(matrix["indicator"] as? String == "unused-similarity")
        #expect(matrix["candidates"] as? [Any] != nil && (matrix["candidates"] as? [Any])?.isEmpty == true)
        #expect(matrix["candidates_total"] as? Int == 0)
        #expect(matrix["percentile"] is NSNull && matrix["threshold"] is NSNull)
        let notes = try #require(matrix["notes"] as? [String])
        #expect(notes.count == 1 && notes.first?.hasPrefix("the unused-similarity indicator cannot apply: ") == true, "\(notes)")
        #expect(notes.first?.contains(reason) == true, "\(notes)")
        let text = try Self.text(name)
        #expect(text.contains("  note: the unused-similarity indicator cannot apply: "), "\(text)")
        #expect(!text.contains("candidates by"))
    }

    @Test("an all-zero matrix has no principal direction: a note says the indicator cannot apply")
    func allZero() throws {
        try checkCannotApply("zero", because: "no first principal component")
    }

    @Test("every row NaN: a note says the indicator cannot apply")
    func allNaN() throws {
        #expect((try Self.expected("allnan")["left_out"] as? [Int])?.count == 48)
        try checkCannotApply("allnan", because: "all 48 rows hold NaN or Inf")
    }

    @Test("audit on the same folders: NaN and Inf values are findings of their own and the report keeps the schema")
    func audit() throws {
        let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/audit-report.schema.json")
        for (name, rule) in [("nan", "nan-values"), ("inf", "inf-values"), ("allnan", "nan-values"), ("zero", nil)] {
            let result = try CLI.run(["audit", Fixtures.path("knowledge/nonfinite/\(name)"), "--json"])
            #expect(result.status == (rule == nil ? 0 : 1), "\(name): \(result.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(try JSONSchemaCheck(schemaFile: schema).violations(of: report) == [], "\(name)")
            let rules = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
            if let rule { #expect(rules.contains(rule), "\(name): \(rules)") }
        }
    }
}
