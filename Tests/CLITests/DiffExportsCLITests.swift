import Foundation
import Testing
import TestSupport

/// `diff` judges an export by what its tensors are (TestData/diff-exports, written by
/// safetensors, torch.save and gguf-py; expected.json holds numpy's counts and relative L2):
/// integers must come through exactly, a buffer the model recomputes is not missing, a tied
/// tensor one side records as a `__metadata__` alias is compared with what the other stores, and
/// values that cannot be decoded are "not compared", never "within tolerance" nor unexplained.
@Suite struct DiffExportsCLITests {
    static func expected(_ key: String) throws -> [String: Any] {
        try #require((try Fixtures.json("diff-exports/expected.json") as? [String: Any])?[key] as? [String: Any])
    }

    static func diff(_ a: String, _ b: String, status: Int32) throws -> [String: Any] {
        let result = try CLI.run(["diff", Fixtures.path("diff-exports/" + a), Fixtures.path("diff-exports/" + b), "--json"])
        #expect(result.status == status, "\(a) \(b): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func tensor(_ report: [String: Any], _ name: String) throws -> [String: Any] {
        try #require((report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == name }, "\(name) in \(report)")
    }

    @Test("one changed value of an integer or boolean tensor fails, though its relative L2 is far under the tolerance")
    func integersExact() throws {
        let counts = try Self.expected("ints")
        let report = try Self.diff("ints-a.safetensors", "ints-b.safetensors", status: 1)
        for name in ["position_ids", "mapping", "mask"] {
            let t = try Self.tensor(report, name)
            #expect(t["exact"] as? Bool == true)
            #expect(t["exceeds_tolerance"] as? Bool == true, "\(t)")
            #expect(t["differing_elements"] as? Int == counts[name] as? Int)
        }
        #expect((report["summary"] as? [String: Any])?["exact_differences"] as? Int == 3)
        let text = try CLI.run(["diff", Fixtures.path("diff-exports/ints-a.safetensors"), Fixtures.path("diff-exports/ints-b.safetensors")])
        #expect(text.stdout.contains("VALUES DIFFER") && text.stdout.contains("position_ids: 1 of 512 values differ"), "\(text.stdout)")
        #expect(text.stdout.contains("B DIFFERS from A (3 with integer values changed)"), "\(text.stdout)")
        // The same tensors against themselves pass.
        _ = try Self.diff("ints-a.safetensors", "ints-a.safetensors", status: 0)
    }

    @Test("position_ids holding 0…N-1, which current transformers no longer saves, is a recomputed buffer, not missing")
    func recomputedPositionIDs() throws {
        let report = try Self.diff("hub-old.safetensors", "hub-new.safetensors", status: 0)
        #expect(report["only_in_a"] as? [String] == [])
        let reason = (report["recomputed_buffers"] as? [String: String])?["embeddings.position_ids"] ?? ""
        #expect(reason.hasPrefix("a position_ids buffer holding 0…63"), "\(report)")
        // Either way round.
        let back = try Self.diff("hub-new.safetensors", "hub-old.safetensors", status: 0)
        #expect((back["recomputed_buffers"] as? [String: String])?.keys.sorted() == ["embeddings.position_ids"])
        // A position_ids that is not 0…N-1 is no such buffer: still only in A.
        let odd = try Self.diff("hub-odd.safetensors", "hub-new.safetensors", status: 1)
        #expect(odd["only_in_a"] as? [String] == ["embeddings.position_ids"])
    }

    @Test("a tensor A records as a __metadata__ alias is compared with the tensor B stores under that name")
    func aliasPairs() throws {
        let alias = try Self.expected("tied-alias")
        #expect(alias["kept"] as? [String] == ["lm_head.weight"])
        #expect(alias["metadata"] as? [String: String] == ["model.embed_tokens.weight": "lm_head.weight"])
        // B (torch.save of the state dict) holds both names: A's kept lm_head faces both.
        let tied = try Self.diff("tied-alias.safetensors", "tied-state.bin", status: 0)
        #expect(tied["only_in_b"] as? [String] == [])
        let pairs = tied["alias_pairs"] as? [[String: String]] ?? []
        #expect(pairs == [["a": "lm_head.weight", "b": "model.embed_tokens.weight", "alias_in": "a"]], "\(pairs)")
        // B's lm_head changed (untied): the pair is compared and the change is found.
        let untied = try Self.diff("tied-alias.safetensors", "untied-state.bin", status: 1)
        let pair = try #require((untied["tensors"] as? [[String: Any]])?.first {
            $0["name"] as? String == "lm_head.weight" && $0["name_b"] as? String == "lm_head.weight"
        })
        let rel = try #require(try Self.expected("untied")["relative_l2"] as? Double)
        #expect(closeEnough(pair["relative_l2"] as? Double ?? .nan, rel, relative: 1e-9), "\(pair)")
        // The other way round: B records the alias, A stores both.
        let back = try Self.diff("tied-state.bin", "tied-alias.safetensors", status: 0)
        #expect(back["only_in_a"] as? [String] == [])
        #expect((back["alias_pairs"] as? [[String: String]])?.first?["alias_in"] == "b")
    }

    @Test("a Q2_K side tensoraudit does not decode is NOT COMPARED, with the reason, and B is not verified")
    func notDecoded() throws {
        let report = try Self.diff("q2k.safetensors", "q2k.gguf", status: 1)
        let t = try Self.tensor(report, "token_embd.weight")
        #expect(t["comparable"] as? Bool == false)
        #expect((t["not_compared"] as? String)?.hasPrefix("Q2_K values are not decoded by tensoraudit") == true, "\(t)")
        let text = try CLI.run(["diff", Fixtures.path("diff-exports/q2k.safetensors"), Fixtures.path("diff-exports/q2k.gguf")])
        #expect(text.stdout.contains("NOT COMPARED") && text.stdout.contains("B NOT VERIFIED against A (1 not compared)"), "\(text.stdout)")
        #expect(text.stdout.contains("so B's values cannot be checked"), "\(text.stdout)")
        // The other way round the Q2_K side is A, the reference: the reason names A.
        let reversed = try CLI.run(["diff", Fixtures.path("diff-exports/q2k.gguf"), Fixtures.path("diff-exports/q2k.safetensors")])
        #expect(reversed.stdout.contains("Q2_K values are not decoded by tensoraudit, so A's values, the reference, cannot be read"),
                "\(reversed.stdout)")
        // Q2_K on both sides, one data byte apart (gguf-py: the tensor's 336 bytes start at 128 of
        // the 480-byte file): neither side reads.
        var bytes = [UInt8](try Fixtures.data("diff-exports/q2k.gguf"))
        bytes[128] ^= 0x01
        let other = try Fixtures.temporaryFile(bytes, name: "q2k-b.gguf")
        let both = try CLI.run(["diff", Fixtures.path("diff-exports/q2k.gguf"), other])
        #expect(both.stdout.contains("Q2_K values are not decoded by tensoraudit, so neither side's values can be read"), "\(both.stdout)")
        #expect(both.stdout.contains("1 tensor compared,"), "\(both.stdout)")
    }

    @Test("with --output, stderr gives the verdict")
    func verdictOnStderr() throws {
        let out = try Fixtures.temporaryDirectory().appendingPathComponent("diff.txt").path
        let result = try CLI.run(["diff", Fixtures.path("diff-exports/ints-a.safetensors"), Fixtures.path("diff-exports/ints-b.safetensors"),
                                  "--output", out])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("tensoraudit: diff: B DIFFERS from A (3 with integer values changed); text report written to"), "\(result.stderr)")
    }

    @Test("every name differs by one dotted prefix: a hint names it and --map")
    func prefixHint() throws {
        let dir = try Fixtures.temporaryDirectory()
        func write(_ file: String, _ names: [String]) throws -> String {
            let path = dir.appendingPathComponent(file).path
            let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [2], bytes: [UInt8](repeating: 0, count: 8)) }
            try Data(SafetensorsWriter(entries: entries).serialize()).write(to: URL(fileURLWithPath: path))
            return path
        }
        let a = try write("a.safetensors", ["embed.weight", "norm.weight"])
        let b = try write("b.safetensors", ["model.embed.weight", "model.norm.weight"])
        let forward = try CLI.run(["diff", a, b])
        #expect(forward.status == 1)
        #expect(forward.stdout.contains("hint: B's names are A's with the prefix \"model.\" added; pair them with --map"), "\(forward.stdout)")
        #expect(try CLI.run(["diff", b, a]).stdout.contains("with the prefix \"model.\" dropped"))
        // Names that differ otherwise get no hint.
        let c = try write("c.safetensors", ["model.embed.weight", "other.weight"])
        #expect(!(try CLI.run(["diff", a, c]).stdout.contains("hint:")))
        // A training checkpoint: the model under "model." and Adam's state under "optimizer.state"
        // (exp_avg, exp_avg_sq, step per parameter, as torch.optim.Adam.state_dict() names them).
        let adam = ["0", "1"].flatMap { k in ["exp_avg", "exp_avg_sq", "step"].map { "optimizer.state.\(k).\($0)" } }
        let training = try write("training.safetensors", ["model.embed.weight", "model.norm.weight"] + adam)
        let fromTraining = try CLI.run(["diff", training, a]).stdout
        #expect(fromTraining.contains("hint: B's names are A's with the prefix \"model.\" dropped (A also holds 6 optimizer-state tensors, "
                                      + "under \"optimizer.state\", which B does not); pair them with --map"), "\(fromTraining)")
        #expect(try CLI.run(["diff", a, training]).stdout.contains("added (B also holds 6 optimizer-state tensors"))
        // Extra names that are no optimizer state: no hint.
        let extra = try write("extra.safetensors", ["model.embed.weight", "model.norm.weight", "model.head.weight"])
        #expect(!(try CLI.run(["diff", a, extra]).stdout.contains("hint:")))
    }

    /// A safetensors file of `entries` (name, dtype, shape, bytes) in a fresh folder.
    static func file(_ entries: [SafetensorsWriter.Entry], metadata: [String: String]? = nil) throws -> String {
        try Fixtures.temporaryFile(SafetensorsWriter(entries: entries, metadata: metadata).serialize())
    }

    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    @Test("integers above 2^53 are compared exactly: U64 2^64-1 against 2^64-2, I64 against its F32 rounding")
    func integersBeyondDouble() throws {
        // As doubles 2^64-1 and 2^64-2 are one value; as integers they differ (by hand).
        let a = try Self.file([.init(name: "x", dtype: .u64, shape: [2], bytes: Self.bytes([UInt64.max, 1 << 63]))])
        let b = try Self.file([.init(name: "x", dtype: .u64, shape: [2], bytes: Self.bytes([UInt64.max - 1, 1 << 63]))])
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 1, "\(result.stdout)")
        let x = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]).flatMap { ($0["tensors"] as? [[String: Any]])?.first })
        #expect(x["differing_elements"] as? Int == 1 && x["exceeds_tolerance"] as? Bool == true, "\(x)")
        // The distance is taken exactly, then rounded: 1 (by hand), not the 0 of two equal doubles.
        // ‖a‖ = √((2^64 − 1)² + (2^63)²) ≈ 2^64 · √1.25.
        #expect(x["max_abs_diff"] as? Double == 1, "\(x)")
        let relative = try #require(x["relative_l2"] as? Double)
        #expect(abs(relative - 1 / (0x1p64 * 1.25.squareRoot())) <= 1e-12 * relative, "\(x)")
        let top = x["top_rows"] as? [[String: Any]] ?? []
        #expect(top.count == 1 && top.first?["row"] as? Int == 0 && top.first?["l2"] as? Double == 1 && top.first?["max_abs"] as? Double == 1, "\(x)")
        // I64 against F32: Float(2^24 + 1) = 2^24, Float(2^24 + 3) = 2^24 + 4, Float(2^53 + 1) = 2^53,
        // Float(5) = 5: three of four values changed (the Double comparison counted two).
        let ints: [Int64] = [(1 << 24) + 1, (1 << 24) + 3, (1 << 53) + 1, 5]
        let floats = ints.map { Float($0).bitPattern }
        let i = try Self.file([.init(name: "x", dtype: .i64, shape: [4], bytes: Self.bytes(ints))])
        let f = try Self.file([.init(name: "x", dtype: .f32, shape: [4], bytes: Self.bytes(floats))])
        let mixed = try CLI.run(["diff", i, f])
        #expect(mixed.status == 1 && mixed.stdout.contains("x: 3 of 4 values differ"), "\(mixed.stdout)")
        // Distances 1, 1, 1, 0 (by hand): ‖a − b‖ = √3, ‖a‖ ≈ 2^53 (the doubles gave √2: 2^53 + 1
        // and 2^53 are one double).
        let mixedJSON = try CLI.run(["diff", i, f, "--json"])
        let y = try #require((try JSONSerialization.jsonObject(with: Data(mixedJSON.stdout.utf8)) as? [String: Any]).flatMap { ($0["tensors"] as? [[String: Any]])?.first })
        let mixedRelative = try #require(y["relative_l2"] as? Double)
        #expect(abs(mixedRelative - 3.squareRoot() / 0x1p53) <= 1e-9 * mixedRelative, "\(y)")
        #expect(y["max_abs_diff"] as? Double == 1, "\(y)")
    }

    @Test("integers above 2^53 against floats that are no 64-bit integer: distances from the exact integer (by hand)")
    func integersAgainstFloats() throws {
        // I64 [2^60 + 1, 3] against F64 [2^60, 3.5]: distances 1 and 0.5, ‖a − b‖ = √1.25, ‖a‖ ≈ 2^60.
        let a = try Self.file([.init(name: "x", dtype: .i64, shape: [2], bytes: Self.bytes([Int64(1 << 60) + 1, 3]))])
        let b = try Self.file([.init(name: "x", dtype: .f64, shape: [2], bytes: Self.bytes([Double(1 << 60).bitPattern, 3.5.bitPattern]))])
        let x = try #require((try JSONSerialization.jsonObject(with: Data(try CLI.run(["diff", a, b, "--json"]).stdout.utf8)) as? [String: Any])
            .flatMap { ($0["tensors"] as? [[String: Any]])?.first })
        #expect(x["max_abs_diff"] as? Double == 1, "\(x)")
        let relative = try #require(x["relative_l2"] as? Double)
        #expect(abs(relative - 1.25.squareRoot() / 0x1p60) <= 1e-12 * relative, "\(x)")
        // U64 [2^64 − 1] against F64 [2^64] (no UInt64 holds it): 1 apart, where Double(a) − b is 0.
        let c = try Self.file([.init(name: "x", dtype: .u64, shape: [1], bytes: Self.bytes([UInt64.max]))])
        let d = try Self.file([.init(name: "x", dtype: .f64, shape: [1], bytes: Self.bytes([0x1p64.bitPattern]))])
        let y = try #require((try JSONSerialization.jsonObject(with: Data(try CLI.run(["diff", c, d, "--json"]).stdout.utf8)) as? [String: Any])
            .flatMap { ($0["tensors"] as? [[String: Any]])?.first })
        #expect(y["max_abs_diff"] as? Double == 1 && y["differing_elements"] as? Int == 1, "\(y)")
    }

    @Test("an I8 position_ids that wraps past 127 is no 0…N-1 buffer: still only in A")
    func signedPositionIDs() throws {
        // numpy's arange(256).astype(int8): 0…127, then -128…-1 (the bytes 0…255).
        let wrapped = try Self.file([.init(name: "embeddings.position_ids", dtype: .i8, shape: [1, 256], bytes: (0..<256).map { UInt8($0) }),
                                     .init(name: "w", dtype: .f32, shape: [1], bytes: [0, 0, 128, 63])])
        let plain = try Self.file([.init(name: "w", dtype: .f32, shape: [1], bytes: [0, 0, 128, 63])])
        let report = try Self.diff(wrapped, plain)
        #expect(report["only_in_a"] as? [String] == ["embeddings.position_ids"], "\(report)")
        #expect((report["recomputed_buffers"] as? [String: String]) == [:])
    }

    @Test("aliases on both sides make one pair once; the tensor an alias pairs is not also only on one side")
    func aliasPairsOnce() throws {
        let w: [UInt8] = Self.bytes((0..<8).map { UInt32(Float($0).bitPattern) })
        // A keeps model.embed_tokens.weight (lm_head.weight its alias); B keeps lm_head.weight
        // (model.embed_tokens.weight its alias): one pair, A's kept against B's kept.
        let a = try Self.file([.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [2, 4], bytes: w)],
                              metadata: ["lm_head.weight": "model.embed_tokens.weight"])
        let b = try Self.file([.init(name: "lm_head.weight", dtype: .f32, shape: [2, 4], bytes: w)],
                              metadata: ["model.embed_tokens.weight": "lm_head.weight"])
        let both = try Self.diff(a, b)
        #expect((both["tensors"] as? [[String: Any]])?.count == 1, "\(both)")
        #expect((both["alias_pairs"] as? [[String: String]])?.count == 1)
        #expect(both["only_in_a"] as? [String] == [] && both["only_in_b"] as? [String] == [])
        // B keeps h and records lm_head.weight as its alias; A stores lm_head.weight: h is paired, not only in B.
        let stored = try Self.file([.init(name: "lm_head.weight", dtype: .f32, shape: [2, 4], bytes: w)])
        let kept = try Self.file([.init(name: "h", dtype: .f32, shape: [2, 4], bytes: w)], metadata: ["lm_head.weight": "h"])
        let result = try CLI.run(["diff", stored, kept])
        #expect(result.status == 0 && !result.stdout.contains("only in B"), "\(result.stdout)")
    }

    static func diff(_ a: String, _ b: String) throws -> [String: Any] {
        let result = try CLI.run(["diff", a, b, "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    }
}
