import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// A tied head stored as a byte-identical copy (safetensors holds no shared storage) that a
/// re-save drops: explained when a config.json ties the pair, a failure otherwise (helper-151:
/// transformers' save_pretrained of such a masked-LM file failed `diff` with "only in A").
/// TestData/toy-bert stores `cls.predictions.decoder.weight` as a copy of the word embedding
/// (audit calls them tied weights saved twice) and its config.json states no tie_word_embeddings,
/// so BertConfig's default (true) ties them.
@Suite struct DiffTiedCopyTests {
    /// toy-bert without `cls.predictions.decoder.weight`: the header read by Foundation, each
    /// other tensor's bytes copied as they are.
    static func withoutDecoder(config: [String: Any]? = nil) throws -> String {
        let bytes = Array(try Fixtures.data("toy-bert/model.safetensors"))
        var entries: [SafetensorsWriter.Entry] = []
        for name in try Fixtures.safetensorsNames(in: bytes) where name != "cls.predictions.decoder.weight" {
            let entry = try Fixtures.safetensorsEntry(name, in: bytes)
            let dtype = try #require(DType(rawValue: entry.dtype))
            entries.append(.init(name: name, dtype: dtype, shape: entry.shape, bytes: Array(bytes[entry.range])))
        }
        let dir = try Fixtures.temporaryDirectory()
        try Data(SafetensorsWriter(entries: entries.sorted { $0.name < $1.name }).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        var settings = try #require(try Fixtures.json("toy-bert/config.json") as? [String: Any])
        for (key, value) in config ?? [:] { settings[key] = value }
        try JSONSerialization.data(withJSONObject: settings).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    @Test("BertConfig's default ties the decoder to the word embedding: its dropped copy is explained, exit 0")
    func droppedTiedCopy() throws {
        let b = try Self.withoutDecoder()
        let text = try CLI.run(["diff", Fixtures.path("toy-bert"), b])
        #expect(text.status == 0, "\(text.stdout)")
        #expect(text.stdout.contains("omitted by B: \"cls.predictions.decoder.weight\", which A stores as a byte-identical copy of "
            + "\"bert.embeddings.word_embeddings.weight\", and BertConfig's default ties word embeddings"), "\(text.stdout)")
        let report = try CLI.json(["diff", Fixtures.path("toy-bert"), b])
        #expect(report["dropped_tied_copies"] as? [String: String] == ["cls.predictions.decoder.weight": "bert.embeddings.word_embeddings.weight"])
        #expect((report["tied_copy_evidence"] as? String)?.hasPrefix("BertConfig's default ties word embeddings") == true)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
    }

    /// The config B's loader reads decides: with B's tie_word_embeddings false, transformers
    /// leaves B's head missing and random (helper-152 loaded such a Llama and BART export).
    @Test("tie_word_embeddings false in B's config.json: the missing copy is a failure, whatever A's says")
    func untiedCopyMissing() throws {
        let b = try Self.withoutDecoder(config: ["tie_word_embeddings": false])
        let text = try CLI.run(["diff", Fixtures.path("toy-bert"), b])
        #expect(text.status == 1)
        #expect(text.stdout.contains("only in A: \"cls.predictions.decoder.weight\""), "\(text.stdout)")
        // A's config untied, B's tying (BertConfig's default): B's loader restores the head.
        let a = try Fixtures.temporaryDirectory()
        try Fixtures.data("toy-bert/model.safetensors").write(to: a.appendingPathComponent("model.safetensors"))
        var config = try #require(try Fixtures.json("toy-bert/config.json") as? [String: Any])
        config["tie_word_embeddings"] = false
        try JSONSerialization.data(withJSONObject: config).write(to: a.appendingPathComponent("config.json"))
        #expect(try CLI.run(["diff", a.path, try Self.withoutDecoder()]).status == 0)
    }

    /// N tensors named like output projections that B lacks, N named like word embeddings that
    /// both hold, all [1, 1] F32 1.0, with a BERT config.json on both sides: every head is a
    /// tied copy. The first version searched all tensors for each missing one: 20,000 of each
    /// took 3 min 12 s (a release build); the bucketed search is linear.
    @Test("tied copies among many tensors: diff stays linear in the tensors")
    func tiedCopiesAreLinear() throws {
        let one = withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { Array($0) }
        func entries(_ names: [String]) -> [UInt8] {
            SafetensorsWriter(entries: names.map { .init(name: $0, dtype: .f32, shape: [1, 1], bytes: one) }).serialize()
        }
        let root = try Fixtures.temporaryDirectory()
        var pairs: [Int: (String, String)] = [:]
        for n in [1000, 4000] {
            let heads = (0..<n).map { "x.\($0).lm_head.weight" }, embeddings = (0..<n).map { "x.\($0).embed_tokens.weight" }
            let a = root.appendingPathComponent("a\(n)"), b = root.appendingPathComponent("b\(n)")
            for (dir, names) in [(a, heads + embeddings), (b, embeddings)] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                try Data(entries(names)).write(to: dir.appendingPathComponent("model.safetensors"))
                try Data(#"{"model_type": "bert"}"#.utf8).write(to: dir.appendingPathComponent("config.json"))
            }
            pairs[n] = (a.path, b.path)
        }
        let small = try #require(pairs[1000])
        let report = try CLI.json(["diff", small.0, small.1])
        #expect((report["dropped_tied_copies"] as? [String: String])?.count == 1000)
        let ratio = try LinearTime.ratio(1000, clock: .wall) { n in  // the work is a child process
            let (a, b) = try #require(pairs[n])
            _ = try CLI.run(["diff", a, b])
        }
        #expect(ratio < LinearTime.bound, "4x the tensors took \(ratio)x the time")
    }
}

/// Real re-saves (`TestData/diff-tied-copies`, written by transformers 5.25 from old exports that
/// hold every tied copy): T5's and BART's `encoder`/`decoder.embed_tokens` copies of `shared`
/// and BERT's `cls.predictions.decoder.bias` copy failed `diff` with "only in A" before
/// 2026-12-06. The dropped → kept pairs expected are those transformers made share one
/// parameter (`expected.json`, from the generator), not tensoraudit's.
@Suite struct DiffTiedCopyResaveTests {
    static let root = "diff-tied-copies"

    static func expected(_ name: String) throws -> [String: String] {
        let all = try #require(try Fixtures.json("\(root)/expected.json") as? [String: Any])
        return try #require((all[name] as? [String: Any])?["dropped"] as? [String: String])
    }

    @Test("every copy transformers dropped is listed with the tensor it is tied to; exit 0",
          arguments: ["t5", "t5-stated-false", "bart", "bert", "llava", "gemma3"])
    func resave(name: String) throws {
        let a = Fixtures.path("\(Self.root)/\(name)/A"), b = Fixtures.path("\(Self.root)/\(name)/B")
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["dropped_tied_copies"] as? [String: String] == (try Self.expected(name)))
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
        if name == "t5-stated-false" {
            #expect((report["tied_copy_evidence"] as? String)?.hasPrefix("T5Config sets tie_word_embeddings true whatever ") == true)
        }
    }

    /// The other way round: A the re-save, B the export storing the copies (hunt-52a D5: two
    /// folders that load alike failed with "only in B").
    @Test("the re-save as A, the export as B: the copies B stores are listed as omitted by A; exit 0",
          arguments: ["t5", "t5-stated-false", "bart", "bert", "llava", "gemma3"])
    func reversed(name: String) throws {
        let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/\(name)/B"), Fixtures.path("\(Self.root)/\(name)/A")])
        #expect(report["dropped_tied_copies_by_a"] as? [String: String] == (try Self.expected(name)))
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        #expect((report["dropped_tied_copies"] as? [String: String])?.isEmpty == true)
    }

    /// Composite configs read tie_word_embeddings at two levels, each class its own way:
    /// LlavaConfig ties when either says true (hunt-52a D4: top-level false with text_config true
    /// failed "only in A: lm_head.weight"); Gemma3Config reads its top level only, default true
    /// (review-53 #3: a text_config false failed). B's config.json written each way the two keys
    /// can be stated; the verdict of each, whether transformers' from_pretrained gives A's
    /// lm_head back, is in expected.json.
    @Test("composite re-saves: B's head is excused exactly when transformers restores it from B's config.json (9 ways of stating the two keys)",
          arguments: [("llava", "LlavaForConditionalGeneration"), ("gemma3", "")])
    func compositeVariants(name: String, measuredClass: String) throws {
        let all = try #require(try Fixtures.json("\(Self.root)/expected.json") as? [String: Any])
        let verdicts = try #require(all["\(name)_variants"] as? [String: Bool])
        #expect(verdicts.count == 9)
        for (variant, restored) in verdicts.sorted(by: { $0.key < $1.key }) {
            let b = try Self.variant(name, variant)
            let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/\(name)/A"), b], status: restored ? 0 : 1)
            let passed = (report["summary"] as? [String: Any])?["passed"] as? Bool
            #expect(passed == restored, "\(name) \(variant)")
            #expect((report["only_in_a"] as? [String]) == (restored ? [] : ["lm_head.weight"]), "\(name) \(variant)")
            if restored, !measuredClass.isEmpty, variant.hasPrefix("top-false") {
                #expect((report["tied_copy_evidence"] as? String)?.contains("\(measuredClass) (model_type \"\(name)\"), built by transformers") == true,
                        "\(variant): \(report["tied_copy_evidence"] ?? "none")")
            }
        }
    }

    /// B's folder for `variant` ("top-X-text-Y", X and Y absent, true or false): B's weights and
    /// its config.json with the two keys so stated.
    static func variant(_ name: String, _ variant: String, weightsOf side: String = "B") throws -> String {
        let parts = variant.split(separator: "-")
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("\(Self.root)/\(name)/\(side)/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        var config = try #require(try Fixtures.json("\(Self.root)/\(name)/B/config.json") as? [String: Any])
        var text = try #require(config["text_config"] as? [String: Any])
        config["tie_word_embeddings"] = nil
        text["tie_word_embeddings"] = nil
        if parts[1] != "absent" { config["tie_word_embeddings"] = parts[1] == "true" }
        if parts[3] != "absent" { text["tie_word_embeddings"] = parts[3] == "true" }
        config["text_config"] = text
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    /// `audit`'s tied-copy finding names the basis its class reads: a LLaVA export stating false
    /// at the top level and true in its text_config was "sets tie_word_embeddings: false, yet the
    /// bytes are identical" beside a finding that calls it tied (review-53 #1).
    @Test("audit of a LLaVA export stating false at the top level, true in its text_config: the tied-copy finding says LLaVA ties")
    func compositeClause() throws {
        let a = try Self.variant("llava", "top-false-text-true", weightsOf: "A")
        let report = try CLI.json(["audit", a])
        let tied = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "tied-weights-duplicated" }
        let message = try #require(tied.first?["message"] as? String)
        #expect(message.contains("LlavaForConditionalGeneration (model_type \"llava\"), built by transformers"), "\(message)")
        #expect(message.contains(" ties its output projection to its input embedding"), "\(message)")
        #expect(!message.contains("yet the bytes are identical"), "\(message)")
        // Untied: both keys left out (expected.json: transformers does not restore the head).
        // The clause was "config.json sets tie_word_embeddings to false" of a file stating
        // nothing (review-53b #3).
        let all = try #require(try Fixtures.json("\(Self.root)/expected.json") as? [String: Any])
        #expect((all["llava_variants"] as? [String: Bool])?["top-absent-text-absent"] == false)
        let untied = try CLI.json(["audit", try Self.variant("llava", "top-absent-text-absent", weightsOf: "A")])
        let duplicate = (untied["findings"] as? [[String: Any]] ?? []).first { $0["rule"] as? String == "duplicate-tensors" }
        let said = try #require(duplicate?["message"] as? String)
        #expect(said.contains("LlavaForConditionalGeneration (model_type \"llava\"), built by transformers"), "\(said)")
        #expect(said.contains("does not tie its output projection"), "\(said)")
        #expect(!said.contains("sets tie_word_embeddings to false"), "\(said)")
    }

    /// BartConfig honours a stated false: transformers then leaves the dropped tensors missing
    /// and random (helper-154 loaded such a BART), so the drop is a failure.
    @Test("BART with tie_word_embeddings false in B's config.json: the dropped copies are missing, exit 1")
    func bartUntied() throws {
        let dir = try Fixtures.temporaryDirectory()
        try Fixtures.data("\(Self.root)/bart/B/model.safetensors").write(to: dir.appendingPathComponent("model.safetensors"))
        var config = try #require(try Fixtures.json("\(Self.root)/bart/B/config.json") as? [String: Any])
        config["tie_word_embeddings"] = false
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        let result = try CLI.run(["diff", Fixtures.path("\(Self.root)/bart/A"), dir.path, "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(report["only_in_a"] as? [String] ?? []) == Set(try Self.expected("bart").keys))
    }

    /// B's folder: `bytes` (a safetensors file) and A's config.json edited by `edit`.
    static func folder(_ bytes: Data, config name: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        try bytes.write(to: dir.appendingPathComponent("model.safetensors"))
        var config = try #require(try Fixtures.json("\(Self.root)/\(name)/B/config.json") as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: dir.appendingPathComponent("config.json"))
        return dir.path
    }

    /// The name is not enough: Reformer has an `lm_head.decoder.bias` it never ties, so with
    /// another model type the bias must be there (review-52 D2); the weight is still paired by
    /// role where the type's class ties its head (GPT-2). Under "reformer" itself the weight is
    /// missing too: ReformerForMaskedLM never ties its output projection in transformers 5.25
    /// (`ArchitectureFacts`), as `ties` and `padding` say of such a config (review-53 #3 made
    /// diff ask `TyingJudge`).
    @Test("BERT's re-save under a model type that ties no bias: the bias is missing, exit 1; the decoder weight excused only where the type's class ties")
    func biasNeedsTheModelType() throws {
        let bytes = try Fixtures.data("\(Self.root)/bert/B/model.safetensors")
        let gpt2 = try CLI.json(["diff", Fixtures.path("\(Self.root)/bert/A"), try Self.folder(bytes, config: "bert") { $0["model_type"] = "gpt2" }], status: 1)
        #expect(gpt2["only_in_a"] as? [String] == ["cls.predictions.decoder.bias"])
        #expect((gpt2["dropped_tied_copies"] as? [String: String])?.keys.sorted() == ["cls.predictions.decoder.weight"])
        let reformer = try CLI.json(["diff", Fixtures.path("\(Self.root)/bert/A"), try Self.folder(bytes, config: "bert") { $0["model_type"] = "reformer" }], status: 1)
        #expect(reformer["only_in_a"] as? [String] == ["cls.predictions.decoder.bias", "cls.predictions.decoder.weight"])
    }

    /// A composite config ties each part by the part's own config: a `text_config` stating false
    /// leaves the embed_tokens copies random (review-52 D1, Florence-2), so they are not excused by name.
    @Test("BART's re-save with a text_config: the embed_tokens copies are not excused by name, exit 1")
    func compositeConfigNoNamedTie() throws {
        let b = try Self.folder(try Fixtures.data("\(Self.root)/bart/B/model.safetensors"), config: "bart") {
            $0["text_config"] = ["model_type": "bart", "tie_word_embeddings": false]
        }
        let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/bart/A"), b], status: 1)
        #expect(Set(report["only_in_a"] as? [String] ?? []) == ["model.decoder.embed_tokens.weight", "model.encoder.embed_tokens.weight"])
    }

    /// A composite config with its text_config stating false: the embed_tokens copies are not
    /// paired by role with the kept lm_head either (review-52b D2: a Florence-2 passed so while
    /// transformers leaves them random).
    @Test("BART's export without its embed_tokens copies, lm_head kept, composite config untied: exit 1")
    func compositeNoRoleFallback() throws {
        let bytes = Array(try Fixtures.data("\(Self.root)/bart/A/model.safetensors"))
        let drop: Set = ["model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"]
        var entries: [SafetensorsWriter.Entry] = []
        for name in try Fixtures.safetensorsNames(in: bytes) where !drop.contains(name) {
            let entry = try Fixtures.safetensorsEntry(name, in: bytes)
            entries.append(.init(name: name, dtype: try #require(DType(rawValue: entry.dtype)), shape: entry.shape, bytes: Array(bytes[entry.range])))
        }
        let b = try Self.folder(Data(SafetensorsWriter(entries: entries).serialize()), config: "bart") {
            $0["text_config"] = ["model_type": "bart", "tie_word_embeddings": false]
        }
        let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/bart/A"), b], status: 1)
        #expect(Set(report["only_in_a"] as? [String] ?? []) == drop)
        // The same B with a flat config: BART ties them by name, exit 0.
        let flat = try Self.folder(Data(SafetensorsWriter(entries: entries).serialize()), config: "bart") { _ in }
        #expect(try CLI.run(["diff", Fixtures.path("\(Self.root)/bart/A"), flat]).status == 0)
    }

    /// Types the first list missed (review-52b D3: 20 re-saves transformers loads alike failed):
    /// the list is generated from transformers' classes (`NamedTies`). DeBERTa (v1) names its
    /// head as BERT does.
    @Test("BERT's re-save labelled DeBERTa (v1): the bias is excused by the generated list; exit 0")
    func generatedTypes() throws {
        let b = try Self.folder(try Fixtures.data("\(Self.root)/bert/B/model.safetensors"), config: "bert") { $0["model_type"] = "deberta" }
        let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/bert/A"), b])
        #expect(report["dropped_tied_copies"] as? [String: String] == (try Self.expected("bert")))
    }

    /// The other way round, A's own loader restores what A lacks: A's config decides (review-52b
    /// D1: B's tie passed an A whose config unties its missing head; transformers loads that A
    /// with a random lm_head).
    @Test("reversed: A (the re-save) untied by its own config fails, whatever B's says; tied passes, whatever B's says")
    func reversedUsesAConfig() throws {
        let resave = try Fixtures.data("\(Self.root)/bert/B/model.safetensors")
        let untiedA = try Self.folder(resave, config: "bert") { $0["tie_word_embeddings"] = false }
        let tiedA = Fixtures.path("\(Self.root)/bert/B")
        let export = try Fixtures.data("\(Self.root)/bert/A/model.safetensors")
        let untiedB = try Self.folder(export, config: "bert") { $0["tie_word_embeddings"] = false }
        let tiedB = Fixtures.path("\(Self.root)/bert/A")
        #expect(try CLI.run(["diff", untiedA, tiedB]).status == 1)
        let passed = try CLI.json(["diff", tiedA, untiedB])
        #expect((passed["dropped_tied_copies_by_a"] as? [String: String]) == (try Self.expected("bert")))
        #expect((passed["tied_copy_evidence_by_a"] as? String)?.contains("states tie_word_embeddings true") == true)
    }

    /// A T5 B keeping only `lm_head`: transformers restores `shared` and both `embed_tokens`
    /// from it (review-52 D3); the names of the named pairs still pair by role when their source is gone.
    @Test("a T5 B keeping only lm_head: shared and both embed_tokens are its tied copies, exit 0")
    func headKeptAlone() throws {
        let bytes = Array(try Fixtures.data("\(Self.root)/t5/A/model.safetensors"))
        let drop: Set = ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"]
        var entries: [SafetensorsWriter.Entry] = []
        for name in try Fixtures.safetensorsNames(in: bytes) where !drop.contains(name) {
            let entry = try Fixtures.safetensorsEntry(name, in: bytes)
            entries.append(.init(name: name, dtype: try #require(DType(rawValue: entry.dtype)), shape: entry.shape, bytes: Array(bytes[entry.range])))
        }
        let b = try Self.folder(Data(SafetensorsWriter(entries: entries).serialize()), config: "t5") { _ in }
        let report = try CLI.json(["diff", Fixtures.path("\(Self.root)/t5/A"), b])
        #expect(report["dropped_tied_copies"] as? [String: String] == Dictionary(uniqueKeysWithValues: drop.map { ($0, "lm_head.weight") }))
    }

    @Test("a dropped name whose bytes in A are not its source's is missing, exit 1 (the name alone excuses nothing)")
    func differentBytes() throws {
        let bytes = Array(try Fixtures.data("\(Self.root)/t5/A/model.safetensors"))
        let entry = try Fixtures.safetensorsEntry("encoder.embed_tokens.weight", in: bytes)
        var changed = bytes
        changed[entry.range.lowerBound] ^= 1
        let dir = try Fixtures.temporaryDirectory()
        try Data(changed).write(to: dir.appendingPathComponent("model.safetensors"))
        try Fixtures.data("\(Self.root)/t5/A/config.json").write(to: dir.appendingPathComponent("config.json"))
        let result = try CLI.run(["diff", dir.path, Fixtures.path("\(Self.root)/t5/B"), "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(report["only_in_a"] as? [String] == ["encoder.embed_tokens.weight"])
        #expect((report["dropped_tied_copies"] as? [String: String])?.keys.sorted() == ["decoder.embed_tokens.weight", "lm_head.weight"])
    }
}

/// The pad row of equal copies stored apart is one finding: an old T5 export storing `shared`,
/// `encoder.embed_tokens` and `decoder.embed_tokens` as three copies got three identical
/// `padding-row-nonzero` paragraphs before 2026-12-06.
@Suite struct PaddingCopiesFoldTests {
    @Test("the T5 export's three input-embedding copies: one padding-row-nonzero finding naming all three")
    func oneFindingForCopies() throws {
        let report = try CLI.json(["audit", Fixtures.path("diff-tied-copies/t5/A"), "--json"])
        let padding = ((report["findings"] as? [[String: Any]]) ?? []).filter { $0["rule"] as? String == "padding-row-nonzero" }
        #expect(padding.count == 1)
        // The copies transformers ties to shared.weight (expected.json), the head aside.
        let dropped = try DiffTiedCopyResaveTests.expected("t5").keys.filter { $0 != "lm_head.weight" }
        #expect(Set(padding.first?["tensors"] as? [String] ?? []) == Set(dropped + ["shared.weight"]))
        let message = padding.first?["message"] as? String ?? ""
        #expect(message.hasPrefix("decoder.embed_tokens.weight (byte-identical copies, also stored as \"encoder.embed_tokens.weight\", \"shared.weight\"): pad row 0 has norm "),
                "\(message)")
    }
}
