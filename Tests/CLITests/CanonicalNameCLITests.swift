import Foundation
import Testing
import TestSupport

/// Tensor names that are canonically equivalent but different code points, `café.weight` with a
/// precomposed é (U+00E9) and with e + U+0301, are two tensors: the reference readers say so
/// (TestData/canonical-names/expected.json, from generate.py there: safetensors, torch and Python's
/// json; canonical-tokens/canonical-names.gguf from gguf-py). Swift's `String ==` says they are
/// one name, and tensor lookups keyed by `String` took one for the other: `rows --tensor` showed
/// the other spelling's rows, a sharded index naming both was said to list a tensor twice and to
/// hold one tensor in two shards, SARIF located one's finding in the other's shard, a torch file
/// holding both was refused, and an alias from one spelling to the other was not seen.
@Suite struct CanonicalNameCLITests {
    static let precomposed = "caf\u{E9}.weight"
    static let decomposed = "cafe\u{301}.weight"

    static func expected(_ fixture: String) throws -> [String: Any] {
        try #require((try Fixtures.json("canonical-names/expected.json") as? [String: Any])?[fixture] as? [String: Any])
    }

    static func text(_ scalars: Any?) throws -> String {
        let values = try #require(scalars as? [Int])
        return String(String.UnicodeScalarView(values.compactMap { Unicode.Scalar(UInt32($0)) }))
    }

    static func scalars(_ text: Any?) -> [UInt32] {
        (text as? String)?.unicodeScalars.map(\.value) ?? []
    }

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// `rows --tensor NAME --json` reports the tensor of that exact spelling: its name and the
    /// per-row means and NaN counts numpy computed from what the reference reader read.
    static func expectRows(of fixture: String, tensor expected: [String: Any], status: Int32) throws {
        let name = try text(expected["name"])
        let report = try json(["rows", Fixtures.path("canonical-names/" + fixture), "--tensor", name, "--json"], status: status)
        #expect(scalars(report["tensor"]) == name.unicodeScalars.map(\.value))
        let rows = try #require(report["rows"] as? [[String: Any]])
        let wanted = try #require(expected["rows"] as? [[String: Any]])
        #expect(rows.count == wanted.count)
        for (row, want) in zip(rows, wanted) {
            #expect(row["nan"] as? Int == want["nan"] as? Int, "\(fixture) \(row)")
            if want["nan"] as? Int == 0, let mean = row["mean"] as? Double, let wantedMean = want["mean"] as? Double {
                #expect(closeEnough(mean, wantedMean, relative: 1e-6), "\(fixture) \(row): \(wantedMean)")
            } else if want["nan"] as? Int == 0 {
                Issue.record("\(fixture) \(row): no mean, expected \(want)")
            }
        }
    }

    @Test("inspect of an index naming one spelling in each shard: no duplicate key, no tensor in two shards")
    func shardedInspect() throws {
        let expected = try Self.expected("sharded")
        let report = try Self.json(["inspect", Fixtures.path("canonical-names/sharded"), "--json"])
        let issues = try #require(report["source_issues"] as? [[String: Any]])
        #expect(issues.isEmpty, "\(issues)")
        let tensors = (report["tensors"] as? [[String: Any]] ?? []).map { Self.scalars($0["name"]) }
        let names = try (expected["tensors"] as? [[String: Any]] ?? []).map { try Self.text($0["name"]).unicodeScalars.map(\.value) }
        #expect(tensors == names && names.count == 2)
    }

    @Test("rows --tensor reads each spelling's own tensor from its own shard", arguments: [0, 1])
    func shardedRows(index: Int) throws {
        let tensors = try #require(try Self.expected("sharded")["tensors"] as? [[String: Any]])
        try Self.expectRows(of: "sharded", tensor: tensors[index], status: 0)
    }

    @Test("audit: no source finding, and SARIF locates each tensor's NaN finding in the shard that holds it")
    func shardedAuditLocations() throws {
        let tensors = try #require(try Self.expected("sharded")["tensors"] as? [[String: Any]])
        let result = try CLI.run(["audit", Fixtures.path("canonical-names/sharded"), "--format", "sarif"])
        #expect(result.status == 1, "\(result.stderr)")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        // The two NaN findings and no source finding (index-duplicate-key, tensor-in-two-shards);
        // suspicious-name says the names read alike (ReadAlikeNameTests).
        let all = try #require(run["results"] as? [[String: Any]])
        #expect(all.map { $0["ruleId"] as? String } == ["nan-values", "nan-values", "suspicious-name"])
        let results = all.filter { $0["ruleId"] as? String == "nan-values" }
        var located: [[UInt32]: String] = [:]
        for finding in results {
            let location = try #require((finding["locations"] as? [[String: Any]])?.first)
            let name = Self.scalars((location["logicalLocations"] as? [[String: Any]])?.first?["name"])
            located[name] = ((location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?["uri"] as? String
        }
        for tensor in tensors {
            let name = try Self.text(tensor["name"]).unicodeScalars.map(\.value)
            let file = try #require(tensor["file"] as? String)
            #expect(located[name]?.hasSuffix("/" + file) == true, "\(name): \(located[name] ?? "none")")
        }
    }

    @Test("ties reports the __metadata__ alias save_model wrote from one spelling to the other")
    func aliasInSingleFile() throws {
        let expected = try Self.expected("alias")
        let report = try Self.json(["ties", Fixtures.path("canonical-names/alias"), "--json"])
        let aliases = try #require(report["aliases"] as? [String: String])
        #expect(aliases.map { [Self.scalars($0.key), Self.scalars($0.value)] }
            == [[try Self.text(expected["removed"]), try Self.text(expected["kept"])].map { $0.unicodeScalars.map(\.value) }])
    }

    @Test("an index naming both spellings in the shard that keeps one: one metadata-alias, no duplicate key, no mismatch")
    func aliasInShard() throws {
        let expected = try Self.expected("alias-sharded")
        let report = try Self.json(["inspect", Fixtures.path("canonical-names/alias-sharded"), "--json"])
        let issues = try #require(report["source_issues"] as? [[String: Any]])
        #expect(issues.map { $0["rule"] as? String } == ["metadata-alias"], "\(issues)")
        let removed = try Self.text(expected["removed"]).unicodeScalars.map(\.value)
        let kept = try Self.text(expected["kept"]).unicodeScalars.map(\.value)
        // A finding lists its tensors in code point order, as every report lists names.
        #expect((issues.first?["tensors"] as? [String] ?? []).map { Self.scalars($0) } == [removed, kept].sorted { $0.lexicographicallyPrecedes($1) })
        #expect(Self.scalars((issues.first?["evidence"] as? [String: Any])?["alias_of"]) == kept)
        // The same keys as a single file's alias (`ties`, `audit` of one file): kept and removed.
        #expect(Self.scalars((issues.first?["evidence"] as? [String: Any])?["kept"]) == kept)
        #expect(Self.scalars((issues.first?["evidence"] as? [String: Any])?["removed"]) == removed)
    }

    @Test("a torch state dict holding both spellings is read, each name with its own values", arguments: [0, 1])
    func torchFile(index: Int) throws {
        let tensors = try #require(try Self.expected("torch")["tensors"] as? [[String: Any]])
        try Self.expectRows(of: "torch/model.bin", tensor: tensors[index], status: 0)
    }

    @Test("rows --tensor of a GGUF file holding both spellings reads each one's rows (gguf-py wrote ones and zeros)",
          arguments: [(precomposed, 1.0), (decomposed, 0.0)])
    func gguf(name: String, mean: Double) throws {
        let report = try Self.json(["rows", Fixtures.path("canonical-tokens/canonical-names.gguf"), "--tensor", name, "--json"])
        #expect(Self.scalars(report["tensor"]) == name.unicodeScalars.map(\.value))
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == 2 && rows.allSatisfy { $0["mean"] as? Double == mean }, "\(rows)")
    }

    @Test("__metadata__ keys café precomposed and decomposed are two keys, as safe_open reads them: inspect lists both")
    func metadataKeys() throws {
        let expected = try #require(try Self.expected("metadata")["metadata"] as? [[Any]])
        let path = Fixtures.path("canonical-names/metadata")
        let result = try CLI.run(["inspect", path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex(of: "metadata:"))
        let listed = lines[(start + 1)...].prefix { $0.hasPrefix("  ") }
        var wanted: [String] = []
        for pair in expected {
            wanted.append("  " + (try Self.text(pair.first)) + " = " + (try #require(pair.last as? String)))
        }
        #expect(listed.map { $0.unicodeScalars.map(\.value) } == wanted.map { $0.unicodeScalars.map(\.value) }, "\(listed)")
        #expect(try CLI.run(["inspect", path, "--json"]).status == 0)
    }

    @Test("padding's tied_with names the alias of the other spelling, not the tensor itself")
    func paddingTiedWithAlias() throws {
        let expected = try Self.expected("alias")
        let kept = try Self.text(expected["kept"]), removed = try Self.text(expected["removed"])
        let report = try Self.json(["padding", Fixtures.path("canonical-names/alias"), "--tensor", kept, "--pad-id", "0", "--json"])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(Self.scalars(matrix["tensor"]) == kept.unicodeScalars.map(\.value))
        #expect((matrix["tied_with"] as? [String] ?? []).map { Self.scalars($0) } == [removed.unicodeScalars.map(\.value)])
    }

    @Test("two __metadata__ aliases whose keys are the two spellings of café are two aliases, two findings")
    func twoAliasKeys() throws {
        let expected = try #require(try Self.expected("alias-keys")["aliases"] as? [[Any]])
        var wanted: [[[UInt32]]] = []
        for pair in expected {
            wanted.append([try Self.text(pair.first).unicodeScalars.map(\.value), Self.scalars(pair.last)])
        }
        let path = Fixtures.path("canonical-names/alias-keys")
        let report = try Self.json(["ties", path, "--json"])
        let findings = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "metadata-alias" }
        let found = findings.map { finding -> [[UInt32]] in
            let evidence = finding["evidence"] as? [String: Any]
            return [Self.scalars(evidence?["removed"]), Self.scalars(evidence?["kept"])]
        }
        #expect(found == wanted)
        let text = try CLI.run(["ties", path])
        let listed = text.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains(" -> ") }
        #expect(listed.map { $0.unicodeScalars.map(\.value) }
            == wanted.map { ("  " + String(String.UnicodeScalarView($0[0].compactMap(Unicode.Scalar.init))) + " -> "
                + String(String.UnicodeScalarView($0[1].compactMap(Unicode.Scalar.init)))).unicodeScalars.map(\.value) })
    }

    @Test("padding text draws each spelling's own row-norm histogram (its range is that tensor's finite row norms)")
    func paddingHistograms() throws {
        let tensors = try #require(try Self.expected("sharded")["tensors"] as? [[String: Any]])
        let names = try tensors.map { try Self.text($0["name"]) }
        let result = try CLI.run(["padding", Fixtures.path("canonical-names/sharded"), "--tensor", names[0], "--tensor", names[1], "--pad-id", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let ranges = lines.filter { $0.hasPrefix("  row norms, ") }.map { line -> [Double] in
            let tail = line.split(separator: ":", maxSplits: 1).last ?? ""
            return tail.split(separator: " ").compactMap { Double($0) }
        }
        #expect(ranges.count == 2)
        for (range, tensor) in zip(ranges, tensors) {
            let norms = (tensor["rows"] as? [[String: Any]] ?? []).compactMap { $0["norm"] as? Double }
            let want = [norms.min() ?? .nan, norms.max() ?? .nan]
            #expect(range.count == 2 && zip(range, want).allSatisfy { closeEnough($0, $1, relative: 1e-5) }, "\(range) vs \(want)")
        }
    }

    @Test("diff --map pairing café precomposed in A with decomposed in B shows the pair with its ->")
    func diffMapShown() throws {
        let shards = Fixtures.path("canonical-names/sharded")
        let result = try CLI.run(["diff", shards + "/model-00001-of-00002.safetensors", shards + "/model-00002-of-00002.safetensors",
                                  "--map", Fixtures.path("canonical-names/diff-map/rename.json")])
        #expect(result.status == 1, "\(result.stderr)")  // 1: the two tensors differ
        let row = (Self.precomposed + " -> " + Self.decomposed).unicodeScalars.map(\.value)
        #expect(result.stdout.split(separator: "\n").contains { $0.unicodeScalars.map(\.value).starts(with: row) }, "\(result.stdout)")
    }

    @Test("diff --map naming each spelling as the other's partner is two entries: both pairs compared")
    func diffMapSwap() throws {
        let wanted = try #require(try Self.expected("diff-map")["swap_max_abs"] as? Double)
        let torch = Fixtures.path("canonical-names/torch/model.bin")
        let report = try Self.json(["diff", torch, torch, "--map", Fixtures.path("canonical-names/diff-map/swap.json"), "--json"], status: 1)
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let pairs = tensors.map { [Self.scalars($0["name"]), Self.scalars($0["name_b"])] }
        let pre = Self.precomposed.unicodeScalars.map(\.value), dec = Self.decomposed.unicodeScalars.map(\.value)
        #expect(Set(pairs) == Set([[pre, dec], [dec, pre]]) && pairs.count == 2, "\(pairs)")
        for tensor in tensors {
            #expect(closeEnough(tensor["max_abs_diff"] as? Double ?? .nan, wanted, relative: 1e-6), "\(tensor)")
        }
        #expect((report["unused_map_entries"] as? [Any])?.isEmpty == true)
    }
}
