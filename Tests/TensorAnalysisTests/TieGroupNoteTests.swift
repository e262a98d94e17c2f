import Foundation
import Testing
@testable import TensorAnalysis
import CheckpointIO
import SafetensorsFormat
import TestSupport

/// What a `tied-weights` group's note says config.json states. The bytes decide that the copies
/// are equal; the note only reports the config's position, and a missing key is read as the
/// model type's documented transformers default (LlamaConfig and MistralConfig: false,
/// BertConfig: true), never as "tied by default" for every model.
@Suite struct TieGroupNoteTests {
    /// A folder with `config` (nil: none) and a model whose tensors named in `copies` hold the
    /// same 4 × 2 F32 matrix; `other` holds different bytes of that shape.
    static func folder(config: String?, copies: [String], other: [String] = []) throws -> String {
        let dir = try Fixtures.temporaryDirectory()
        func f32(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } } }
        let same = f32([0.5, -1, 2, 0.25, 3, -0.5, 1.5, 4])
        let different = f32([1, 2, 3, 4, 5, 6, 7, 8])
        let entries = copies.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [4, 2], bytes: same) }
            + other.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [4, 2], bytes: different) }
        try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
        if let config { try Data(config.utf8).write(to: dir.appendingPathComponent("config.json")) }
        return dir.path
    }

    static func note(config: String?, copies: [String] = ["model.embed_tokens.weight", "lm_head.weight"],
                     other: [String] = [], kind: TieAnalysis.Kind = .tiedWeights) throws -> String {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: try folder(config: config, copies: copies, other: other)))
        let group = try #require(report.groups.first { $0.kind == kind })
        return group.note
    }

    /// transformers loads two stored copies that the config (or its default) unties as two
    /// parameters: a duplicate, not a tie saved twice (`TyingJudge.statedUntie`).
    @Test("Llama config without tie_word_embeddings: LlamaConfig defaults it to false, so the two copies are a duplicate")
    func llamaDefault() throws {
        let note = try Self.note(config: #"{"model_type": "llama"}"#, kind: .duplicate)
        #expect(note.contains("config.json leaves tie_word_embeddings out and LlamaConfig defaults it to false")
            && note.hasSuffix("transformers loads them as two parameters, so neither is a tie saved twice"), "\(note)")
    }

    @Test("Mistral config without the key: defaults to false, as Llama's")
    func mistralDefault() throws {
        #expect(try Self.note(config: #"{"model_type": "mistral"}"#, kind: .duplicate).contains("MistralConfig defaults it to false"))
    }

    @Test("BERT config without the key: BertConfig defaults it to true")
    func bertDefault() throws {
        #expect(try Self.note(config: #"{"model_type": "bert"}"#, copies: ["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"])
            == "embedding and output projection saved twice (config.json leaves tie_word_embeddings out; BertConfig defaults it to true)")
    }

    @Test("a model type outside the table, or no model_type at all: no default is claimed")
    func noDefault() throws {
        let unknown = try Self.note(config: #"{"model_type": "foobar"}"#)
        #expect(unknown.contains(#"model_type "foobar" is not in the table of known defaults"#))
        #expect(!unknown.contains("defaults it to"))
        let untyped = try Self.note(config: #"{"hidden_size": 2}"#)
        #expect(untyped.contains("config.json has no model_type, so no tie default applies"))
        #expect(!untyped.contains("defaults it to"))
    }

    @Test("stated values: true agrees, false is contradicted, a string is not a boolean")
    func stated() throws {
        #expect(try Self.note(config: #"{"model_type": "llama", "tie_word_embeddings": true}"#).hasSuffix("(config.json sets tie_word_embeddings: true)"))
        #expect(try Self.note(config: #"{"model_type": "bert", "tie_word_embeddings": false}"#, kind: .duplicate)
            .contains("config.json sets tie_word_embeddings to false: transformers loads them as two parameters"))
        let text = try Self.note(config: #"{"model_type": "llama", "tie_word_embeddings": "true"}"#)
        #expect(text.contains("not a boolean"))
        #expect(!text.contains("defaults it to"))
    }

    @Test("no config.json: says so")
    func noConfig() throws {
        #expect(try Self.note(config: nil) == "embedding and output projection saved twice (no config.json)")
    }

    @Test("three copies are counted; encoder and decoder embeddings without an output projection are not called one")
    func counts() throws {
        let three = try Self.note(config: #"{"model_type": "t5", "tie_word_embeddings": true}"#,
                                  copies: ["shared.weight", "encoder.embed_tokens.weight", "lm_head.weight"])
        #expect(three == "embedding and output projection saved 3 times (config.json sets tie_word_embeddings: true)")
        let shared = try Self.note(config: #"{"model_type": "t5", "tie_word_embeddings": false}"#,
                                   copies: ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"],
                                   other: ["lm_head.weight"])
        #expect(shared.hasPrefix("one input embedding saved 3 times"))
        #expect(!shared.contains("output projection"))
        #expect(!shared.contains("tie_word_embeddings"))
    }

    static func group(config: String?, copies: [String]) throws -> TieAnalysis.Group {
        let report = TieAnalysis.analyze(try Checkpoint.open(path: try folder(config: config, copies: copies)))
        return try #require(report.groups.first)
    }

    /// What an untie makes needed is the embedding and output projection (or BART's shared
    /// set): nothing else in the group. By hand: 32 bytes per copy, so one further copy wastes 32
    /// (adversarial review, 2026-12-05: every copy was "needed", 0 bytes wasted).
    @Test("under tie_word_embeddings false, only the untied pair is needed; a further copy is wasted, two lm_heads are no pair")
    func untieNeedsOnlyThePair() throws {
        let untied = #"{"model_type": "llama", "tie_word_embeddings": false}"#
        let three = try Self.group(config: untied, copies: ["model.embed_tokens.weight", "lm_head.weight", "model.extra.weight"])
        #expect(three.kind == .duplicate && three.neededCopies == 1 && three.wastedBytes == 32)
        #expect(three.note.contains("loads 2 as parameters of their own (lm_head.weight, model.embed_tokens.weight)")
                && three.note.hasSuffix("the other copy is a further one with no known reason"), "\(three.note)")
        let heads = try Self.group(config: untied, copies: ["lm_head.weight", "model.lm_head.weight"])
        #expect(heads.kind == .duplicate && heads.neededCopies == 0 && heads.wastedBytes == 32)
        #expect(!heads.note.contains("embedding and output projection"))
        // Nothing is tied under the untie, whatever else the group holds (regression hunt,
        // 2026-12-05: these were "tied weights saved 4 times"). By hand, 32 bytes a copy:
        // two input embeddings alone are one parameter and a stray copy (32 wasted); BART's set
        // with a second lm_head keeps 4 of 5 (32 wasted); ProphetNet's word_embeddings set is
        // needed whole (0 wasted).
        let inputs = try Self.group(config: untied, copies: ["model.embed_tokens.weight", "embed_tokens.weight"])
        #expect(inputs.kind == .duplicate && inputs.wastedBytes == 32)
        let bart = #"{"model_type": "bart", "tie_word_embeddings": false}"#
        let twoHeads = try Self.group(config: bart, copies: ["model.shared.weight", "model.encoder.embed_tokens.weight",
                                                             "model.decoder.embed_tokens.weight", "lm_head.weight", "model.lm_head.weight"])
        #expect(twoHeads.kind == .duplicate && twoHeads.neededCopies == 3 && twoHeads.wastedBytes == 32)
        let prophet = #"{"model_type": "prophetnet", "tie_word_embeddings": false}"#
        let words = try Self.group(config: prophet, copies: ["prophetnet.word_embeddings.weight", "prophetnet.encoder.word_embeddings.weight",
                                                             "prophetnet.decoder.word_embeddings.weight", "lm_head.weight"])
        #expect(words.kind == .duplicate && words.copiesAreNeeded && words.wastedBytes == 0)
        // A second stack under a prefix that sorts first: the model's own stack is the one whose
        // prefix holds the encoder's and decoder's layers (adversarial review, 2026-12-05).
        let stacks = ["shared.weight", "encoder.embed_tokens.weight", "decoder.embed_tokens.weight"]
        let dir = try Self.folder(config: bart, copies: stacks.map { "model." + $0 } + stacks.map { "aaa." + $0 } + ["lm_head.weight"],
                                  other: ["model.encoder.layers.0.fc1.weight", "model.decoder.layers.0.fc1.weight"])
        let named = try #require(TieAnalysis.analyze(try Checkpoint.open(path: dir)).groups.first { $0.tensors.count == 7 })
        #expect(named.neededCopies == 3 && named.wastedBytes == 3 * 32)
        #expect(named.note.contains("(lm_head.weight, model.decoder.embed_tokens.weight, model.encoder.embed_tokens.weight, model.shared.weight)"), "\(named.note)")
        let shared = try Self.group(config: bart, copies: ["model.shared.weight", "model.encoder.embed_tokens.weight",
                                                           "model.decoder.embed_tokens.weight", "lm_head.weight"])
        #expect(shared.kind == .duplicate && shared.copiesAreNeeded && shared.wastedBytes == 0)
    }

    /// Two identical matrices named as Pegasus' position tables, under a Pegasus config, whose
    /// values are no sinusoid: a duplicate, not a repeated buffer (adversarial review, 2026-12-05).
    @Test("embed_positions pairs that are no sinusoid stay duplicates")
    func positionsNeedTheSinusoid() throws {
        let pegasus = #"{"model_type": "pegasus"}"#
        let group = try Self.group(config: pegasus, copies: ["model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"])
        #expect(group.kind == .duplicate)
    }

    /// FSMT's (fairseq) sinusoid is no table a Pegasus model computes, nor Pegasus' an FSMT
    /// model's: each model type's own formula only (regression hunt, 2026-12-05). The tables
    /// here are 8 × 4, written from the two formulas as transformers' classes state them.
    @Test("a sinusoid of the other family's formula stays a duplicate; the model type's own is a repeated buffer")
    func positionsNeedTheirOwnFormula() throws {
        func f32(_ values: [Double]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { Array($0) } } }
        // Pegasus/Marian: sin(p / 10000^(2k/4)) for k = 0, 1, then cos of the same.
        let halves = (0 ..< 8).flatMap { p -> [Double] in
            let f = (0 ..< 2).map { 1 / pow(10000, 2 * Double($0) / 4) }
            return f.map { sin(Double(p) * $0) } + f.map { cos(Double(p) * $0) }
        }
        // fairseq: frequencies exp(-k ln(10000) / (2 - 1)) for k = 0, 1; row 1 (FSMT's pad id) zero.
        let fairseq = (0 ..< 8).flatMap { p -> [Double] in
            guard p != 1 else { return [0, 0, 0, 0] }
            let f = (0 ..< 2).map { exp(-Double($0) * log(10000)) }
            return f.map { sin(Double(p) * $0) } + f.map { cos(Double(p) * $0) }
        }
        func kind(_ config: String, _ table: [Double]) throws -> TieAnalysis.Kind? {
            let dir = try Fixtures.temporaryDirectory()
            let entries = ["model.encoder.embed_positions.weight", "model.decoder.embed_positions.weight"].map {
                SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [8, 4], bytes: f32(table))
            }
            try Data(SafetensorsWriter(entries: entries).serialize()).write(to: dir.appendingPathComponent("model.safetensors"))
            try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
            return TieAnalysis.analyze(try Checkpoint.open(path: dir.path)).groups.first?.kind
        }
        let pegasus = #"{"model_type": "pegasus"}"#, fsmt = #"{"model_type": "fsmt", "pad_token_id": 1}"#
        #expect(try kind(pegasus, halves) == .repeatedBuffer)
        #expect(try kind(pegasus, fairseq) == .duplicate)
        #expect(try kind(fsmt, fairseq) == .repeatedBuffer)
        #expect(try kind(fsmt, halves) == .duplicate)
    }

    /// I-BERT's quantization buffers are not token matrices only under an `ibert` config.
    @Test("weight_integer is I-BERT's buffer only under model_type ibert")
    func quantizationBufferNeedsIBert() {
        let name = "ibert.embeddings.word_embeddings.weight_integer"
        #expect(TensorNames.isQuantizationBuffer(name, modelType: "ibert"))
        #expect(!TensorNames.isQuantizationBuffer(name, modelType: "llama"))
        #expect(!TensorNames.isQuantizationBuffer(name, modelType: nil))
        #expect(!TensorNames.isQuantizationBuffer("ibert.embeddings.word_embeddings.weight", modelType: "ibert"))
    }
}
