import Foundation
import Testing
import TestSupport

/// The CLI as a user runs it: exit codes, stderr messages and the JSON contract.
@Suite struct InspectCLITests {
    static let badCases: [[String]] = (try? Fixtures.tsv("bad/expected.tsv")) ?? []

    @Test("every bad fixture exits 2 with one line naming the file", arguments: badCases)
    func badFile(row: [String]) throws {
        let path = Fixtures.path("bad/" + row[0])
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed)
        #expect(result.status == 2, "\(row[0])")
        #expect(result.stderr.hasPrefix("tensoraudit: error: \(path): "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test("usage errors exit 64")
    func usage() throws {
        #expect(try CLI.run(["inspect"]).status == 64)
        #expect(try CLI.run(["frobnicate"]).status == 64)
        #expect(try CLI.run(["inspect", "--bogus", "x"]).status == 64)
    }

    @Test("inspect --json follows schema 2 and the header as Python read it")
    func inspectJSON() throws {
        let path = Fixtures.path("toy-bert/model.safetensors")
        let result = try CLI.run(["inspect", path, "--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let expected = try #require(try Fixtures.json("expected/toy-bert.json") as? [String: Any])
        #expect((report["schema_version"] as? Int) == 2)
        #expect(report["metadata"] as? [String: String] == ["format": "pt"])
        let files = try #require(report["files"] as? [[String: Any]])
        #expect((files.first?["header_length"] as? NSNumber) == (expected["header_length"] as? NSNumber))
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let expectedTensors = try #require(expected["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == expectedTensors.map { $0["name"] as? String })
        for (ours, theirs) in zip(tensors, expectedTensors) {
            let shape = (theirs["shape"] as? [NSNumber])?.map(\.uint64Value) ?? []
            #expect((ours["shape"] as? [NSNumber])?.map(\.uint64Value) == shape)
            #expect((ours["data_offsets"] as? [NSNumber]) == (theirs["data_offsets"] as? [NSNumber]))
            let params = shape.reduce(1, *)
            #expect((ours["parameters"] as? NSNumber)?.uint64Value == params)
        }
        // Deterministic: a second run prints the same bytes.
        #expect(try CLI.run(["inspect", path, "--json"]).stdout == result.stdout)
    }

    @Test("text output names every tensor and the totals")
    func inspectText() throws {
        let result = try CLI.run(["inspect", Fixtures.path("toy-bert/model.safetensors")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("cls.predictions.decoder.weight"))
        #expect(result.stdout.contains("F32"))
        #expect(result.stdout.contains("metadata:"))
    }

    @Test("hostile names are escaped in text output")
    func escapesNames() throws {
        let result = try CLI.run(["inspect", Fixtures.path("edge/odd-names.safetensors")])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("\u{1B}"))
    }
}
