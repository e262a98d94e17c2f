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
        #expect((tying["detail"] as? String)?.contains("But \(shard) is shard 1 of 7 by its name, so its output projection may be stored in another shard") == true, "\(tying)")
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
}
