import Foundation
import Testing
import TestSupport

/// One torch storage under 17 names (TestData/pytorch-views; torch's and numpy's view in
/// `expected.json`): each name is reported from one read and one summary of the 65,536 rows,
/// and spends its rows of the row budget (2^20 rows: 16 names'). Before, 65,536 such names (a
/// 395 KB file) took 19 s in `audit` and 39 s in `rows`, summarising the rows once per name.
@Suite struct SharedStorageViewsTests {
    static let path = Fixtures.path("pytorch-views/u8-17-names.pt")

    static func expected() throws -> [String: Any] {
        try #require(try Fixtures.json("pytorch-views/expected.json") as? [String: Any])
    }

    @Test("rows: the first 16 names analysed, each with numpy's zero rows and equal-row groups; the 17th past the budget")
    func rows() throws {
        let expected = try Self.expected()
        #expect(expected["one_storage"] as? Bool == true)
        let names = try #require(expected["names"] as? [String])
        let perName = try #require(expected["rows"] as? [String: [String: Int]])
        let report = try CLI.json(["rows", Self.path])
        #expect((report["tensors"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String } == Array(names.prefix(16)))
        #expect((report["skipped"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String } == ["v16"])
        let findings = try #require(report["findings"] as? [[String: Any]])
        for name in names.prefix(16) {
            let numpy = try #require(perName[name])
            let own = findings.filter { ($0["tensors"] as? [String]) == [name] }
            let zero = own.first { $0["rule"] as? String == "all-zero-rows" }?["evidence"] as? [String: Any]
            #expect(zero?["rows"] as? Int == numpy["zero_rows"] && zero?["first_row"] as? Int == numpy["first_zero_row"], "\(name)")
            let equal = own.first { $0["rule"] as? String == "duplicate-rows" }?["evidence"] as? [String: Any]
            #expect(equal?["groups"] as? Int == numpy["duplicate_groups"] && equal?["largest_group"] as? Int == numpy["largest_group"]
                    && equal?["redundant_rows"] as? Int == numpy["redundant_rows"], "\(name)")
        }
    }

    @Test("audit: one finding per rule for the one buffer, naming the 16 names read; statistics-skipped names the 17th; passes")
    func audit() throws {
        let names = try #require(try Self.expected()["names"] as? [String])
        let result = try CLI.run(["audit", Self.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.compactMap { $0["rule"] as? String } == ["all-zero-rows", "duplicate-rows", "statistics-skipped"])
        for finding in findings.prefix(2) {
            #expect((finding["tensors"] as? [String]).map(Set.init) == Set(names.prefix(16)))
        }
        #expect(findings.last?["tensors"] as? [String] == ["v16"])
    }

    @Test("slices.pt: three views of one storage, of which only low and low_again share bytes (torch's spans): shared storage is those two, not high")
    func disjointSlices() throws {
        let slices = try #require(try Self.expected()["slices"] as? [String: [String: Any]])
        #expect(slices.values.allSatisfy { $0["storage"] as? Bool == true })
        let spans = try slices.mapValues { try #require($0["byte_span"] as? [Int]) }
        func overlap(_ a: String, _ b: String) -> Bool {
            guard let x = spans[a], let y = spans[b] else { return false }
            return x[0] < y[1] && y[0] < x[1]
        }
        #expect(overlap("low", "low_again") && !overlap("low", "high") && !overlap("high", "low_again"))
        let report = try CLI.json(["ties", Fixtures.path("pytorch-views/slices.pt")])
        let shared = (report["shared_storage"] as? [[String: Any]])?.compactMap { $0["tensors"] as? [String] }
        #expect(shared == [["low", "low_again"]])
    }
}
