import Testing
import ArgumentParser
import TestSupport
@testable import tensoraudit

/// `DirectParse` against swift-argument-parser's own parse of the same command lines (the
/// reference): a line built directly must be the command the library decodes, every property
/// and default alike; a line it does not take (help, version, completions, `--name=value`, any
/// error) must be left to the library.
@Suite struct DirectParseTests {
    /// The library's command for `arguments`, described field by field (every property wrapper
    /// prints its value, or `*definition*` when unset); nil when the library throws.
    static func library(_ arguments: [String]) -> String? {
        (try? TensorAudit.parseAsRoot(arguments)).map { String(reflecting: $0) }
    }

    static func direct(_ arguments: [String]) -> String? {
        DirectParse.command(arguments).map { String(reflecting: $0) }
    }

    /// Lines in the plain shape, each option of each command at least once.
    static let plainLines: [[String]] = [
        ["inspect", "m.safetensors"],
        ["inspect", "m.safetensors", "--json"],
        ["inspect", "--format", "json", "m.safetensors"],
        ["inspect", "m.safetensors", "--output", "r.txt"],
        ["inspect", "m.safetensors", "--format", "text", "--output", "r.txt"],
        ["inspect", "help"],
        ["inspect", "audit"],
        ["ties", "m.safetensors"],
        ["ties", "m.safetensors", "--json", "--output", "t.json"],
        ["padding", "m"],
        ["padding", "m", "--pad-id", "0", "--tensor", "a", "--tensor", "b.weight"],
        ["padding", "m", "--pad-id", "123456", "--format", "html", "--output", "p.html"],
        ["rows", "m"],
        ["rows", "m", "--tensor", "emb", "--rows", "2..5"],
        ["rows", "m", "--tensor", "emb", "--rows", "..5", "--csv"],
        ["rows", "m", "--tensor", "emb", "--rows", "3", "--ndjson", "--output", "r.ndjson"],
        ["rows", "--tensor", "emb", "m", "--rows", "3..", "--format", "csv"],
        ["tokens", "m"],
        ["tokens", "m", "--percentile", "5", "--limit", "7", "--tensor", "x", "--json"],
        ["tokens", "m", "--percentile", "0.5", "--limit", "0"],
        ["tokens", "m", "--percentile", "100"],
        ["diff", "a", "b"],
        ["diff", "a", "b", "--tolerance", "0.5", "--top-rows", "0", "--map", "map.json", "--json"],
        ["diff", "--tolerance", "1e-3", "a", "--top-rows", "9", "b", "--output", "d.txt"],
        ["audit", "m.safetensors"],
        ["audit", "m.safetensors", "--json"],
        ["audit", "m", "--policy", "p.json", "--fail-on", "tied-weights-duplicated", "--fail-on", "padding-row-nonzero"],
        ["audit", "m", "--pad-id", "3", "--tensor", "t1", "--tensor", "t2", "--format", "sarif", "--output", "o.sarif"],
        ["audit", "m", "--format", "junit"],
        ["audit", "m", "--format", "html", "--output", "a.html"],
        ["audit", "m", "--json", "--format", "json"],
    ]

    @Test("plain lines are built directly, as the library decodes them")
    func plainLinesMatchTheLibrary() throws {
        for line in Self.plainLines {
            let reference = try #require(Self.library(line), "the library refuses \(line)")
            #expect(Self.direct(line) == reference, "\(line)")
        }
    }

    /// Lines the library answers with help, the version, completions or an error, or that are
    /// spelled in a way `DirectCommandLine` leaves to it.
    static let libraryLines: [[String]] = [
        [], ["--version"], ["--help"], ["-h"], ["help"], ["help", "audit"],
        ["audit"], ["audit", "--help"], ["audit", "-h"], ["audit", "m", "-h"], ["audit", "m", "--help"],
        ["audit", "m", "--version"], ["audit", "m", "--experimental-dump-help"], ["audit", "m", "--help-hidden"],
        ["audit", "m", "--generate-completion-script"], ["audit", "m", "--generate-completion-script", "bash"],
        ["---completion", "audit", "--", "--fail-on", "0", "0", ""],
        ["audit", "m", "--format=json"], ["audit", "m", "--json=1"], ["audit", "m", "--"], ["audit", "--", "m"],
        ["audit", "m", "-"], ["audit", ""], ["audit", "m", "--policy", ""], ["audit", "m", "--output", ""],
        ["audit", "m", "--output", "-"], ["audit", "m", "--output", "-x"], ["audit", "m", "--policy"],
        ["audit", "m", "--pad-id", "-1"], ["audit", "m", "--pad-id", "x"], ["audit", "m", "--pad-id", "99999999999999999999999"],
        ["audit", "m", "--pad-id", "1", "--pad-id", "2"], ["audit", "m", "--json", "--json"],
        ["audit", "m", "--json", "--format", "text"], ["audit", "m", "--format", "csv"], ["audit", "m", "--format", "JSON"],
        ["audit", "m", "--fail-on", "no-such-rule"], ["audit", "m", "--fail-on", "tied-weights-duplicated,padding-row-nonzero"],
        ["audit", "m", "n"], ["audit", "m", "--unknown"], ["audit", "m", "--Json"], ["audit", "m", "---json"],
        ["audit", "m", "-j"], ["audit", "m", "--fail-on"],
        ["inspect", "m", "--format", "html"], ["inspect", "m", "--tensor", "x"], ["ties", "m", "--pad-id", "1"],
        ["rows", "m", "--rows", "1..2"], ["rows", "m", "--tensor", "e", "--rows", "5..2"], ["rows", "m", "--tensor", "e", "--rows", "-1..2"],
        ["rows", "m", "--tensor", "e", "--rows", "2..2"], ["rows", "m", "--tensor", "e", "--rows", "a"],
        ["rows", "m", "--csv", "--ndjson"], ["rows", "m", "--csv", "--json"], ["rows", "m", "--tensor", "a", "--tensor", "b"],
        ["tokens", "m", "--percentile", "101"], ["tokens", "m", "--percentile", "nan"], ["tokens", "m", "--percentile", "-1"],
        ["tokens", "m", "--limit", "-1"], ["tokens", "m", "--limit", "1.5"], ["tokens", "m", "--limit", "9223372036854775808"],
        ["diff", "a"], ["diff", "a", "b", "c"], ["diff", "a", "b", "--tolerance", "inf"], ["diff", "a", "b", "--tolerance", "-0.1"],
        ["diff", "a", "b", "--top-rows", "-1"], ["diff", "a", "b", "--map", ""], ["diff", "a", ""],
        ["inpsect", "m"], ["Audit", "m"],
    ]

    @Test("help, version, completions, other spellings and every error are left to the library")
    func otherLinesGoToTheLibrary() {
        for line in Self.libraryLines {
            #expect(Self.direct(line) == nil, "\(line)")
        }
    }

    @Test("random lines: a line built directly is always the library's command (40,000 lines)")
    func randomLines() {
        let commands = ["inspect", "ties", "padding", "rows", "tokens", "diff", "audit", "help", "-h"]
        let words = [
            "m", "n.safetensors", "help", "audit", "", "-", "--", "-1", "0", "3", "2..5", "..4", "7..", "x..y", "1e-3", "nan",
            "99999999999999999999", "json", "text", "html", "sarif", "junit", "csv", "ndjson", "tied-weights-duplicated", "nan-values", "no-rule",
            "--json", "--format", "--output", "--policy", "--fail-on", "--pad-id", "--tensor", "--rows", "--csv", "--ndjson",
            "--percentile", "--limit", "--tolerance", "--top-rows", "--map", "--help", "--version", "-h", "--format=json",
            "--generate-completion-script", "--experimental-dump-help", "--nope", "-j",
        ]
        var generator = SeededRandom(seed: 170)
        var built = 0
        for _ in 0..<40_000 {
            var line = [commands.randomElement(using: &generator)!]
            for _ in 0..<Int.random(in: 0...6, using: &generator) { line.append(words.randomElement(using: &generator)!) }
            guard let direct = Self.direct(line) else { continue }
            built += 1
            #expect(direct == Self.library(line), "\(line)")
        }
        // The test must exercise the direct path, not only its refusals.
        #expect(built > 2_000, "only \(built) lines were built directly")
    }
}
