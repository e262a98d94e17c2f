import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// `tensoraudit diff` as a user runs it: verdicts, exit codes and the JSON contract.
@Suite struct DiffCLITests {
    let source = Fixtures.path("diff/source-f32.safetensors")

    func run(_ arguments: [String]) throws -> (CLIResult, [String: Any]) {
        let result = try CLI.run(arguments)
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    @Test("tensors whose names are canonically equivalent (é precomposed, e + U+0301) are paired by their exact names")
    func canonicallyEquivalentNames() throws {
        let precomposed = "emb\u{E9}.weight", decomposed = "embe\u{301}.weight"
        func file(_ entries: [(String, [Float])]) throws -> String {
            try Fixtures.temporaryFile(SafetensorsWriter(entries: entries.map { name, values in
                .init(name: name, dtype: .f32, shape: [2, 2], bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
            }).serialize())
        }
        // A and B agree on the precomposed tensor and differ on the decomposed one (by hand).
        let a = try file([(precomposed, [1, 2, 3, 4]), (decomposed, [5, 6, 7, 8])])
        let b = try file([(decomposed, [5, 6, 7, 9]), (precomposed, [1, 2, 3, 4])])
        let (result, report) = try run(["diff", a, b, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let byName = Dictionary(tensors.compactMap { t in (t["name"] as? String).map { (Array($0.utf8), t) } }, uniquingKeysWith: { x, _ in x })
        #expect(tensors.count == 2)
        #expect(byName[Array(precomposed.utf8)]?["identical_bytes"] as? Bool == true)
        #expect(byName[Array(decomposed.utf8)]?["identical_bytes"] as? Bool == false)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true && (report["only_in_b"] as? [String])?.isEmpty == true)
    }

    @Test("an integer or BOOL A against an F64 B beyond 2^511: finite norms (hand computation), not Infinity")
    func integerAgainstHugeF64() throws {
        func bytes<T>(_ values: [T]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v, Array.init) } }
        let a = try Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "i", dtype: .i64, shape: [2], bytes: bytes([Int64(1), 0])),
            .init(name: "b", dtype: .bool, shape: [2], bytes: [1, 0]),
        ]).serialize())
        let b = try Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "i", dtype: .f64, shape: [2], bytes: bytes([1.0, 1e160].map(\.bitPattern))),
            .init(name: "b", dtype: .f64, shape: [2], bytes: bytes([1.0, 1e200].map(\.bitPattern))),
        ]).serialize())
        let (result, report) = try run(["diff", a, b, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        // A = [1, 0], B = [1, x]: ‖A − B‖ = x, ‖A‖ = 1, so the relative L2 is x, and row 0's L2 is x.
        for (name, x) in [("i", 1e160), ("b", 1e200)] {
            let t = try #require(tensors.first { $0["name"] as? String == name })
            #expect(t["relative_l2"] as? Double == x, "\(name): \(t)")
            let top = try #require((t["top_rows"] as? [[String: Any]])?.first)
            #expect(top["l2"] as? Double == x, "\(name): \(top)")
        }
    }

    @Test("--tolerance -0 is the tolerance 0 (it passes the non-negative check), not a report of -0.0")
    func negativeZeroTolerance() throws {
        let result = try CLI.run(["diff", source, source, "--tolerance", "-0", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"tolerance\": 0.0,") && !result.stdout.contains("-0.0"), "\(result.stdout.prefix(400))")
        let text = try CLI.run(["diff", source, source, "--tolerance", "-0"]).stdout
        #expect(text.contains("relative L2 <= 0.0;") && !text.contains("-0.0"), "\(text)")
    }

    @Test("a BF16 export passes the default tolerance, and fails a tighter one")
    func bf16Export() throws {
        let (ok, json) = try run(["diff", source, Fixtures.path("diff/export-bf16.safetensors"), "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(json["schema_version"] as? Int == 1)
        #expect(json["exceeds_tolerance"] as? Bool == false)
        #expect((json["tolerance"] as? NSNumber)?.doubleValue == 0.01)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        let expected = try #require(try Fixtures.json("expected/diff.json") as? [String: Any])
        let pair = try #require((expected["source_vs_bf16"] as? [String: Any])?["tensors"] as? [String: [String: Any]])
        #expect(tensors.map { $0["name"] as? String ?? "" } == pair.keys.sorted())
        for tensor in tensors {
            let name = tensor["name"] as? String ?? ""
            let want = try #require(pair[name])
            #expect((tensor["max_abs_diff"] as? NSNumber)?.doubleValue == (want["max_abs_diff"] as? NSNumber)?.doubleValue, "\(name)")
            let rel = (tensor["relative_l2"] as? NSNumber)?.doubleValue ?? .nan
            #expect(closeEnough(rel, (want["relative_l2"] as? NSNumber)?.doubleValue ?? .nan, relative: 1e-9), "\(name)")
            #expect(tensor["identical_bytes"] as? Bool == want["identical_bytes"] as? Bool, "\(name)")
        }
        let tight = try CLI.run(["diff", source, Fixtures.path("diff/export-bf16.safetensors"), "--tolerance", "1e-4"])
        #expect(tight.status == 1)
        #expect(tight.stdout.contains("EXCEEDS"))
    }

    @Test("NaN where A has numbers, and nothing else different: the text says so, not a bare EXCEEDS at 0")
    func nanOnlyDifference() throws {
        let values: [Float] = [1, -2, 0.5, 4, 3, -1, 2, 8]
        var other = values
        other[2] = .nan
        other[5] = .nan
        func file(_ v: [Float]) throws -> String {
            let bytes = v.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            let entry = SafetensorsWriter.Entry(name: "w", dtype: .f32, shape: [2, 4], bytes: bytes)
            return try Fixtures.temporaryFile(SafetensorsWriter(entries: [entry]).serialize())
        }
        let result = try CLI.run(["diff", try file(values), try file(other)])
        #expect(result.status == 1)
        #expect(result.stdout.contains("NAN MISMATCH"), "\(result.stdout)")
        #expect(result.stdout.contains("w: 2 NaN mismatches"), "\(result.stdout)")
        #expect(!result.stdout.contains("EXCEEDS"))
        // The verdict names the failure as the table does (it said "1 exceeding" at relative L2 0).
        #expect(result.stdout.contains("B DIFFERS from A (1 with NaN mismatches)") && !result.stdout.contains("exceeding"), "\(result.stdout)")
        // NaN mismatches and numbers beyond the tolerance: EXCEEDS, and the count still printed.
        var far = other
        far[0] = 100
        let both = try CLI.run(["diff", try file(values), try file(far)])
        #expect(both.status == 1)
        #expect(both.stdout.contains("EXCEEDS") && !both.stdout.contains("NAN MISMATCH"), "\(both.stdout)")
        #expect(both.stdout.contains("w: 2 NaN mismatches"), "\(both.stdout)")
        #expect(both.stdout.contains("B DIFFERS from A (1 exceeding)"), "\(both.stdout)")
    }

    @Test("a modified export exits 1 and names what changed")
    func modified() throws {
        let (result, json) = try run(["diff", source, Fixtures.path("diff/export-modified.safetensors"), "--json"])
        #expect(result.status == 1)
        #expect(json["only_in_a"] as? [String] == ["norm.weight"])
        #expect(json["only_in_b"] as? [String] == ["extra.weight"])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: tensors.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["layer.0.bias"]?["exceeds_tolerance"] as? Bool == true)
        #expect(byName["layer.0.bias"]?["shape_b"] as? [Int] == [1, 32])
        #expect(byName["embed.weight"]?["identical_bytes"] as? Bool == true)
        // Byte-identical: the value keys of a compared tensor, all zero; a shape change has none.
        #expect(byName["embed.weight"]?["nan_mismatches"] as? Int == 0 && (byName["embed.weight"]?["top_rows"] as? [Any])?.isEmpty == true)
        #expect(byName["layer.0.bias"]?["relative_l2"] == nil && byName["layer.0.bias"]?["top_rows"] == nil)
        #expect(byName["step"]?["dtype_b"] as? String == "I32")
        #expect(byName["step"]?["exceeds_tolerance"] as? Bool == false)
        let rows = try #require(byName["layer.0.weight"]?["top_rows"] as? [[String: Any]])
        #expect(rows.map { $0["row"] as? Int } == [3, 17, 30])  // set by generate.py: +0.5, x1.1, -0.01
        #expect((byName["layer.0.weight"]?["max_abs_diff"] as? NSNumber)?.doubleValue ?? 0 > 0.49)
    }

    @Test("--map entries that pair nothing are listed with the side that lacks the name, and change nothing else")
    func unusedMapEntries() throws {
        // A has norm.weight, not normx; B has extra.weight; neither has ghost or ghost2.
        let map = try Fixtures.temporaryFile(Array(#"{"norm.weight": "normx.weight", "nope": "extra.weight", "embed.weight": "embed.weight", "ghost": "ghost2"}"#.utf8),
                                             name: "map.json")
        let modified = Fixtures.path("diff/export-modified.safetensors")
        let (result, json) = try run(["diff", source, modified, "--map", map, "--json"])
        #expect(result.status == 1)
        let unused = try #require(json["unused_map_entries"] as? [[String: String]])
        #expect(unused == [
            ["a": "ghost", "b": "ghost2", "reason": "neither A nor B has a tensor of these names"],
            ["a": "nope", "b": "extra.weight", "reason": "A has no tensor of this name"],
            ["a": "norm.weight", "b": "normx.weight", "reason": "B has no tensor of this name"],
        ])
        #expect(json["only_in_a"] as? [String] == ["norm.weight"] && json["only_in_b"] as? [String] == ["extra.weight"])
        let text = try CLI.run(["diff", source, modified, "--map", map])
        #expect(text.stdout.contains("--map entry unused: \"nope\" -> \"extra.weight\": A has no tensor of this name\n"))
        // Without --map nothing is listed.
        #expect((try run(["diff", source, modified, "--json"]).1["unused_map_entries"] as? [Any])?.isEmpty == true)
    }

    @Test("names a --map does not list pair by name, but not with a B name the map gives to another A name")
    func partialMap() throws {
        // A: x = [1, 1], y = [2, 2]; B: x = [2, 2], y = [1, 1]; the map says only A's x is B's y.
        func file(_ x: Float, _ y: Float) throws -> String {
            let entries = [("x", x), ("y", y)].map { name, value in
                SafetensorsWriter.Entry(name: name, dtype: .f32, shape: [2],
                                        bytes: Array(repeating: value, count: 2).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
            }
            return try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        }
        let a = try file(1, 2), b = try file(2, 1)
        let map = try Fixtures.temporaryFile(Array(#"{"x": "y"}"#.utf8), name: "map.json")
        let (result, json) = try run(["diff", a, b, "--map", map, "--json"])
        #expect(result.status == 1)
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        // x -> y only: B's y is not also compared with A's y (it was, one B tensor twice).
        #expect(tensors.map { "\($0["name"] ?? "") -> \($0["name_b"] ?? "")" } == ["x -> y"])
        #expect(tensors.first?["identical_bytes"] as? Bool == true)
        #expect(json["only_in_a"] as? [String] == ["y"] && json["only_in_b"] as? [String] == ["x"])
        // A map naming both directions compares both pairs.
        let swap = try Fixtures.temporaryFile(Array(#"{"x": "y", "y": "x"}"#.utf8), name: "swap.json")
        let (swapped, both) = try run(["diff", a, b, "--map", swap, "--json"])
        #expect(swapped.status == 0)
        #expect((both["tensors"] as? [[String: Any]])?.count == 2)
    }

    @Test("a --map of 1,005 entries that pair nothing: JSON lists the first 1,000 by name and counts all; text cuts a long name")
    func manyUnusedMapEntries() throws {
        // Keys m0000 … m1004 (zero-padded, so name order is number order); one key of 300 z's.
        let long = String(repeating: "z", count: 300)
        let entries = (0..<1_005).map { #""m\#(String(format: "%04d", $0))": "x""# } + [#""\#(long)": "x""#]
        let map = try Fixtures.temporaryFile(Array(("{" + entries.joined(separator: ",") + "}").utf8), name: "map.json")
        let modified = Fixtures.path("diff/export-modified.safetensors")
        let (_, json) = try run(["diff", source, modified, "--map", map, "--json"])
        let unused = try #require(json["unused_map_entries"] as? [[String: String]])
        #expect(json["unused_map_entry_count"] as? Int == 1_006)
        #expect(unused.count == 1_000)
        // Sorted by A's name: the 300 z's sort after every m, so it is not among the first 1,000.
        #expect(unused.first?["a"] == "m0000" && unused.last?["a"] == "m0999")
        let text = try CLI.run(["diff", source, modified, "--map", map]).stdout
        #expect(text.contains("--map: 996 more unused entries (--json lists the first 1000)\n"), "\(text)")
        // Text shows a long name's first 200 characters and its length; JSON carries it whole.
        let small = try Fixtures.temporaryFile(Array(#"{"\#(long)": "x"}"#.utf8), name: "small.json")
        let line = try CLI.run(["diff", source, modified, "--map", small]).stdout
            .split(separator: "\n").first { $0.hasPrefix("--map entry unused:") }
        #expect(line == "--map entry unused: \"\(String(repeating: "z", count: 200))\"… (300 bytes) -> \"x\": neither A nor B has a tensor of these names")
        // One letter and 250 combining acute accents, each followed by a combining grapheme
        // joiner (class 0, so the text stays stream-safe: a run of more than 30 marks is refused),
        // is one Character but 501 scalars (1,001 bytes): cut at 200 scalars, so a key of
        // combining marks cannot make a line of any length.
        let accents = "a" + String(repeating: "\u{301}\u{34F}", count: 250)
        let combining = try Fixtures.temporaryFile(Array(#"{"\#(accents)": "x"}"#.utf8), name: "combining.json")
        let cut = try CLI.run(["diff", source, modified, "--map", combining]).stdout
            .split(separator: "\n").first { $0.hasPrefix("--map entry unused:") }
        // U+034F is invisible (default-ignorable), so text shows it as \u{34f}.
        #expect(cut == "--map entry unused: \"a\(String(repeating: "\u{301}\\u{34f}", count: 99))\u{301}\"… (1001 bytes) -> \"x\": neither A nor B has a tensor of these names")
        let smallJSON = try run(["diff", source, modified, "--map", small, "--json"]).1
        #expect((smallJSON["unused_map_entries"] as? [[String: String]])?.first?["a"] == long)
        #expect(smallJSON["unused_map_entry_count"] as? Int == 1)
    }

    @Test("a checkpoint equals itself, compressed or sharded")
    func sameCheckpoint() throws {
        let zst = try CLI.run(["diff", source, Fixtures.path("sources/zstd/model.safetensors.zst")])
        #expect(zst.status == 0)
        #expect(zst.stdout.contains("5 byte-identical"))
        let (sharded, json) = try run(["diff", Fixtures.path("toy-bert/model.safetensors"), Fixtures.path("toy-bert-sharded"), "--json"])
        #expect(sharded.status == 0)
        #expect((json["summary"] as? [String: Any])?["identical"] as? Int == 24)
    }

    @Test("an F64 side whose squares leave double's range, against a Q8_0 GGUF (TestData/diff-f64-range): math.hypot's relative L2, exit 1",
          arguments: [("tiny.safetensors", "zeros-q8_0.gguf"), ("huge.safetensors", "half-q8_0.gguf"), ("half-q8_0.gguf", "huge.safetensors")])
    func f64RangeAgainstQuantized(a: String, b: String) throws {
        // expected.json: ‖a − b‖ / ‖a‖ by Python's math.hypot (scaled, no square leaves double's
        // range), B's values from gguf.quants.dequantize. The scan alone gave 0 (exit 0), NaN
        // and Infinity for these three.
        let expected = try #require(try Fixtures.json("diff-f64-range/expected.json") as? [String: Double])
        let reference = try #require(expected["\(a) / \(b)"])
        let result = try CLI.run(["diff", Fixtures.path("diff-f64-range/" + a), Fixtures.path("diff-f64-range/" + b), "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensor = try #require((report["tensors"] as? [[String: Any]])?.first)
        let found = try #require(tensor["relative_l2"] as? Double)
        #expect(abs(found - reference) <= 1e-12 * reference, "\(found) vs \(reference)")
    }

    @Test("a GGUF file holding Hub names (TestData/gguf-hub-names, gguf-py) pairs them by name, both ways: byte-identical, exit 0")
    func ggufWithHubNames() throws {
        let hub = Fixtures.path("gguf-hub-names/hub.safetensors"), gguf = Fixtures.path("gguf-hub-names/hub-names.gguf")
        for (a, b) in [(hub, gguf), (gguf, hub)] {
            let (result, json) = try run(["diff", a, b, "--json"])
            #expect(result.status == 0)
            let summary = try #require(json["summary"] as? [String: Any])
            #expect(summary["identical"] as? Int == 2 && summary["only_in_a"] as? Int == 0 && summary["only_in_b"] as? Int == 0)
        }
    }

    @Test("bad input exits 2, bad usage 64")
    func errors() throws {
        let bad = try CLI.run(["diff", source, Fixtures.path("sources/zstd/truncated.safetensors.zst")])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasPrefix("tensoraudit: error: \(Fixtures.path("sources/zstd/truncated.safetensors.zst")): "))
        #expect(try CLI.run(["diff", source]).status == 64)
        #expect(try CLI.run(["diff", source, source, "--tolerance=-1"]).status == 64)
        #expect(try CLI.run(["diff", source, source, "--tolerance", "abc"]).status == 64)
    }
}
