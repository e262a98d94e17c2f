import Foundation
import Testing
import TestSupport

/// A GGUF file carries its vocabulary (`tokenizer.ggml.*`): `padding` and `tokens` use it when no
/// tokenizer files sit beside the file. TestData/gguf/valid/metadata.gguf is written by gguf-py;
/// its tokens, token types and pad id are in TestData/gguf/expected.json.
@Suite struct GGUFTokenizerCLITests {
    static let file = "gguf/valid/metadata.gguf"

    static func expected() throws -> [String: Any] {
        try #require((try Fixtures.json("gguf/expected.json") as? [String: Any])?["metadata"] as? [String: Any])
    }

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("padding: the pad id is tokenizer.ggml.padding_token_id, named by its token")
    func padding() throws {
        let expected = try Self.expected()
        let tokens = try #require(expected["tokens"] as? [String])
        let pad = try #require(expected["pad"] as? Int)
        let report = try Self.json(["padding", Fixtures.path(Self.file)])
        let r = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(r["tensor"] as? String == "token_embd.weight")
        #expect(r["pad_id"] as? Int == pad && r["pad_token"] as? String == tokens[pad])
        #expect(r["pad_id_source"] as? String == "tokenizer")
        #expect((r["pad_id_file"] as? String)?.hasSuffix("(tokenizer.ggml.padding_token_id)") == true)
    }

    @Test("tokens: token_type 5 is known unused, control and unknown tokens are special")
    func tokens() throws {
        let expected = try Self.expected()
        let types = try #require(expected["token_types"] as? [Int])
        let report = try Self.json(["tokens", Fixtures.path(Self.file)])
        let tokenizer = try #require(report["tokenizer"] as? [String: Any])
        #expect(tokenizer["vocab_size"] as? Int == types.count)
        let special = Set((tokenizer["special_tokens"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
        #expect(special == Set(types.indices.filter { types[$0] == 2 || types[$0] == 3 }))
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        let unused = (matrix["unused_sample"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(unused == types.indices.filter { types[$0] == 5 })
        let candidates = (matrix["candidates"] as? [[String: Any]] ?? []).compactMap { $0["row"] as? Int }
        #expect(candidates.allSatisfy { !special.contains($0) && !unused.contains($0) })
        // The text names the whole list when it is short: no "…" after the last token.
        let tokens = try #require(expected["tokens"] as? [String])
        #expect(unused.count == 1)
        let text = try CLI.run(["tokens", Fixtures.path(Self.file)]).stdout
        #expect(text.contains("  known unused: 1 token (\"\(tokens[unused[0]])\")\n"), "\(text)")
    }

    @Test("a vocabulary-only GGUF (no tensors, llama.cpp's ggml-vocab files): no advice to use --tensor")
    func vocabularyOnly() throws {
        let path = Fixtures.path("real/ggml-vocab/ggml-vocab-all-minilm-l6-v2.gguf")
        #expect(try CLI.json(["inspect", path, "--json"])["tensors"] as? [Any] == nil
                    || (try CLI.json(["inspect", path, "--json"])["tensors"] as? [Any])?.isEmpty == true)
        for command in ["padding", "tokens"] {
            let text = try CLI.run([command, path]).stdout
            #expect(text.contains("the checkpoint holds no tensors"), "\(command): \(text)")
            #expect(!text.contains("use --tensor"), "\(command)")
        }
    }
}

/// `tokenizer.ggml.bos_token_id` / `eos_token_id` / `unknown_token_id` make their tokens special,
/// as tokenizer_config.json's roles do on the Hub path (TestData/gguf-tokens: no token_type array,
/// so these ids are the only thing that marks the tokens).
@Suite struct GGUFSpecialTokenIDTests {
    static func expected(_ file: String) throws -> [String: Any] {
        try #require((try Fixtures.json("gguf-tokens/expected.json") as? [String: Any])?[file] as? [String: Any])
    }

    @Test("tokens names bos, eos, unk and pad by their roles, beside control; an id past the vocabulary is noted and not used", arguments: ["bos-eos.gguf", "bos-beyond.gguf", "byte-typed.gguf"])
    func roles(file: String) throws {
        let expected = try Self.expected(file)
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path("gguf-tokens/" + file)])
        let special = (report["tokenizer"] as? [String: Any])?["special_tokens"] as? [[String: Any]] ?? []
        var roles: [String: [String]] = [:]
        for token in special { roles[String(token["id"] as? Int ?? -1)] = token["roles"] as? [String] }
        #expect(roles == expected["special"] as? [String: [String]])
        let notes = report["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("bos_token_id 99 is not a token id") } == (file == "bos-beyond.gguf"), "\(notes)")
    }

    @Test("special-id keys whose value is no integer id are each noted with the value, and none is used")
    func unusableIDs() throws {
        let expected = try Self.expected("ids-unusable.gguf")
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path("gguf-tokens/ids-unusable.gguf")])
        let tokenizer = try #require(report["tokenizer"] as? [String: Any])
        #expect((tokenizer["special_tokens"] as? [Any])?.isEmpty == true, "\(tokenizer)")
        #expect(tokenizer["pad_token"] == nil || tokenizer["pad_token"] is NSNull, "\(tokenizer)")
        let notes = report["notes"] as? [String] ?? []
        let noted = try #require(expected["noted"] as? [String: String])
        for (key, value) in noted {
            #expect(notes.contains { $0.contains("\(key) is \(value), not a token id") }, "\(key): \(notes)")
        }
    }

    /// token_type BYTE (6) marks byte-fallback tokens whatever `tokenizer.ggml.model` says
    /// (the real ggml-vocab-gemma-4.gguf says `gemma4`); expected ids from the generator's rule.
    @Test("token_type BYTE tokens follow the byte-fallback rules under a tokenizer model other than llama")
    func byteTyped() throws {
        let expected = try Self.expected("byte-typed.gguf")
        let unused = try #require(expected["known_unused"] as? [Int])
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path("gguf-tokens/byte-typed.gguf"), "--limit", "1000"])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["unused_tokens"] as? Int == unused.count, "\(matrix["unused_sample"] ?? "")")
        let sample = (matrix["unused_sample"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(sample == Array(unused.prefix(sample.count)) && !sample.isEmpty, "\(sample)")
    }

    /// Tokens of invalid UTF-8 are shown repaired (U+FFFD); whether one repeats another is a
    /// question of their bytes, which gguf-py reads back (expected.json): comparing the repairs
    /// called 0xFE, 0xC3, 0xE4 0xB8 and a real U+FFFD token copies of 0xFF, never produced.
    @Test("tokens of invalid UTF-8 are not called shadowed by one another: shadowing follows the bytes gguf-py reads")
    func invalidUTF8() throws {
        let expected = try #require(try Self.expected("invalid-utf8.gguf")["shadowed"] as? [String: Int])
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path("gguf-tokens/invalid-utf8.gguf")])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        let sample = matrix["unused_sample"] as? [[String: Any]] ?? []
        #expect(matrix["unused_tokens"] as? Int == expected.count, "\(sample)")
        // The sample names the id and the reason (not the winner): the shadowed ids are expected's keys.
        #expect(sample.allSatisfy { $0["reason"] as? String == "shadowed" }, "\(sample)")
        #expect(Set(sample.compactMap { ($0["id"] as? Int).map(String.init) }) == Set(expected.keys), "\(sample)")
    }

    /// generate.py writes output.weight from its own random draw, so the two matrices are
    /// separate (not tied); a note on output.weight must not call it tied.
    @Test("an untied output.weight is never called tied: its note names it an output projection")
    func untiedOutputNote() throws {
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path("gguf-tokens/bos-eos.gguf")])
        let matrices = report["embeddings"] as? [[String: Any]] ?? []
        let output = try #require(matrices.first { $0["tensor"] as? String == "output.weight" })
        #expect((output["tying"] as? [String: Any])?["tied"] as? Bool == false)
        let notes = output["notes"] as? [String] ?? []
        #expect(!notes.contains { $0.contains("is tied") }, "\(notes)")
        #expect(notes.contains { $0.contains("output projection") && $0.contains("no unused token") }, "\(notes)")
    }

    @Test("untrained-tokens sorts low bos/eos rows as special, not ordinary", arguments: ["bos-eos.gguf", "bos-beyond.gguf"])
    func untrained(file: String) throws {
        let expected = try Self.expected(file)
        let result = try CLI.run(["audit", Fixtures.path("gguf-tokens/" + file), "--format", "json"])
        let findings = try GGUFCLITests.object(result)["findings"] as? [[String: Any]] ?? []
        let finding = try #require(findings.first { $0["rule"] as? String == "untrained-tokens" })
        let evidence = try #require(finding["evidence"] as? [String: Any])
        let special = try #require(expected["low_special"] as? [Int]), ordinary = try #require(expected["low_ordinary"] as? [Int])
        #expect(evidence["special"] as? Int == special.count && evidence["ordinary"] as? Int == ordinary.count, "\(evidence)")
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("\(special.count) special (" + special.map { "\"tok\($0)\"" }.joined(separator: ", ") + ")"), "\(message)")
    }
}

/// Canonically equivalent spellings are different tokens (TestData/canonical-tokens, written by
/// gguf-py; the real Gemma 3 GGUF holds 434 such pairs): none is reported as shadowed or unused,
/// and each row is named by its own spelling.
@Suite struct GGUFCanonicalSpellingCLITests {
    static let file = "canonical-tokens/canonical.gguf"

    static func expectedTokens() throws -> [[UInt32]] {
        let expected = try #require(try Fixtures.json("canonical-tokens/expected.json") as? [String: Any])
        return try #require(expected["tokens"] as? [[Int]]).map { $0.map(UInt32.init) }
    }

    @Test("tokens: no known-unused token, no candidate excluded as shadowed")
    func tokens() throws {
        let report = try GGUFTokenizerCLITests.json(["tokens", Fixtures.path(Self.file)])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["unused_tokens"] as? Int == 0, "\(matrix["unused_sample"] ?? "")")
        #expect((report["tokenizer"] as? [String: Any])?["vocab_size"] as? Int == (try Self.expectedTokens().count))
    }

    @Test("metadata keys and tensor names that are canonically equivalent are not duplicates (gguf-py reads both)")
    func canonicalNames() throws {
        let expected = try #require(try Fixtures.json("canonical-tokens/expected.json") as? [String: Any])
        let names = try #require(expected["names_tensors"] as? [[Int]]).map { $0.map(UInt32.init) }
        let result = try CLI.run(["inspect", Fixtures.path("canonical-tokens/canonical-names.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try GGUFCLITests.object(result)
        let tensors = (report["tensors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(tensors.map { $0.unicodeScalars.map(\.value) } == names)
    }

    @Test("rows names every row by its own spelling (compared by code points)")
    func rowTokens() throws {
        let expected = try Self.expectedTokens()
        let report = try GGUFTokenizerCLITests.json(["rows", Fixtures.path(Self.file), "--tensor", "token_embd.weight"])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == expected.count)
        for (row, scalars) in zip(rows, expected) {
            let token = try #require(row["token"] as? String)
            #expect(token.unicodeScalars.map(\.value) == scalars, "row \(row["row"] ?? "")")
        }
    }
}

/// `ties` names the tie llama.cpp's convention makes: a GGUF file with `token_embd.weight` and no
/// `output.weight` uses the embedding as the output projection (one copy, no bytes wasted).
/// canonical-tokens/canonical.gguf has no output.weight; gguf-tokens/bos-eos.gguf has its own
/// (from a separate random draw: not tied). Both written by gguf-py.
@Suite struct GGUFConventionTieCLITests {
    @Test("ties reports token_embd.weight tied by convention only when output.weight is absent",
          arguments: [("canonical-tokens/canonical.gguf", true), ("gguf-tokens/bos-eos.gguf", false)])
    func conventionTie(file: String, tied: Bool) throws {
        let report = try GGUFTokenizerCLITests.json(["ties", Fixtures.path(file)])
        let ties = try #require(report["tied_by_convention"] as? [[String: Any]])
        #expect(ties.count == (tied ? 1 : 0), "\(ties)")
        if tied {
            #expect(ties.first?["tensor"] as? String == "token_embd.weight")
            #expect(ties.first?["absent"] as? String == "output.weight")
            #expect(report["wasted_bytes"] as? Int == 0)
        }
        let text = try CLI.run(["ties", Fixtures.path(file)])
        #expect(text.stdout.contains("tied by the format's convention") == tied, "\(text.stdout)")
    }
}
