import Foundation
import Testing
import TestSupport

/// Every command on GGUF files written by gguf-py (TestData/gguf-cli, TestData/gguf): expected
/// values from `gguf.quants.dequantize` and numpy in float64.
@Suite struct GGUFCLITests {
    static func object(_ result: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func expected() throws -> [String: Any] {
        try #require(try Fixtures.json("gguf-cli/expected.json") as? [String: Any])
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double = 1e-9) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b))
    }

    @Test("inspect: format gguf, ggml type names, row-major shapes")
    func inspect() throws {
        let result = try CLI.run(["inspect", Fixtures.path("gguf-cli/llama-q8_0.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.object(result)
        #expect((report["files"] as? [[String: Any]])?.map { $0["format"] as? String } == ["gguf"])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        var types: [String: String] = [:]
        for t in tensors { types[t["name"] as? String ?? ""] = t["dtype"] as? String }
        #expect(types == ["token_embd.weight": "Q8_0", "blk.0.attn_q.weight": "Q8_0", "blk.1.attn_q.weight": "Q8_0",
                          "output_norm.weight": "F32"])
        #expect(tensors.first { $0["name"] as? String == "token_embd.weight" }?["shape"] as? [Int] == [64, 64])
    }

    @Test("inspect gives the alignment the file declares (gguf-py's reader.alignment), beside the one the offsets show",
          arguments: ["align-64.gguf", "align-8.gguf", "small.gguf"])
    func declaredAlignment(file: String) throws {
        let files = try #require((try Fixtures.json("gguf/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        let alignment = try #require(files[file]?["alignment"] as? Int)
        let path = Fixtures.path("gguf/valid/" + file)
        let report = try CLI.json(["inspect", path])
        #expect((report["files"] as? [[String: Any]])?.first?["gguf_alignment"] as? Int == alignment)
        let text = try CLI.run(["inspect", path]).stdout
        let stated = file != "small.gguf"
        #expect(text.contains("the file declares alignment \(alignment) " + (stated ? "(general.alignment)" : "(GGUF's default; no general.alignment)")), "\(text)")
    }

    @Test("rows decodes every decodable ggml type to gguf-py's values (row norms, relative 1e-9) and skips the others with a reason")
    func rows() throws {
        let file = try #require((try Fixtures.json("gguf/expected.json") as? [String: Any])?["files"] as? [String: Any])
        let tensors = try #require((file["types.gguf"] as? [String: Any])?["tensors"] as? [[String: Any]])
        let result = try CLI.run(["rows", Fixtures.path("gguf/valid/types.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.object(result)
        let decodable: Set = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"]
        var checked = Set<String>()
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String), type = try #require(tensor["type"] as? String)
            guard decodable.contains(type), (tensor["shape"] as? [Int])?.count == 2 else { continue }
            let rowsResult = try CLI.run(["rows", Fixtures.path("gguf/valid/types.gguf"), "--tensor", name, "--json"])
            let rows = try #require(try Self.object(rowsResult)["rows"] as? [[String: Any]], "\(name)")
            let reference = try #require(tensor["rows"] as? [[String: Any]])
            #expect(rows.count == reference.count)
            for (row, ref) in zip(rows, reference) {
                let norm = try #require(row["l2_norm"] as? Double)
                let sumSquares = try #require(ref["sum_squares"] as? Double)
                #expect(Self.close(norm, sumSquares.squareRoot()), "\(name) row \(row["row"] ?? "?")")
            }
            checked.insert(type)
        }
        #expect(checked.isSuperset(of: ["Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K"]))
        let skipped = try #require(report["skipped"] as? [[String: Any]])
        #expect(skipped.contains { $0["tensor"] as? String == "skipped.q2_k" && ($0["reason"] as? String ?? "").contains("Q2_K") })
    }

    @Test("diff measures quantization error: relative L2 and max |a − b| as numpy computes them from dequantize")
    func quantizationError() throws {
        let expected = try Self.expected()
        for (file, tolerance, status) in [("llama-q4_0.gguf", "0.01", Int32(1)), ("llama-q8_0.gguf", "0.01", Int32(0))] {
            let result = try CLI.run(["diff", Fixtures.path("gguf-cli/llama-f32.gguf"), Fixtures.path("gguf-cli/" + file),
                                      "--json", "--tolerance", tolerance])
            #expect(result.status == status, "\(file): \(result.stderr)")
            let reference = try #require((expected[file] as? [String: Any])?["diff_from_f32"] as? [String: [String: Double]])
            let tensors = try #require(try Self.object(result)["tensors"] as? [[String: Any]])
            #expect(tensors.count == reference.count)
            for tensor in tensors {
                let name = try #require(tensor["name"] as? String)
                let ref = try #require(reference[name])
                #expect(Self.close(tensor["relative_l2"] as? Double ?? -1, ref["relative_l2"] ?? -2) || ref["relative_l2"] == 0, "\(file) \(name)")
                #expect(Self.close(tensor["max_abs_diff"] as? Double ?? -1, ref["max_abs"] ?? -2) || ref["max_abs"] == 0, "\(file) \(name)")
            }
        }
    }

    @Test("padding reads a quantized embedding's pad row; ties groups quantized layer copies")
    func paddingAndTies() throws {
        let result = try CLI.run(["padding", Fixtures.path("gguf-cli/llama-q8_0.gguf"), "--pad-id", "3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let embedding = try #require((try Self.object(result)["embeddings"] as? [[String: Any]])?.first)
        #expect(embedding["tensor"] as? String == "token_embd.weight")
        let norms = try #require((try Self.expected()["llama-q8_0.gguf"] as? [String: Any])?["embedding_row_norms"] as? [Double])
        #expect(Self.close(embedding["row_norm"] as? Double ?? -1, norms[3]))
        let ties = try Self.object(try CLI.run(["ties", Fixtures.path("gguf-cli/llama-q8_0.gguf"), "--json"]))
        let groups = try #require(ties["groups"] as? [[String: Any]])
        #expect(groups.map { $0["tensors"] as? [String] } == [["blk.0.attn_q.weight", "blk.1.attn_q.weight"]])
        #expect(groups.first?["dtype"] as? String == "Q8_0")
    }

    @Test("audit: gguf-vocabulary-mismatch (error) and gguf-problem (warning)")
    func rules() throws {
        let mismatch = try CLI.run(["audit", Fixtures.path("gguf-cli/vocab-mismatch.gguf"), "--format", "json"])
        #expect(mismatch.status == 1)
        let findings = try #require(try Self.object(mismatch)["findings"] as? [[String: Any]])
        let vocabulary = try #require(findings.first { $0["rule"] as? String == "gguf-vocabulary-mismatch" })
        let evidence = try #require(vocabulary["evidence"] as? [String: Any])
        #expect(evidence["tokens"] as? Int == 60 && evidence["rows"] as? Int == 64)
        let long = try CLI.run(["audit", Fixtures.path("gguf/problem/long-name.gguf"), "--format", "json"])
        let problems = (try Self.object(long)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-problem" }
        #expect(problems.count == 1 && problems.first?["severity"] as? String == "warning")
        #expect(try CLI.run(["audit", Fixtures.path("gguf-cli/llama-q8_0.gguf")]).status == 0)
    }

    @Test("audit: tokenizer keys of the wrong type are a gguf-problem naming the key, not dropped silently",
          arguments: [("tokens-not-strings.gguf", "tokenizer.ggml.tokens"), ("token-type-short.gguf", "tokenizer.ggml.token_type"),
                      ("scores-short.gguf", "tokenizer.ggml.scores"), ("scores-wrong-type.gguf", "tokenizer.ggml.scores"),
                      ("token-type-long.gguf", "tokenizer.ggml.token_type")])
    func tokenizerKeysOfWrongType(file: String, key: String) throws {
        let result = try CLI.run(["audit", Fixtures.path("gguf/problem/" + file), "--format", "json"])
        let problems = (try Self.object(result)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-problem" }
        // One problem names the key; the fixture (gguf-py's writer with no tokenizer.ggml.model)
        // also has the missing model key llama.cpp requires.
        let messages = problems.compactMap { $0["message"] as? String }
        #expect(messages.filter { $0.hasPrefix("metadata \"\(key)\" is") }.count == 1, "\(problems)")
        #expect(messages.contains { $0.hasPrefix("metadata \"tokenizer.ggml.model\" is missing") }, "\(problems)")
        #expect(problems.count == 2, "\(problems)")
    }

    /// llama.cpp's vocabulary loader (llama-vocab.cpp as vendored by llama-cpp-python 0.3.36)
    /// refuses a shorter `token_type` or `scores` and reads the first n_tokens values of a longer
    /// one (hunt-54a D4, D5: a short `scores` passed unsaid; a long `token_type` was dropped, so
    /// the control token lost its role).
    @Test("a token_type longer than the token list is read for its first values, as llama.cpp reads it; shorter arrays are refused by llama.cpp, and said so")
    func tokenizerArrayLengths() throws {
        func messages(_ file: String) throws -> [String] {
            let result = try CLI.run(["audit", Fixtures.path("gguf/problem/" + file), "--format", "json"])
            return (try Self.object(result)["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "gguf-problem" }
                .compactMap { $0["message"] as? String }
        }
        #expect(try messages("token-type-long.gguf").contains(
            "metadata \"tokenizer.ggml.token_type\" is [5 × int32] for 3 tokens: the first 3 are used, as llama.cpp reads them, and the other 2 ignored"))
        #expect(try messages("scores-short.gguf").contains { $0.hasSuffix("is [1 × float32] for 3 tokens, not a float32 or int32 array of at least one value per token: llama.cpp refuses the file") })
        #expect(try messages("token-type-short.gguf").contains { $0.hasSuffix("llama.cpp refuses the file, and no token is marked unused or control by it") })
        // The long array's first three values mark token 1 ("b") CONTROL.
        let tokens = try Self.object(try CLI.run(["tokens", Fixtures.path("gguf/problem/token-type-long.gguf"), "--json"]))
        let special = try #require((tokens["tokenizer"] as? [String: Any])?["special_tokens"] as? [[String: Any]])
        #expect(special.count == 1)
        #expect(special.first?["id"] as? Int == 1 && special.first?["roles"] as? [String] == ["control"])
    }

    @Test("diff of a Hub safetensors file and its GGUF pairs names by the llama map (or --map) and measures Q8_0 error")
    func acrossFormats() throws {
        let expected = try #require(try Self.expected()["hub-llama"] as? [String: [String: Any]])
        let a = Fixtures.path("gguf-cli/hub-llama.safetensors"), b = Fixtures.path("gguf-cli/hub-llama-q8_0.gguf")
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        let report = try Self.object(result)
        #expect((report["only_in_a"] as? [String]) == [] && (report["only_in_b"] as? [String]) == [])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == expected.count)
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String)
            let ref = try #require(expected[name])
            #expect(tensor["name_b"] as? String == ref["gguf_name"] as? String)
            let rel = try #require(ref["relative_l2"] as? Double)
            #expect(Self.close(tensor["relative_l2"] as? Double ?? -1, rel) || rel == 0, "\(name)")
        }
        // An explicit map without lm_head: that pair is no longer made.
        let mapped = try Self.object(try CLI.run(["diff", a, b, "--map", Fixtures.path("gguf-cli/hub-map.json"), "--json"]))
        #expect(mapped["only_in_a"] as? [String] == ["lm_head.weight"] && mapped["only_in_b"] as? [String] == ["output.weight"])
        let bad = try Fixtures.temporaryFile(Array(#"{"a": "x", "a": "y"}"#.utf8), name: "map.json")
        let refused = try CLI.run(["diff", a, b, "--map", bad])
        #expect(refused.status == 2 && refused.stderr.contains("appears twice"), "\(refused.stderr)")
    }

    @Test("padding takes the pad id and token names from the GGUF tokenizer metadata, UNUSED token types, and llama.cpp's tying convention")
    func ggufTokenizer() throws {
        let result = try CLI.run(["padding", Fixtures.path("gguf-cli/llama-q8_0.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let embedding = try #require((try Self.object(result)["embeddings"] as? [[String: Any]])?.first)
        let expected = try Self.expected()
        // generate.py wrote padding_token_id 3, token "tok3", token_type 5 for ids 60-63, no output.weight.
        #expect(embedding["pad_id"] as? Int == expected["pad_id"] as? Int)
        #expect(embedding["pad_id_source"] as? String == "tokenizer")
        #expect(embedding["pad_token"] as? String == "tok3")
        #expect((embedding["unused_rows"] as? [String: Any])?["count"] as? Int == (expected["unused_ids"] as? [Int])?.count)
        let tying = try #require(embedding["tying"] as? [String: Any])
        #expect(tying["evidence"] as? String == "format-convention" && tying["tied"] as? Bool == true)
        // With output.weight present the convention does not apply.
        let hub = try Self.object(try CLI.run(["padding", Fixtures.path("gguf-cli/hub-llama-q8_0.gguf"), "--pad-id", "0", "--json"]))
        let first = try #require((hub["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "token_embd.weight" })
        #expect((first["tying"] as? [String: Any])?["evidence"] as? String != "format-convention")
    }

    @Test("every hostile GGUF file: exit 2 with one line naming the file, for every command")
    func hostile() throws {
        let folder = Fixtures.path("gguf/hostile")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".gguf") }.sorted()
        #expect(names.count > 20)
        for name in names {
            for command in ["inspect", "rows", "ties", "padding", "audit"] {
                let result = try CLI.run([command, folder + "/" + name], timeout: 30)
                #expect(result.status == 2 && !result.crashed, "\(command) \(name)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + folder + "/" + name), "\(command) \(name): \(result.stderr)")
            }
        }
    }
}
