import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `tokens` and the `token` key of `rows`, on the 48 × 6 matrix of TestData/knowledge/indicators.json
/// (numpy's row norms, first principal component, cosine distances and percentile candidates)
/// beside a vocab.txt naming rows 40-47 `[unusedN]` and rows 0-1 special.
@Suite struct TokensCLITests {
    static func reference() throws -> [String: Any] {
        try #require(try Fixtures.json("knowledge/indicators.json") as? [String: Any])
    }

    /// A folder: the matrix as `model.embed_tokens.weight`, a vocab.txt, special tokens, `config`.
    static func folder(config: String) throws -> String {
        let reference = try reference()
        let values = try #require(reference["values"] as? [[Double]])
        var bytes: [UInt8] = []
        for row in values { for x in row { withUnsafeBytes(of: Float(x).bitPattern.littleEndian) { bytes += $0 } } }
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f32,
                                            shape: [UInt64(values.count), UInt64(values[0].count)], bytes: bytes)
        let unused = try #require(reference["unused"] as? [Int])
        let special = try #require(reference["special"] as? [Int])
        #expect(special == [0, 1])
        let vocab = (0..<values.count).map { id -> String in
            if id == 0 { return "[PAD]" }
            if id == 1 { return "[CLS]" }
            if let k = unused.firstIndex(of: id) { return "[unused\(k)]" }
            return "tok\(id)"
        }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        try Data((vocab.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        try Data(#"{"pad_token": "[PAD]", "cls_token": "[CLS]"}"#.utf8).write(to: dir.appendingPathComponent("special_tokens_map.json"))
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    static func tokens(_ dir: String, _ extra: [String] = []) throws -> [String: Any] {
        let result = try CLI.run(["tokens", dir, "--json"] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("an untied model (LlamaConfig default): candidates by input row norm are numpy's")
    func untied() throws {
        let reference = try Self.reference()
        let expected = try #require(reference["norm_candidates"] as? [String: Any])
        let percentile = try #require((reference["percentile"] as? NSNumber)?.doubleValue)
        let report = try Self.tokens(try Self.folder(config: #"{"model_type": "llama"}"#), ["--percentile", "\(percentile)"])
        #expect(report["schema_version"] as? Int == 1)
        let tokenizer = try #require(report["tokenizer"] as? [String: Any])
        #expect(tokenizer["vocab_size"] as? Int == 48 && tokenizer["pad_token"] as? String == "[PAD]")
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["indicator"] as? String == "input-row-norm")
        #expect((matrix["tying"] as? [String: Any])?["evidence"] as? String == "model-type-default")
        #expect(matrix["unused_tokens"] as? Int == (reference["unused"] as? [Int])?.count)
        #expect(matrix["rows_beyond_vocab"] is NSNull)
        let candidates = try #require(matrix["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["row"] as? Int ?? -1 } == expected["rows"] as? [Int])
        #expect(candidates.first?["token"] as? String == "tok\((expected["rows"] as? [Int])?.first ?? -1)")
        #expect(closeEnough(Fixtures.number(matrix["threshold"] as Any) ?? 0, Fixtures.number(expected["threshold"] as Any) ?? 1))
    }

    @Test("a tied model: candidates by cosine distance to the unused rows after removing the first component are numpy's")
    func tied() throws {
        let reference = try Self.reference()
        let expected = try #require(reference["distance_candidates"] as? [String: Any])
        let percentile = try #require((reference["percentile"] as? NSNumber)?.doubleValue)
        let dir = try Self.folder(config: #"{"model_type": "llama", "tie_word_embeddings": true}"#)
        let matrix = try #require((try Self.tokens(dir, ["--percentile", "\(percentile)"])["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["indicator"] as? String == "unused-similarity")
        let candidates = try #require(matrix["candidates"] as? [[String: Any]])
        #expect(candidates.map { $0["row"] as? Int ?? -1 } == expected["rows"] as? [Int])
        #expect(closeEnough(Fixtures.number(matrix["threshold"] as Any) ?? 0, Fixtures.number(expected["threshold"] as Any) ?? 1, relative: 1e-6))
        let distances = try #require(reference["distances"] as? [Double])
        for c in candidates {
            let row = try #require(c["row"] as? Int)
            #expect(closeEnough(Fixtures.number(c["score"] as Any) ?? 0, distances[row], relative: 1e-6))
        }
    }

    /// A folder: an 8 × 2 `model.embed_tokens.weight` (and `lm_head.weight` when `head`), a
    /// `position_embeddings.weight` of 4 rows, and a vocab.txt of `tokens` tokens.
    static func grownTokenizer(tokens: Int, head: Bool = false) throws -> String {
        func matrix(_ name: String, rows: Int) -> SafetensorsWriter.Entry {
            let bytes = (0..<(rows * 2)).flatMap { withUnsafeBytes(of: Float($0 % 7 + 1).bitPattern.littleEndian, Array.init) }
            return .init(name: name, dtype: .f32, shape: [UInt64(rows), 2], bytes: bytes)
        }
        var entries = [matrix("model.embed_tokens.weight", rows: 8), matrix("position_embeddings.weight", rows: 4)]
        if head { entries.append(matrix("lm_head.weight", rows: 8)) }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        let vocab = ["[PAD]"] + (1..<tokens).map { "tok\($0)" }
        try Data((vocab.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        return dir.path
    }

    @Test("a tokenizer with more tokens than the embedding has rows: tokens_beyond_rows, and audit's tokenizer-beyond-rows per token matrix")
    func tokenizerBeyondRows() throws {
        // By hand: 10 tokens, 8 rows: ids 8..<10 (2) have no row.
        let grown = try Self.grownTokenizer(tokens: 10, head: true)
        let matrix = try #require((try Self.tokens(grown)["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["tokens_beyond_rows"] as? [Int] == [8, 10] && matrix["rows_beyond_vocab"] is NSNull)
        let text = try CLI.run(["tokens", grown]).stdout
        #expect(text.contains("tokenizer vocabulary: 10 tokens: token ids 8..<10 (2) have no row"), "\(text)")
        let audit = try CLI.run(["audit", grown, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let found = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "tokenizer-beyond-rows" }
        #expect(found.compactMap { ($0["tensors"] as? [String])?.first }.sorted() == ["lm_head.weight", "model.embed_tokens.weight"])
        #expect(found.allSatisfy { $0["severity"] as? String == "warning" })
        let evidence = try #require(found.first?["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == 8 && evidence["vocab_size"] as? Int == 10 && evidence["tokens_without_row"] as? Int == 2)
        // Position embeddings named with --tensor have fewer rows than tokens by design: no finding.
        let chosen = try CLI.run(["audit", grown, "--tensor", "position_embeddings.weight"])
        #expect(!chosen.stdout.contains("tokenizer-beyond-rows"), "\(chosen.stdout)")
        // The embedding itself pinned with --tensor (to quiet other rules) keeps its warning.
        let pinned = try CLI.run(["audit", grown, "--tensor", "model.embed_tokens.weight", "--json"])
        let pinnedReport = try #require(try JSONSerialization.jsonObject(with: Data(pinned.stdout.utf8)) as? [String: Any])
        let pinnedFound = (pinnedReport["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "tokenizer-beyond-rows" }
        #expect(pinnedFound.compactMap { ($0["tensors"] as? [String])?.first } == ["model.embed_tokens.weight"])
        #expect(pinnedFound.first?["message"] as? String
            == "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 9: ids 8..<10 (2) have no row; an input holding one indexes past the matrix")
        let pinnedHead = try CLI.run(["audit", grown, "--tensor", "lm_head.weight"])
        #expect(pinnedHead.stdout.contains("the model gives them no logit"), "\(pinnedHead.stdout)")
        // 8 tokens for 8 rows, and 6 tokens for 8 rows (padded rows): no warning.
        for tokens in [8, 6] {
            let fits = try CLI.run(["audit", try Self.grownTokenizer(tokens: tokens)])
            #expect(!fits.stdout.contains("tokenizer-beyond-rows"), "\(tokens): \(fits.stdout)")
        }
    }

    @Test("a matrix with more rows than the tokenizer has tokens: audit's information rows-beyond-tokenizer per token matrix")
    func rowsBeyondTokenizer() throws {
        // By hand: 6 tokens, 8 rows: rows 6..<8 (2) have no token.
        let padded = try Self.grownTokenizer(tokens: 6, head: true)
        let matrix = try #require((try Self.tokens(padded)["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["rows_beyond_vocab"] as? [Int] == [6, 8] && matrix["tokens_beyond_rows"] is NSNull)
        let audit = try CLI.run(["audit", padded, "--json"])
        #expect(audit.status == 0, "\(audit.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let found = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "rows-beyond-tokenizer" }
        #expect(found.compactMap { ($0["tensors"] as? [String])?.first }.sorted() == ["lm_head.weight", "model.embed_tokens.weight"])
        #expect(found.allSatisfy { $0["severity"] as? String == "info" && $0["failing"] as? Bool == false })
        let byTensor = Dictionary(found.compactMap { f in (f["tensors"] as? [String])?.first.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
        let evidence = try #require(byTensor["model.embed_tokens.weight"]?["evidence"] as? [String: Any])
        #expect(evidence["rows"] as? Int == 8 && evidence["vocab_size"] as? Int == 6 && evidence["rows_without_token"] as? Int == 2
            && evidence["unused_ids"] as? Int == 0 && evidence["tying_evidence"] == nil)
        #expect(byTensor["model.embed_tokens.weight"]?["message"] as? String
            == "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 5: rows 6..<8 (2) have no token; no input selects them")
        #expect(byTensor["lm_head.weight"]?["message"] as? String
            == "lm_head.weight has 8 rows and the tokenizer's largest id is 5: rows 6..<8 (2) have no token; their logits name no token")
        // The position embedding, a matrix whose rows are not tokens, pinned with --tensor: no finding.
        let chosen = try CLI.run(["audit", padded, "--tensor", "position_embeddings.weight"])
        #expect(!chosen.stdout.contains("rows-beyond-tokenizer"), "\(chosen.stdout)")
        // As many tokens as rows: none.
        let fits = try CLI.run(["audit", try Self.grownTokenizer(tokens: 8, head: true)])
        #expect(!fits.stdout.contains("rows-beyond-tokenizer"), "\(fits.stdout)")
    }

    @Test("an embedding tied to an output projection the folder does not store: its padded rows are logits too (hunt-61a P3)",
          arguments: [("true", true), ("false", false)])
    func tiedEmbeddingPaddedRowsAreLogits(tie: String, tied: Bool) throws {
        // By hand: 6 tokens, 8 rows, no lm_head.weight; config.json says whether the head is tied.
        let dir = try Self.grownTokenizer(tokens: 6)
        try Data(#"{"model_type": "llama", "tie_word_embeddings": \#(tie)}"#.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let found = try Self.auditFindings(dir, rule: "rows-beyond-tokenizer")
        #expect(found.count == 1)
        let evidence = found.first?["evidence"] as? [String: Any]
        let message = "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 5: rows 6..<8 (2) have no token; no input selects them"
        if tied {
            #expect(found.first?["message"] as? String == message + ", and their logits name no token: the matrix is also the output projection (tied, evidence: config)")
            #expect(evidence?["tying_evidence"] as? String == "config")
        } else {
            #expect(found.first?["message"] as? String == message)
            #expect(evidence?["tying_evidence"] == nil)
        }
    }

    @Test("an embedding tied to an unstored output projection, with fewer rows than tokens: the warning says the logits are missing too (hunt-62a L4)")
    func tiedEmbeddingShortOfTokens() throws {
        // By hand: 10 tokens, 8 rows, no lm_head.weight, tie_word_embeddings true.
        let dir = try Self.grownTokenizer(tokens: 10)
        try Data(#"{"model_type": "llama", "tie_word_embeddings": true}"#.utf8).write(to: URL(fileURLWithPath: dir + "/config.json"))
        let found = try Self.auditFindings(dir, rule: "tokenizer-beyond-rows")
        #expect(found.first?["message"] as? String == "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 9: ids 8..<10 (2) have no row; "
            + "an input holding one indexes past the matrix; the matrix is also the output projection (tied, evidence: config), which gives them no logit")
        #expect((found.first?["evidence"] as? [String: Any])?["tying_evidence"] as? String == "config")
    }

    @Test("added_tokens.json beside the checkpoint is read: its token past the rows is a warning (hunt-62a M3)")
    func legacyAddedTokensFile() throws {
        // By hand: 8 rows, vocab.txt of 8 tokens, added_tokens.json adds "<new>" as id 8
        // (transformers 5.25 placed such a token after the vocabulary: config-added-ids/legacy-*).
        let dir = try Self.grownTokenizer(tokens: 8)
        try Data(#"{"<new>": 8}"#.utf8).write(to: URL(fileURLWithPath: dir + "/added_tokens.json"))
        let found = try Self.auditFindings(dir, rule: "tokenizer-beyond-rows")
        #expect(found.first?["message"] as? String == "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 8: ids 8..<9 (1) have no row; "
            + "an input holding one indexes past the matrix")
    }

    /// The findings of `rule` in `audit DIR --json`.
    static func auditFindings(_ dir: String, rule: String) throws -> [[String: Any]] {
        let audit = try CLI.run(["audit", dir, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any], "\(audit.stderr)")
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == rule }
    }

    /// A folder: an `embed_tokens.weight` of `rows` × 2 and a WordLevel tokenizer.json whose
    /// vocabulary holds `ids`.
    static func tokenizerWithHoles(rows: Int, ids: [Int]) throws -> String {
        let bytes = (0..<(rows * 2)).flatMap { withUnsafeBytes(of: Float($0 % 5 + 1).bitPattern.littleEndian, Array.init) }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [.init(name: "model.embed_tokens.weight", dtype: .f32, shape: [UInt64(rows), 2], bytes: bytes)]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        let vocab = ids.map { "\"t\($0)\": \($0)" }.joined(separator: ", ")
        let json = #"{"model": {"type": "WordLevel", "unk_token": "t0", "vocab": {\#(vocab)}}, "added_tokens": []}"#
        try Data(json.utf8).write(to: dir.appendingPathComponent("tokenizer.json"))
        return dir.path
    }

    /// A reference folder of TestData/knowledge/class-special-ids (its tokenizer files, whose
    /// ids transformers 5.25 recorded in expected.json) beside an `embed_tokens.weight` of `rows`.
    static func classSpecialFolder(_ name: String, rows: Int) throws -> String {
        let dir = try Self.tokenizerWithHoles(rows: rows, ids: [0])
        for leaf in ["tokenizer.json", "tokenizer_config.json"] {
            let target = dir + "/" + leaf
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: Fixtures.path("knowledge/class-special-ids/\(name)/\(leaf)"), toPath: target)
        }
        return dir
    }

    @Test("a class's own special tokens the vocabulary lacks come before a missing pad: BertTokenizer's [SEP] takes 20, the pad 21, past 21 rows (hunt-62b N2)")
    func classOwnTokensPushThePadPastTheRows() throws {
        // expected.json, bert-own-sep: [SEP] 20, <pad> 21, [CLS] 22, [MASK] 23 (pad_token_id 21).
        let dir = try Self.classSpecialFolder("bert-own-sep", rows: 21)
        let warning = try #require(try Self.auditFindings(dir, rule: "tokenizer-beyond-rows").first)
        #expect((warning["message"] as? String)?.hasSuffix("the special tokens \"<pad>\", \"[CLS]\", \"[MASK]\" are not in the vocabulary, so transformers adds them "
            + "when it loads the files, with ids from 21 on, past the rows, and a padded batch indexes past the matrix") == true, "\(warning)")
        #expect((warning["evidence"] as? [String: Any])?["added_pad_token"] as? String == "<pad>")
    }

    @Test("the pad token transformers adds at load is checked on its row when the class's own tokens are known: Qwen2Tokenizer's <|endoftext|> is row 20 (review-63b H1)")
    func addedPadRowIsChecked() throws {
        // expected.json, qwen2-own-pad: len 21, pad_token_id 20; 24 rows hold it.
        let dir = try Self.classSpecialFolder("qwen2-own-pad", rows: 24)
        let audit = try CLI.run(["audit", dir, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let findings = report["findings"] as? [[String: Any]] ?? []
        #expect(!findings.contains { $0["rule"] as? String == "padding-unchecked" }, "\(findings)")
        let padded = try #require(findings.first { ($0["evidence"] as? [String: Any])?["pad_id"] as? Int == 20 }, "\(findings)")
        #expect((padded["evidence"] as? [String: Any])?["pad_id_source"] as? String == "tokenizer")
    }

    @Test("ids no token has: counted apart, in the rows past the tokenizer and in its ids past the rows (hunt-61a P5)")
    func idHoles() throws {
        // By hand: ids 0, 1, 2, 4, 5 (3 is a hole), 8 rows: rows 6..<8 (2) past id 5, and row 3.
        let padded = try Self.tokenizerWithHoles(rows: 8, ids: [0, 1, 2, 4, 5])
        let found = try #require(try Self.auditFindings(padded, rule: "rows-beyond-tokenizer").first)
        #expect(found["message"] as? String == "model.embed_tokens.weight has 8 rows and the tokenizer's largest id is 5: rows 6..<8 (2) have no token; "
            + "no input selects them; 1 row below 6 has no token either (ids no token has, from 3)")
        let evidence = found["evidence"] as? [String: Any]
        #expect(evidence?["rows_without_token"] as? Int == 2 && evidence?["unused_ids"] as? Int == 1 && evidence?["vocab_size"] as? Int == 6)
        // By hand: ids 0..3 and 9, 4 rows: ids 4..<10 hold one token without a row (9).
        let grown = try Self.tokenizerWithHoles(rows: 4, ids: [0, 1, 2, 3, 9])
        let warning = try #require(try Self.auditFindings(grown, rule: "tokenizer-beyond-rows").first)
        #expect(warning["message"] as? String == "model.embed_tokens.weight has 4 rows and the tokenizer's largest id is 9: ids 4..<10 (1 token; "
            + "the other ids are no token's) have no row; an input holding one indexes past the matrix")
        #expect((warning["evidence"] as? [String: Any])?["tokens_without_row"] as? Int == 1)
    }

    @Test("special tokens the vocabulary lacks, which transformers adds when it loads the files: past the rows a warning, inside a padded vocabulary their rows are named (hunt-62a M1, M2)",
          arguments: [(20, false), (21, true), (24, false), (24, true)])
    func specialTokensAddedAtLoad(rows: Int, eos: Bool) throws {
        // By hand, with transformers 5.25's order (bos, eos, unk, sep, pad, …): ids 0..<20, so
        // "<eos>" (when named) is added as 20 and "<pad>" after it; `tok.pad` gave [2, 20, 20]
        // for the pad alone, and nn.Embedding(20, 8) raised IndexError on it (hunt-62a c/a5:
        // eos 400, pad 401, IndexError for 401 rows).
        let dir = try Self.tokenizerWithHoles(rows: rows, ids: Array(0..<20))
        let config = eos ? #"{"pad_token": "<pad>", "eos_token": "<eos>"}"# : #"{"pad_token": "<pad>"}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer_config.json"))
        let warnings = try Self.auditFindings(dir, rule: "tokenizer-beyond-rows")
        let infos = try Self.auditFindings(dir, rule: "rows-beyond-tokenizer")
        let head = "model.embed_tokens.weight has \(rows) rows and the tokenizer's largest id is 19: "
        switch (rows, eos) {
        case (20, _), (21, true):
            #expect(infos.isEmpty && warnings.count == 1)
            let first = eos ? 21 : 20
            #expect(warnings.first?["message"] as? String == head + "the special token \"<pad>\" is not in the vocabulary, so transformers adds it "
                + "when it loads the files, with an id from \(first) on, past the rows, and a padded batch indexes past the matrix")
            let evidence = warnings.first?["evidence"] as? [String: Any]
            #expect(evidence?["added_pad_token"] as? String == "<pad>" && evidence?["added_special_tokens"] as? Int == 1
                && evidence?["tokens_without_row"] as? Int == 1)
        default:
            #expect(warnings.isEmpty && infos.count == 1)
            let added = eos ? "the special tokens \"<eos>\", \"<pad>\", which the vocabulary lacks, when it loads the files, with ids from 20 on"
                + ": rows from there on are theirs, the pad token's selected by every padded batch"
                : "the special token \"<pad>\", which the vocabulary lacks, when it loads the files, with an id from 20 on"
                + ": a row from there on is its, selected by every padded batch"
            #expect(infos.first?["message"] as? String == head + "rows 20..<24 (4) have no token; no token of the files selects them, but transformers adds " + added)
            #expect((infos.first?["evidence"] as? [String: Any])?["added_special_tokens"] as? Int == (eos ? 2 : 1))
        }
    }

    @Test("a GGUF file with its own vocabulary beside a vocab.txt of 48 or 80 tokens: neither coverage rule judges it by the files beside (hunt-61a P6)",
          arguments: [48, 80])
    func ggufKeepsItsOwnVocabulary(tokens: Int) throws {
        // llama-f32.gguf: token_embd.weight [64, 64] and a tokenizer.ggml.tokens of 64 tokens
        // (gguf-cli/generate.py); llama.cpp uses those, not a tokenizer beside the file.
        let dir = try Fixtures.temporaryDirectory().path
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-cli/llama-f32.gguf"), toPath: dir + "/model.gguf")
        let vocab = ["[PAD]"] + (1..<tokens).map { "tok\($0)" }
        try Data((vocab.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dir + "/vocab.txt"))
        let audit = try CLI.run(["audit", dir, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any], "\(audit.stderr)")
        let rules = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(!rules.contains("rows-beyond-tokenizer") && !rules.contains("tokenizer-beyond-rows"), "\(rules)")
    }

    @Test("--limit 0 lists no candidate and says so; the count stays numpy's")
    func limitZero() throws {
        let reference = try Self.reference()
        let expected = try #require((reference["norm_candidates"] as? [String: Any])?["rows"] as? [Int])
        let percentile = try #require((reference["percentile"] as? NSNumber)?.doubleValue)
        let dir = try Self.folder(config: #"{"model_type": "llama"}"#)
        let result = try CLI.run(["tokens", dir, "--percentile", "\(percentile)", "--limit", "0"])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("candidates by input-row-norm") })
        #expect(line.contains(": \(expected.count) ordinary tokens") && line.hasSuffix("; none listed (--limit 0)"), "\(line)")
        #expect(!result.stdout.contains("    row "), "\(result.stdout)")
    }

    @Test("an explicit --limit sets the text listing too; without it text lists 20 and says how to see more")
    func limitInText() throws {
        // At the 100th percentile every eligible row is a candidate: numpy's norms of the 38
        // ordinary rows, lowest first (indicators.json), are the expected listing.
        let reference = try Self.reference()
        let norms = try #require(reference["norms"] as? [Double])
        let eligible = try #require(reference["eligible"] as? [Int])
        let expected = eligible.sorted { (norms[$0], $0) < (norms[$1], $1) }
        #expect(expected.count == 38)
        let dir = try Self.folder(config: #"{"model_type": "llama"}"#)
        func listed(_ extra: [String]) throws -> (rows: [Int], more: String?) {
            let result = try CLI.run(["tokens", dir, "--percentile", "100"] + extra)
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            let rows = lines.filter { $0.hasPrefix("    row ") }.compactMap { Int($0.split(separator: " ")[1]) }
            return (rows, lines.first { $0.hasPrefix("    … ") })
        }
        let thirty = try listed(["--limit", "30"])
        #expect(thirty.rows == Array(expected.prefix(30)))
        #expect(thirty.more == nil)
        let five = try listed(["--limit", "5"])
        #expect(five.rows == Array(expected.prefix(5)) && five.more == nil)
        let all = try listed(["--limit", "1000"])
        #expect(all.rows == expected && all.more == nil)
        let byDefault = try listed([])
        #expect(byDefault.rows == Array(expected.prefix(20)))
        #expect(byDefault.more == "    … (20 of 38 listed; --limit N lists more, --json lists 38)")
    }

    @Test("rows beyond the vocabulary are reported; rows --json names each row's token")
    func beyondVocabularyAndRowTokens() throws {
        let dir = try Self.folder(config: #"{"model_type": "llama"}"#)
        // Drop the last 8 lines of vocab.txt: rows 40-47 have no token.
        let vocabPath = dir + "/vocab.txt"
        let lines = try String(contentsOfFile: vocabPath, encoding: .utf8).split(separator: "\n").prefix(40)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: vocabPath))
        let matrix = try #require((try Self.tokens(dir)["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["vocab_size"] as? Int == 40)
        #expect(matrix["rows_beyond_vocab"] as? [Int] == [40, 48])
        let result = try CLI.run(["rows", dir, "--tensor", "model.embed_tokens.weight", "--rows", "0..3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        #expect(rows.map { $0["token"] as? String } == ["[PAD]", "[CLS]", "tok2"])
    }

    @Test("rows --json without --tensor: a token matrix's outliers are named by token (real MiniLM norms)")
    func summaryTokens() throws {
        let dir = try TokenAuditCLITests.miniLMFolder()
        let expected = try TokenAuditCLITests.expected()
        let result = try CLI.run(["rows", dir, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        let summary = try #require(tensors.first { $0["tensor"] as? String == expected["tensor"] as? String })
        let outliers = try #require(summary["outliers"] as? [[String: Any]])
        // Sorted by |score|: the lowest row numpy found comes first.
        #expect(outliers.first?["row"] as? Int == expected["lowest_row"] as? Int)
        #expect(outliers.first?["token"] as? String == expected["lowest_token"] as? String)
        #expect(outliers.allSatisfy { $0["token"] is String })
        #expect(summary["zero_row_tokens"] as? [Any] != nil)
        // Not a token matrix: no token keys.
        let attention = try #require(tensors.first { $0["tensor"] as? String == "encoder.layer.0.attention.self.query.weight" })
        #expect(attention["zero_row_tokens"] == nil)
        #expect((attention["outliers"] as? [[String: Any]])?.allSatisfy { $0["token"] == nil } == true)
    }

    @Test("usage errors: a percentile outside 0-100 or a negative limit is exit 64; an unknown --tensor exit 2")
    func usage() throws {
        let dir = try Self.folder(config: #"{"model_type": "llama"}"#)
        #expect(try CLI.run(["tokens", dir, "--percentile", "101"]).status == 64)
        #expect(try CLI.run(["tokens", dir, "--limit=-1"]).status == 64)
        #expect(try CLI.run(["tokens", dir, "--tensor", "nope"]).status == 2)
        // Without a tokenizer: rows are not named, and the report says so.
        let bare = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: dir + "/model.safetensors", toPath: bare.path + "/model.safetensors")
        let report = try Self.tokens(bare.path)
        #expect(report["tokenizer"] is NSNull)
        #expect((report["notes"] as? [String])?.contains { $0.contains("no tokenizer") } == true)
    }

    @Test("the text header shows the pad token with its controls visible: a newline, an escape or a right-to-left override in it cannot break or reorder the line")
    func hostilePadToken() throws {
        let dir = try Self.folder(config: #"{"model_type": "llama"}"#)
        // special_tokens_map.json names a pad token holding a newline, ESC [31m and U+202E.
        try Data(#"{"pad_token": "P\nZQ\u001b[31m\u202eD"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir).appendingPathComponent("special_tokens_map.json"))
        let result = try CLI.run(["tokens", dir])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("\u{1B}") && !result.stdout.contains("\u{202E}"))
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(!lines.contains { $0.hasPrefix("ZQ") }, "\(lines.prefix(3))")
        // TextEscaping.display's spelling, by hand: U+000A, U+001B and U+202E as \u{hex}.
        #expect(lines.first?.hasSuffix(#"pad token "P\u{a}ZQ\u{1b}[31m\u{202e}D""#) == true, "\(lines.first ?? "")")
        #expect(lines.dropFirst().first?.hasPrefix("  from ") == true)
    }

    @Test("without a tokenizer the candidates are rows, not 'ordinary tokens': nothing sorted them; with one they are ordinary tokens")
    func candidatesWithoutTokenizerAreRows() throws {
        let dir = try Self.folder(config: #"{"model_type": "llama", "tie_word_embeddings": false}"#)
        let named = try CLI.run(["tokens", dir])
        #expect(named.stdout.contains("candidates by input-row-norm: ") && named.stdout.contains(" ordinary token"), "\(named.stdout)")
        // The same matrix alone in another folder: no vocab.txt, no config.json.
        let bare = try Fixtures.temporaryDirectory().appendingPathComponent("model.safetensors")
        try FileManager.default.copyItem(atPath: dir + "/model.safetensors", toPath: bare.path)
        let result = try CLI.run(["tokens", bare.path])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("candidates by") })
        #expect(line.contains("input-row-norm: ") && line.contains(" row") && !line.contains("ordinary"), "\(line)")
    }

    @Test("audit's untrained-tokens on a static embedding model says why its low rows say less, not that they missed gradient")
    func staticModelAuditFinding() throws {
        // A sentence-transformers StaticEmbedding matrix of 64 rows of norm ~2.8, rows 0-3 of norm ~0.03.
        let dir = try Fixtures.temporaryDirectory()
        let values: [Float] = (0 ..< 64 * 8).map { (i: Int) -> Float in
            let scale: Float = i / 8 < 4 ? 0.01 : 1
            return scale * Float(i % 5 + 1) / 3
        }
        try Data(SafetensorsWriter(entries: [.init(name: "embedding.weight", dtype: .f32, shape: [64, 8],
                                                   bytes: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        let report = try CLI.json(["audit", dir.path, "--json"])
        let finding = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "untrained-tokens" })
        let message = try #require(finding["message"] as? String)
        #expect(message.contains("This is a static embedding model: the indicator was made for transformer language models"), "\(message)")
        #expect(!message.contains("rarely or never received gradient"), "\(message)")
    }

    @Test("a static embedding model's candidates come with the caveat that its row norms also carry token weights")
    func staticModelCaveat() throws {
        let report = try CLI.json(["tokens", Fixtures.path("knowledge/families/model2vec-static")])
        let matrix = try #require((report["embeddings"] as? [[String: Any]])?.first)
        #expect(matrix["indicator"] as? String == "input-row-norm")
        // model2vec-static holds `weights` (vocabulary quantisation): rows are not SIF-scaled.
        let note = try #require((matrix["notes"] as? [String])?.first { $0.hasPrefix("a static embedding model: the indicator was made for transformer language models") })
        #expect(!note.contains("SIF"), "\(note)")
        // Tying does not arise there, and the text says so, not "unknown" beside "does not apply" (review of 2026-12-07).
        for command in ["tokens", "padding"] {
            let text = try CLI.run([command, Fixtures.path("knowledge/families/model2vec-static")]).stdout
            #expect(text.contains("  tying: does not apply (evidence: none)\n") && !text.contains("tying: unknown"), "\(command): \(text)")
        }
        // A sentence-transformers StaticEmbedding (no mapping, no weights): the distiller's SIF scaling is named.
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: [.init(name: "embedding.weight", dtype: .f32, shape: [12, 8],
                                                   bytes: [UInt8]((0 ..< 96).flatMap { i in withUnsafeBytes(of: Float(i % 7 + 1).bitPattern.littleEndian, Array.init) }))]).serialize())
            .write(to: dir.appendingPathComponent("model.safetensors"))
        let plain = try CLI.json(["tokens", dir.path])
        let plainNotes = (plain["embeddings"] as? [[String: Any]])?.first?["notes"] as? [String] ?? []
        #expect(plainNotes.contains { $0.hasPrefix("a static embedding model") && $0.contains("SIF weighting") }, "\(plainNotes)")
        // A transformer's matrix gets no such note.
        let transformer = try CLI.json(["tokens", try Self.folder(config: #"{"model_type": "llama", "tie_word_embeddings": false}"#)])
        let other = try #require((transformer["embeddings"] as? [[String: Any]])?.first)
        #expect(other["indicator"] as? String == "input-row-norm")
        let notes = other["notes"] as? [String] ?? []
        #expect(!notes.contains { $0.contains("static embedding model") }, "\(notes)")
    }
}
