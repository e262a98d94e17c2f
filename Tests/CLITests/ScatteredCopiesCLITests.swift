import Foundation
import Testing
import TestSupport

/// A GGUF file whose identical tensors lie scattered through it (TestData/gguf-scattered, written
/// by its generate.py): `audit` reads each copy with its leader, a small one with `pread`
/// (`FollowerCopies`), so the copies' row findings and the tie groups, numpy's in
/// `expected.json`, check what the scan read for every copy. Near copies that share the tie
/// sieve's 4 KiB prefix and differ after it (last byte, byte 5,000, byte 4,096) are compared
/// with their leader and must not be grouped with it.
@Suite struct ScatteredCopiesCLITests {
    static let file = Fixtures.path("gguf-scattered/scattered.gguf")

    static func expected() throws -> (groups: Set<[String]>, tensors: [String: [String: Any]]) {
        let root = try #require(try Fixtures.json("gguf-scattered/expected.json") as? [String: Any])
        let groups = try #require(root["groups"] as? [[String]])
        let tensors = try #require(root["tensors"] as? [String: [String: Any]])
        return (Set(groups.map { $0.sorted() }), tensors)
    }

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(!result.crashed, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// The findings of `rule`, by the one tensor each names.
    static func findings(_ report: [String: Any], _ rule: String) throws -> [String: [String: Any]] {
        let all = try #require(report["findings"] as? [[String: Any]])
        var byTensor: [String: [String: Any]] = [:]
        for finding in all where finding["rule"] as? String == rule {
            let tensors = try #require(finding["tensors"] as? [String])
            try #require(tensors.count == 1, "\(finding)")
            #expect(byTensor[tensors[0]] == nil, "two \(rule) findings for \(tensors[0])")
            byTensor[tensors[0]] = try #require(finding["evidence"] as? [String: Any])
        }
        return byTensor
    }

    @Test("audit: tie groups and every copy's NaN, infinite, zero and duplicate rows equal numpy's")
    func audit() throws {
        let (groups, tensors) = try Self.expected()
        #expect(groups.count == 4)  // the fixture's four patterns; near copies in none
        let report = try Self.report(["audit", Self.file, "--format", "json"])
        let all = try #require(report["findings"] as? [[String: Any]])
        let tied = all.filter { ["identical-layers", "duplicate-tensors"].contains($0["rule"] as? String) }
        #expect(Set(tied.compactMap { ($0["tensors"] as? [String])?.sorted() }) == groups)
        #expect(tied.count == groups.count)

        let nan = try Self.findings(report, "nan-values")
        let inf = try Self.findings(report, "inf-values")
        let zero = try Self.findings(report, "all-zero-rows")
        let duplicate = try Self.findings(report, "duplicate-rows")
        let named = Set(nan.keys).union(inf.keys).union(zero.keys).union(duplicate.keys)
        #expect(named == Set(tensors.keys))
        for (name, facts) in tensors {
            for (found, count, rows) in [(nan[name], "nan_values", "nan_rows"), (inf[name], "inf_values", "inf_rows")] {
                let expectedRows = facts[rows] as? [Int]
                #expect((found == nil) == (expectedRows == nil), "\(name) \(count)")
                guard let found, let expectedRows else { continue }
                #expect(found[count] as? Int == facts[count] as? Int, "\(name) \(count)")
                #expect(found["rows"] as? Int == expectedRows.count, "\(name) \(rows)")
                #expect(found["first_row"] as? Int == expectedRows.first, "\(name) \(rows)")
            }
            let zeroRows = facts["zero_rows"] as? [Int]
            #expect((zero[name] == nil) == (zeroRows == nil), "\(name) zero rows")
            if let found = zero[name], let zeroRows {
                #expect(found["rows"] as? Int == zeroRows.count, "\(name)")
                #expect(found["first_row"] as? Int == zeroRows.first, "\(name)")
            }
            let rowGroups = facts["duplicate_row_groups"] as? [[Int]]
            #expect((duplicate[name] == nil) == (rowGroups == nil), "\(name) duplicate rows")
            if let found = duplicate[name], let rowGroups {
                #expect(found["groups"] as? Int == rowGroups.count, "\(name)")
                #expect(found["redundant_rows"] as? Int == rowGroups.reduce(0) { $0 + $1.count - 1 }, "\(name)")
                #expect(found["largest_group"] as? Int == rowGroups.map(\.count).max(), "\(name)")
            }
        }
    }

    @Test("ties: the groups equal numpy's")
    func ties() throws {
        let (groups, _) = try Self.expected()
        let report = try Self.report(["ties", Self.file, "--json"])
        let found = try #require(report["groups"] as? [[String: Any]])
        #expect(Set(found.compactMap { ($0["tensors"] as? [String])?.sorted() }) == groups)
        #expect(found.count == groups.count)
    }

    /// Quantized rows that are byte-identical prove only that the trained rows were equal, or
    /// closer than the rounding, when quantized: the duplicate-rows sentence says so (helper-149
    /// on a Q8_0 token_embd). The fixture's Q8_0 ffn_down matrices hold rows 0 and 3 identical
    /// (generate.py writes them so).
    @Test("duplicate-rows on Q8_0 rows says the quantized values are identical, not that the rows trained alike")
    func quantizedDuplicateRowsWording() throws {
        // Exit 1: duplicate-rows is a warning.
        let result = try CLI.run(["audit", Self.file, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let duplicates = CLI.findings(report, rule: "duplicate-rows")
        let quantized = duplicates.filter { ($0["tensors"] as? [String])?.first?.hasSuffix("ffn_down.weight") == true }
        #expect(quantized.count == 5)
        for finding in duplicates {
            let message = try #require(finding["message"] as? String)
            // The F32 ffn_up copies (pattern a) keep the plain sentence: their bytes are the values.
            #expect(message.hasSuffix(quantized.contains { ($0["message"] as? String) == message }
                ? "a sign of rows that never trained (their Q8_0 values are identical: the trained rows were equal, or closer than Q8_0's rounding)"
                : "a sign of rows that never trained"), "\(message)")
        }
    }
}
