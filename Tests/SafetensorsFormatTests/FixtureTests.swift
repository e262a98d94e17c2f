import Foundation
import Testing
import SafetensorsFormat
import StrictJSON
import TestSupport

/// Committed fixtures: malformed files with their expected error kind, and valid edge cases
/// whose header facts were extracted by Python's json module.
@Suite struct FixtureTests {
    static let badCases: [[String]] = (try? Fixtures.tsv("bad/expected.tsv")) ?? []

    @Test("the bad fixture table is present and covers every error kind")
    func coverage() throws {
        let kinds = Set(Self.badCases.map { $0[1] })
        #expect(Self.badCases.count >= 40)
        let allKinds: Set = ["header-too-small", "header-too-large", "invalid-header-length", "invalid-utf8",
                             "invalid-json", "duplicate-key", "unknown-dtype", "invalid-entry", "invalid-metadata",
                             "invalid-offset", "overflow", "misaligned-slice", "size-mismatch", "incomplete-buffer",
                             "limit-exceeded"]
        #expect(kinds == allKinds)
    }

    @Test("each bad fixture fails with its kind", arguments: badCases)
    func badFixture(row: [String]) throws {
        let bytes = [UInt8](try Fixtures.data("bad/" + row[0]))
        do {
            let error = try #require(formatError { try SafetensorsHeader.parse(bytes) })
                #expect(error.kind == row[1], "\(row[0]): got \(error.kind): \(error)")
        }
    }

    static let edgeNames: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path("edge"))) ?? [])
        .filter { $0.hasSuffix(".safetensors") }.sorted()

    @Test("valid edge cases parse to the header facts Python's json read", arguments: edgeNames)
    func edgeFixture(name: String) throws {
        let stem = String(name.dropLast(".safetensors".count))
        try checkAgainstExpected(file: "edge/" + name, expected: "expected/edge-\(stem).json")
    }

    @Test("reference-written files parse to the header facts Python's json read", arguments: [
        ("reference/dtypes.safetensors", "expected/dtypes.json"),
        ("reference/f4-x2.safetensors", "expected/f4-x2.json"),
        ("written/other-dtypes.safetensors", "expected/other-dtypes.json"),
        ("toy-bert/model.safetensors", "expected/toy-bert.json"),
    ])
    func referenceFixture(file: String, expected: String) throws {
        try checkAgainstExpected(file: file, expected: expected)
    }

    func checkAgainstExpected(file: String, expected: String) throws {
        let header = try SafetensorsHeader.parse([UInt8](try Fixtures.data(file)))
        let json = try #require(try Fixtures.json(expected) as? [String: Any])
        #expect(header.headerLength == (json["header_length"] as? NSNumber)?.uint64Value)
        // Foundation's JSON reader keys by `String`: the fixtures' metadata keys are distinct as Strings too.
        #expect(header.metadata == (json["metadata"] as? [String: String]).map { Dictionary(uniqueKeysWithValues: $0.map { (ExactText($0.key), $0.value) }) })
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(header.tensors.count == tensors.count)
        // Same set of (name, dtype, shape, offsets); order compared where offsets are distinct.
        for t in tensors {
            let name = try #require(t["name"] as? String)
            let info = try #require(header.tensor(named: name), "\(name) missing")
            #expect(info.dtype.rawValue == t["dtype"] as? String)
            #expect(info.shape == (t["shape"] as? [NSNumber])?.map(\.uint64Value))
            #expect([info.begin, info.end] == (t["data_offsets"] as? [NSNumber])?.map(\.uint64Value))
        }
        let begins = header.tensors.map(\.begin)
        #expect(begins == begins.sorted())
    }
}
