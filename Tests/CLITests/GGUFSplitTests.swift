import Foundation
import Testing
import TestSupport

/// Split GGUF models read whole from their first part, as llama.cpp loads them
/// (TestData/gguf-split: parts written by gguf-py's writer with `split_max_tensors=1`, and parts
/// made to fail as llama.cpp fails; gguf-py's reading of every part in `expected.json`).
@Suite struct GGUFSplitTests {
    static func expected() throws -> [String: [String: Any]] {
        try #require(try Fixtures.json("gguf-split/expected.json") as? [String: [String: Any]])
    }

    /// The tensor names gguf-py reads in the parts of `folder`, part after part.
    static func tensors(of folder: String, parts: Int) throws -> [String] {
        let expected = try Self.expected()
        return try (1 ... parts).flatMap { part in
            try #require(expected["\(folder)/llama-0000\(part)-of-0000\(parts).gguf"]?["tensors"] as? [String])
        }
    }

    @Test("untied/, by folder or first part: the 4 parts' tensors in part order, source gguf-split, not partial, no convention tie (output.weight is in part 4)",
          arguments: ["gguf-split/untied", "gguf-split/untied/llama-00001-of-00004.gguf"])
    func wholeModel(path: String) throws {
        let names = try Self.tensors(of: "untied", parts: 4)
        #expect(names == ["token_embd.weight", "output_norm.weight", "blk.0.attn_norm.weight", "output.weight"])
        let inspect = try CLI.json(["inspect", Fixtures.path(path)])
        #expect((inspect["tensors"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == names)
        #expect((inspect["source"] as? [String: Any])?["kind"] as? String == "gguf-split")
        let ties = try CLI.json(["ties", Fixtures.path(path)])
        #expect((ties["tied_by_convention"] as? [Any])?.isEmpty == true)
        let audit = try CLI.json(["audit", Fixtures.path(path)])
        let rules = (audit["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
        #expect(rules?.isEmpty == false && rules?.contains("partial-checkpoint") == false, "\(rules ?? [])")
    }

    @Test("tied/: no output.weight in any of its 3 parts, so llama.cpp's convention ties token_embd.weight")
    func tiedModel() throws {
        #expect(!(try Self.tensors(of: "tied", parts: 3)).contains("output.weight"))
        let ties = try CLI.json(["ties", Fixtures.path("gguf-split/tied")])
        #expect((ties["tied_by_convention"] as? [[String: Any]])?.first?["tensor"] as? String == "token_embd.weight")
    }

    @Test("vocabulary/: the first part's 5 tokens against a 6-row output.weight in the last part is gguf-vocabulary-mismatch")
    func vocabularyAcrossParts() throws {
        #expect(try Self.tensors(of: "vocabulary", parts: 4).last == "output.weight")
        let result = try CLI.run(["audit", Fixtures.path("gguf-split/vocabulary"), "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let found = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-vocabulary-mismatch" }
        #expect(found.count == 1)
        #expect((found.first?["evidence"] as? [String: Any]).map { $0["rows"] as? Int == 6 && $0["tokens"] as? Int == 5 } == true)
    }

    @Test("models llama.cpp refuses: exit 2, invalid-split, naming the part", arguments: [
        ("missing", "missing/llama-00002-of-00004.gguf", "part 2 of this 4-part split model is missing"),
        ("wrong-number", "wrong-number/llama-00002-of-00002.gguf", "part 2 of 2 by its name gives split.no 2 (uint16), not 1 as a uint16"),
        ("twice", "twice/llama-00002-of-00002.gguf", "tensor \"a.weight\" is also in an earlier part"),
        ("count", "count/llama-00001-of-00002.gguf", "the 2 parts hold 4 tensors, and the first part's split.tensors.count is 5"),
        ("first-number", "first-number/llama-00001-of-00002.gguf", "split.no is 1 (uint16), not 0 as a uint16"),
        ("count-type", "count-type/llama-00001-of-00002.gguf", "split.count is 2 (uint32), not a uint16"),
        ("not-gguf", "not-gguf/llama-00002-of-00002.gguf", "named as part 2 of 2 of a split GGUF model, but it is no GGUF file"),
    ])
    func refused(folder: String, part: String, problem: String) throws {
        let expected = try Self.expected()
        switch folder {
        case "missing": #expect(expected["missing/llama-00002-of-00004.gguf"] == nil && expected["missing/llama-00001-of-00004.gguf"] != nil)
        case "wrong-number": #expect((expected[part]?["split"] as? [String: Int])?["split.no"] == 2)
        case "twice": #expect(try Self.tensors(of: "twice", parts: 2).filter { $0 == "a.weight" }.count == 2)
        case "first-number": #expect((expected[part]?["split"] as? [String: Int])?["split.no"] == 1)
        case "count-type": #expect((expected[part]?["split_types"] as? [String: String])?["split.count"] == "UINT32")
        case "not-gguf": #expect(expected[part] == nil)
        default:
            #expect((expected[part]?["split"] as? [String: Int])?["split.tensors.count"] == 5)
            #expect(try Self.tensors(of: "count", parts: 2).count == 4)
        }
        for path in [Fixtures.path("gguf-split/\(folder)"), Fixtures.path("gguf-split/\(folder)/llama-00001-of-0000\(folder == "missing" ? 4 : 2).gguf")] {
            let result = try CLI.run(["audit", path])
            #expect(!result.crashed && result.status == 2)
            #expect(result.stderr.hasPrefix("tensoraudit: error: \(Fixtures.path("gguf-split/" + part)): \(problem)"), "\(result.stderr)")
        }
    }

    @Test("a later part named alone is read alone: partial-checkpoint, shard 2 of 4 by its name")
    func laterPart() throws {
        let audit = try CLI.json(["audit", Fixtures.path("gguf-split/untied/llama-00002-of-00004.gguf")])
        let found = (audit["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "partial-checkpoint" }
        #expect((found.first?["evidence"] as? [String: Any])?["reason"] as? String == "llama-00002-of-00004.gguf is shard 2 of 4 by its name")
        #expect(found.first?["severity"] as? String == "warning")
    }

    /// A GGUF file with no tensors and the uint16 keys `split.no` 0 and `split.count` `count`,
    /// written by hand (GGUF version 3: magic, version, tensor and key counts, then each key as
    /// length, name, type 2 = uint16, value; padded to the 32-byte data offset).
    static func firstPart(count: UInt16) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func little<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        little(UInt32(3))
        little(UInt64(0))
        little(UInt64(2))
        for (key, value) in [("split.no", UInt16(0)), ("split.count", count)] {
            little(UInt64(key.utf8.count))
            bytes += Array(key.utf8)
            little(UInt32(2))
            little(value)
        }
        return bytes + [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
    }

    @Test("a first part saying 20,001 parts: invalid-split past the limit of 20,000, before any part is opened (65,535 ran out of mappings)")
    func tooManyParts() throws {
        let folder = try Fixtures.temporaryDirectory()
        let path = folder.appendingPathComponent("m-00001-of-20001.gguf").path
        try Data(Self.firstPart(count: 20001)).write(to: URL(fileURLWithPath: path))
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed && result.status == 2)
        #expect(result.stderr.hasPrefix("tensoraudit: error: \(path): split.count 20001 is past the limit of 20000 parts"), "\(result.stderr)")
        // The same file saying 2 parts asks for its missing second part.
        try Data(Self.firstPart(count: 2)).write(to: URL(fileURLWithPath: folder.appendingPathComponent("m-00001-of-00002.gguf").path))
        let two = try CLI.run(["inspect", folder.appendingPathComponent("m-00001-of-00002.gguf").path])
        #expect(two.status == 2 && two.stderr.contains("m-00002-of-00002.gguf: part 2 of this 2-part split model is missing"), "\(two.stderr)")
    }

    @Test("quantized/: the second part alone (F16 and Q8_0 by gguf-py, no general.file_type) has no dtype-mixed, only partial-checkpoint; the whole model's file type 7 (Q8_0) explains the mix")
    func mixInALaterPart() throws {
        let expected = try Self.expected()
        let second = try #require(expected["quantized/llama-00002-of-00002.gguf"])
        #expect(second["types"] as? [String] == ["F16", "Q8_0"] && second["file_type"] is NSNull)
        #expect(expected["quantized/llama-00001-of-00002.gguf"]?["file_type"] as? Int == 7)
        func rules(_ path: String) throws -> [String] {
            let audit = try CLI.json(["audit", Fixtures.path(path)])
            return (audit["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String } ?? []
        }
        let alone = try rules("gguf-split/quantized/llama-00002-of-00002.gguf")
        #expect(alone.contains("partial-checkpoint") && !alone.contains("dtype-mixed"), "\(alone)")
        #expect(!(try rules("gguf-split/quantized")).contains("dtype-mixed"))
    }

    @Test("mixed-part/: a later part alone holding F16 and BF16 (gguf-py) is dtype-mixed: no file type allows two unquantized types")
    func twoPlainTypesInALaterPart() throws {
        let part = try #require(try Self.expected()["mixed-part/llama-00002-of-00003.gguf"])
        #expect(part["types"] as? [String] == ["F16", "BF16"] && (part["split"] as? [String: Int])?["split.no"] == 1)
        let audit = try CLI.json(["audit", Fixtures.path("gguf-split/mixed-part/llama-00002-of-00003.gguf")])
        let mixed = (audit["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "dtype-mixed" }
        #expect(((mixed.first?["evidence"] as? [String: Any])?["unexpected"] as? [String]).map(Set.init) == ["F16", "BF16"])
    }
}
