import Foundation
import Testing
import TestSupport

/// `rows` draws its row findings by `audit`'s rules: an input embedding's low rows are
/// `untrained-tokens`, not `outlier-rows` (README "Rules"). On the real all-MiniLM-L6-v2 norms
/// (TestData/knowledge/minilm-norms: numpy's robust z-scores, tokenizers' tokens), `rows` called
/// the 841 low embedding rows `outlier-rows` "as in audit" while `audit` reported them as
/// `untrained-tokens` and no `outlier-rows`.
@Suite struct RowsAuditConsistencyTests {
    static func findings(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        // duplicate-rows is left out: storing each row as its norm makes rows of equal norm
        // identical (the real matrix has none).
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String != "duplicate-rows" }
    }

    @Test("rows --tensor the MiniLM embedding and rows of the whole folder: untrained-tokens with numpy's counts, as audit reports it; no outlier-rows")
    func miniLM() throws {
        let dir = try TokenAuditCLITests.miniLMFolder()
        let e = try TokenAuditCLITests.expected()
        let name = try #require(e["tensor"] as? String)
        // numpy: 841 rows below −3.5, none above 3.5.
        #expect(e["high_rows"] as? Int == 0)
        let audited = try Self.findings(["audit", dir]).first { $0["rule"] as? String == "untrained-tokens" }
        let audit = try #require(audited)
        for arguments in [["rows", dir, "--tensor", name], ["rows", dir]] {
            let found = try Self.findings(arguments)
            #expect(found.filter { $0["rule"] as? String == "outlier-rows" }.isEmpty, "\(arguments): \(found)")
            let untrained = found.filter { $0["rule"] as? String == "untrained-tokens" }
            #expect(untrained.count == 1, "\(arguments)")
            let evidence = try #require(untrained.first?["evidence"] as? [String: Any])
            #expect(evidence["rows"] as? Int == e["low_rows"] as? Int)
            #expect(evidence["known_unused"] as? Int == e["known_unused"] as? Int)
            #expect(evidence["special"] as? Int == e["special"] as? Int)
            #expect(evidence["ordinary"] as? Int == e["ordinary"] as? Int)
            #expect(evidence["lowest_row"] as? Int == e["lowest_row"] as? Int)
            #expect(evidence["lowest_token"] as? String == e["lowest_token"] as? String)
            // The very finding audit reports.
            #expect(untrained.first?["message"] as? String == audit["message"] as? String, "\(arguments)")
        }
    }

    @Test("rows --tensor the MiniLM query matrix (no token matrix): every outlying row numpy finds, none named")
    func chosenPlainMatrix() throws {
        let expected = try #require((try Fixtures.json("knowledge/minilm-norms/expected.json") as? [String: Any])?["attention"] as? [String: Any])
        let name = try #require(expected["tensor"] as? String)
        let found = try Self.findings(["rows", try TokenAuditCLITests.miniLMFolder(), "--tensor", name])
        let outliers = try #require(found.first { $0["rule"] as? String == "outlier-rows" })
        let evidence = try #require(outliers["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == expected["outlier_rows"] as? Int && evidence["top_token"] == nil)
        #expect(!found.contains { $0["rule"] as? String == "untrained-tokens" })
    }
}
