import Foundation
import Testing
import TestSupport

/// The README's examples, run: every `$ tensoraudit …` block is the binary's output on the
/// bundled fixtures, the rule table is the catalog the binary reports, and the example error
/// lines are what some fixture under `TestData/bad` produces. A change that moves an output
/// fails here until the README says the same.
@Suite struct ReadmeExampleTests {
    static let root = Fixtures.root.deletingLastPathComponent()

    struct Example: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let expected: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    /// The lines of every fenced block of README.md.
    static func blocks() throws -> [[String]] {
        let text = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks: [[String]] = [], current: [String]? = nil
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let block = current { blocks.append(block); current = nil } else { current = [] }
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    /// `$ tensoraudit ARGS` followed by its output, up to the next `$ ` line or the block's end.
    static let examples: [Example] = {
        var found: [Example] = []
        for block in (try? blocks()) ?? [] {
            var command: [String]? = nil, output: [String] = []
            func close() {
                if let command { found.append(Example(arguments: command, expected: output.joined(separator: "\n") + "\n")) }
            }
            for line in block {
                if line.hasPrefix("$ tensoraudit ") {
                    close()
                    command = line.dropFirst("$ tensoraudit ".count).split(separator: " ").map(String.init)
                    output = []
                } else if line.hasPrefix("$ ") {
                    close(); command = nil
                } else {
                    output.append(line)
                }
            }
            close()
        }
        return found
    }()

    @Test("the README has examples to check")
    func examplesFound() {
        #expect(Self.examples.count >= 4)
        #expect(Self.examples.allSatisfy { !$0.testDescription.contains("\"") && !$0.testDescription.contains("'") },
                "examples are split on spaces: no quoting")
    }

    @Test("each `$ tensoraudit …` example prints what the README shows", arguments: examples)
    func example(_ example: Example) throws {
        // From the repository root, as a reader runs it.
        let result = try CLI.run(example.arguments, shell: "cd '\(Self.root.path)' && exec \"$TENSORAUDIT\" \"$@\"")
        #expect(!result.crashed)
        #expect(result.stdout == example.expected)
    }

    @Test("the rule table in 'audit' lists every rule with the binary's default severity and summary")
    func ruleTable() throws {
        let result = try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors"), "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rules = try #require(report["rules"] as? [[String: Any]])
        let text = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(text.components(separatedBy: "| rule | default | what it means |").dropFirst().first)
        let rows = table.components(separatedBy: "\n").dropFirst(2).prefix { $0.hasPrefix("| `") }
        let readme = rows.map { row in row.split(separator: "|", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) } }
        let binary = rules.map { ["`\($0["id"] as? String ?? "")`", $0["severity"] as? String ?? "", $0["summary"] as? String ?? ""] }
        #expect(readme == binary)
    }

    @Test("the example error lines are what a fixture in TestData/bad produces")
    func errorExamples() throws {
        let block = try #require(try Self.blocks().first { $0.first?.hasPrefix("tensoraudit: error: model.safetensors: ") == true })
        let folder = Fixtures.path("bad")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".safetensors") }.sorted()
        var produced = Set<String>()
        for file in files {
            let path = folder + "/" + file
            let result = try CLI.run(["inspect", path])
            produced.insert(result.stderr.replacingOccurrences(of: path, with: "model.safetensors")
                .trimmingCharacters(in: .newlines))
        }
        for line in block where !line.isEmpty {
            #expect(produced.contains(line), "no fixture prints: \(line)")
        }
    }
}
