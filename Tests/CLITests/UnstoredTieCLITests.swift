import Foundation
import Testing
import TestSupport

/// `save_pretrained` writes a tied weight once: a RoBERTa masked-LM folder holds the word
/// embedding and no `lm_head.decoder.weight`. `ties` lists such a tie under `tied_by_config`
/// with `padding`'s judgement. What transformers does with each folder's missing head (built by
/// `from_pretrained`, the head's weight compared with the stored tensors by value and by
/// storage) is in TestData/knowledge/unstored-ties.json, written by
/// generate_unstored_ties.py: a tied, unstored head must be listed with the stored tensor it
/// takes, and nothing else.
@Suite struct UnstoredTieCLITests {
    static func expected() -> [String: [String: Any]] {
        let document = (try? Fixtures.json("knowledge/unstored-ties.json")) as? [String: Any]
        return document?["folders"] as? [String: [String: Any]] ?? [:]
    }

    static let folders = expected().keys.sorted()

    @Test("an omitted output projection is listed as tied exactly when transformers ties it at load, to the tensor it takes",
          arguments: folders)
    func listedAsTransformersTiesIt(folder: String) throws {
        let answer = try #require(Self.expected()[folder])
        let report = try CLI.json(["ties", Fixtures.path(folder)])
        let listed = try #require(report["tied_by_config"] as? [[String: Any]])
        let tiedAtLoad = answer["tied"] as? Bool == true && answer["output_stored"] as? Bool == false
        let takes = try #require(answer["tied_to"] as? [String])
        #expect(listed.compactMap { $0["tensor"] as? String }.sorted() == (tiedAtLoad ? takes : []), "\(folder): \(listed)")
        for entry in listed {
            let tying = try #require(entry["tying"] as? [String: Any])
            #expect(tying["tied"] as? Bool == true)
            #expect(tying["output_projection_present"] as? Bool == false)
            #expect(["config", "model-type-default"].contains(tying["evidence"] as? String ?? ""))
        }
    }

    @Test("the fixtures cover both answers: heads tied at load and heads transformers does not tie")
    func fixturesCoverBothAnswers() {
        let answers = Self.expected().values
        #expect(answers.count >= 10)
        #expect(answers.contains { $0["tied"] as? Bool == true && $0["output_stored"] as? Bool == false })
        #expect(answers.contains { $0["tied"] as? Bool == false && $0["output_stored"] as? Bool == false })
    }

    @Test("text: the tied embedding, its evidence and why, beside the groups; padding says the same")
    func textNamesTheTie() throws {
        let folder = Fixtures.path("knowledge/zero-pad-rows/roberta")
        let text = try CLI.run(["ties", folder])
        #expect(text.status == 0)
        #expect(text.stdout.contains("tied to an output projection the file does not store: roberta.embeddings.word_embeddings.weight\n"
            + "  tied (evidence: config): \(folder)/config.json sets tie_word_embeddings to true."))
        let padding = try CLI.json(["padding", folder])
        let tying = try #require((padding["embeddings"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
        let ties = try CLI.json(["ties", folder])
        let listed = try #require((ties["tied_by_config"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
        #expect(listed["detail"] as? String == tying["detail"] as? String)
        #expect(listed["evidence"] as? String == tying["evidence"] as? String)
    }

    /// Not the tie itself, but the line below it: constant groups count as stored more than
    /// once, and the text says how much of the total they are (by hand: toy-bert holds three
    /// zero F32 [64] biases, 2 × 256 B, beside the 256,000-byte tied copy; the RoBERTa folder's
    /// constant groups only, 9 + 3 extra copies of 16 B).
    @Test("the wasted-bytes line says how much of it is tensors of one repeated value", arguments: [
        ("toy-bert/model.safetensors", "bytes wasted by duplicates: 256,512 (250.5 KiB; 512 B of it in tensors of one repeated value)"),
        ("knowledge/zero-pad-rows/roberta", "bytes wasted by duplicates: 192 (192 B; all of it in tensors of one repeated value)"),
    ])
    func wastedBytesLine(path: String, line: String) throws {
        let result = try CLI.run(["ties", Fixtures.path(path)])
        #expect(result.stdout.split(separator: "\n").contains { $0 == line }, "\(result.stdout)")
    }

    /// One shard named directly: GPT-2's default ties, but the folder's head is stored, untied,
    /// in another shard (unstored-ties.json: `from_pretrained` of the folder keeps it untied).
    @Test("one shard named directly holding the embedding and no head: not listed, tying unknown, and the folder is judged whole")
    func loneShardClaimsNothing() throws {
        let folder = "knowledge/unstored-ties/gpt2-sharded"
        let answer = try #require(Self.expected()[folder])
        #expect(answer["tied"] as? Bool == false && answer["output_stored"] as? Bool == true)
        #expect(answer["embedding_shard_holds_head"] as? Bool == false)
        let shard = try #require(answer["embedding_shard"] as? String)
        let path = Fixtures.path(folder + "/" + shard)
        let ties = try CLI.json(["ties", path])
        #expect((ties["tied_by_config"] as? [Any])?.isEmpty == true, "\(ties)")
        let padding = try CLI.json(["padding", path, "--pad-id", "0"])
        let tying = try #require((padding["embeddings"] as? [[String: Any]])?.first?["tying"] as? [String: Any])
        #expect(tying["tied"] is NSNull && tying["evidence"] as? String == "unknown", "\(tying)")
        #expect((tying["detail"] as? String)?.contains("But \(shard) is shard 1 of 7 by its name, so the matrix it would be tied to may be stored in a part not read here") == true, "\(tying)")
        // The whole folder: the head is read, its bytes differ, nothing is listed.
        let whole = try CLI.json(["padding", Fixtures.path(folder), "--pad-id", "0"])
        let judged = try #require((whole["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "transformer.wte.weight" }?["tying"] as? [String: Any])
        #expect(judged["tied"] as? Bool == false && judged["evidence"] as? String == "identical-bytes", "\(judged)")
    }

    @Test("a GGUF file is never listed by a config.json beside it: its tie is llama.cpp's")
    func ggufBesideConfig() throws {
        let dir = try Fixtures.temporaryDirectory()
        for (architecture, convention) in [("phi2", 0), ("llama", 1)] {
            let folder = dir.appendingPathComponent(architecture)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Fixtures.path("gguf-arch/\(architecture).gguf"), toPath: folder.appendingPathComponent("model.gguf").path)
            try Data(#"{"model_type": "llama", "architectures": ["LlamaForCausalLM"], "tie_word_embeddings": true}"#.utf8)
                .write(to: folder.appendingPathComponent("config.json"))
            let ties = try CLI.json(["ties", folder.path])
            #expect((ties["tied_by_config"] as? [Any])?.isEmpty == true, "\(architecture): \(ties)")
            #expect((ties["tied_by_convention"] as? [Any])?.count == convention, "\(architecture)")
        }
    }

    /// The tying answer `padding` gives `tensor` of the checkpoint at `path` (pad id 0).
    static func tying(_ path: String, tensor: String) throws -> [String: Any] {
        let report = try CLI.json(["padding", path, "--pad-id", "0"])
        let embeddings = report["embeddings"] as? [[String: Any]] ?? []
        return try #require(embeddings.first { $0["tensor"] as? String == tensor }?["tying"] as? [String: Any], "\(report)")
    }

    /// Other ways to read part of the sharded GPT-2 (its head untied in another shard, as
    /// `from_pretrained` of the whole folder shows): each leaves the tie unknown and lists
    /// nothing. Before, each said "tied (evidence: model-type-default)" (adversarial review).
    @Test("part of a sharded checkpoint: a .zst shard, a folder holding one shard, an index missing a shard, the shard holding only the head")
    func partialCheckpoints() throws {
        let folder = "knowledge/unstored-ties/gpt2-sharded"
        let answer = try #require(Self.expected()[folder])
        #expect(answer["tied"] as? Bool == false)
        let embeddingShard = try #require(answer["embedding_shard"] as? String)
        let index = try #require(try Fixtures.json(folder + "/model.safetensors.index.json") as? [String: Any])
        let map = try #require(index["weight_map"] as? [String: String])
        let headShard = try #require(map["lm_head.weight"])
        #expect(headShard != embeddingShard)
        let dir = try Fixtures.temporaryDirectory()
        let copy = { (from: String, to: URL) in try FileManager.default.copyItem(atPath: Fixtures.path(folder + "/" + from), toPath: to.path) }
        // A folder holding the embedding's shard alone, and one holding every file but the head's shard.
        let alone = dir.appendingPathComponent("alone"), lacking = dir.appendingPathComponent("lacking")
        for made in [alone, lacking] { try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true) }
        try copy("config.json", alone.appendingPathComponent("config.json"))
        try copy(embeddingShard, alone.appendingPathComponent(embeddingShard))
        for name in try FileManager.default.contentsOfDirectory(atPath: Fixtures.path(folder)) where name != headShard {
            try copy(name, lacking.appendingPathComponent(name))
        }
        let cases: [(path: String, tensor: String, clause: String)] = [
            (Fixtures.path("knowledge/unstored-ties/gpt2-shard-zst/\(embeddingShard).zst"), "transformer.wte.weight", "But \(embeddingShard).zst is shard 1 of 7 by its name"),
            (alone.path, "transformer.wte.weight", "But \(embeddingShard) is shard 1 of 7 by its name"),
            (lacking.path, "transformer.wte.weight", "But the index names 1 shard the folder lacks (\(headShard))"),
            (Fixtures.path(folder + "/" + headShard), "lm_head.weight", "But \(headShard) is shard \(Int(headShard.split(separator: "-")[1]) ?? 0) of 7 by its name"),
        ]
        for (path, tensor, clause) in cases {
            let tying = try Self.tying(path, tensor: tensor)
            #expect(tying["tied"] is NSNull && tying["evidence"] as? String == "unknown", "\(path): \(tying)")
            #expect((tying["detail"] as? String)?.contains(clause + ", so the matrix it would be tied to may be stored in a part not read here") == true, "\(path): \(tying)")
            let ties = try CLI.json(["ties", path])
            #expect((ties["tied_by_config"] as? [Any])?.isEmpty == true, "\(path)")
        }
    }

    /// llama.cpp's gguf-split names parts `NAME-00001-of-00002.gguf` and loads them all: the
    /// first part's missing `output.weight` may be in the second, so the convention says
    /// nothing (the same llama file under its own name is "tied by the format's convention").
    @Test("a GGUF file named as one split of several: no convention tie")
    func ggufSplit() throws {
        let dir = try Fixtures.temporaryDirectory()
        let split = dir.appendingPathComponent("model-00001-of-00002.gguf").path
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-arch/llama.gguf"), toPath: split)
        let whole = try Self.tying(Fixtures.path("gguf-arch/llama.gguf"), tensor: "token_embd.weight")
        #expect(whole["tied"] as? Bool == true && whole["evidence"] as? String == "format-convention")
        let part = try Self.tying(split, tensor: "token_embd.weight")
        #expect(part["tied"] is NSNull && part["evidence"] as? String == "unknown", "\(part)")
        #expect((part["detail"] as? String)?.contains("But model-00001-of-00002.gguf is shard 1 of 2 by its name") == true, "\(part)")
        let ties = try CLI.json(["ties", split])
        #expect((ties["tied_by_convention"] as? [Any])?.isEmpty == true, "\(ties)")
        #expect((try CLI.json(["ties", Fixtures.path("gguf-arch/llama.gguf")])["tied_by_convention"] as? [Any])?.count == 1)
    }
}
