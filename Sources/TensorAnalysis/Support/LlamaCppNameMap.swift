import CheckpointIO
import StrictJSON

/// Hugging Face tensor names → the names llama.cpp's converter writes in GGUF files, for the
/// llama and bert families, so `diff model.safetensors model.gguf` pairs the same weights.
///
/// The table is gguf-py 0.19.0's `get_tensor_name_map(MODEL_ARCH.LLAMA / BERT / QWEN3, …)` for the
/// tensors those converters keep (checked by hand against it; see README "diff across formats").
/// `.weight`/`.bias` suffixes carry over.
///
/// Architecture `bert` is written by four converter classes (llama.cpp as vendored by
/// llama-cpp-python 0.3.36, `conversion/bert.py`), each stripping its own prefix before the
/// map is consulted, as `hubBase` does: `RobertaModel` and `XLMRobertaModel.filter_tensors` a
/// leading `roberta.` (e.g. bge-reranker-v2-m3), `DistilBertModel.filter_tensors` a leading
/// `distilbert.`, then `BertModel.filter_tensors` (which all of them call) a leading `bert.`.
/// Why all here: the Hub names of a RoBERTa or DistilBERT head model were "only in A" against
/// their faithful conversion (hunt-53b D1). What the converter changes beyond names — llama's
/// `q_proj`/`k_proj` rows, permuted for the rotary layout, and RoBERTa's position rows, cut
/// from `pad_token_id + 1` on — is `LlamaCppRotaryOrder`'s and `LlamaCppPositionOffset`'s.
public enum LlamaCppNameMap {
    /// (Hub pattern, GGUF pattern); `{N}` is a layer number.
    static let rules: [(hub: String, gguf: String)] = [
        // llama (also mistral, qwen2 and the other llama-shaped families)
        ("model.embed_tokens", "token_embd"),
        ("model.norm", "output_norm"),
        ("lm_head", "output"),
        ("model.layers.{N}.self_attn.q_proj", "blk.{N}.attn_q"),
        ("model.layers.{N}.self_attn.k_proj", "blk.{N}.attn_k"),
        ("model.layers.{N}.self_attn.v_proj", "blk.{N}.attn_v"),
        ("model.layers.{N}.self_attn.o_proj", "blk.{N}.attn_output"),
        ("model.layers.{N}.mlp.gate_proj", "blk.{N}.ffn_gate"),
        ("model.layers.{N}.mlp.up_proj", "blk.{N}.ffn_up"),
        ("model.layers.{N}.mlp.down_proj", "blk.{N}.ffn_down"),
        ("model.layers.{N}.input_layernorm", "blk.{N}.attn_norm"),
        ("model.layers.{N}.post_attention_layernorm", "blk.{N}.ffn_norm"),
        // Qwen3's (and OLMo 2's) per-head q/k norms: gguf-py's QWEN3 map; no llama rule names them.
        ("model.layers.{N}.self_attn.q_norm", "blk.{N}.attn_q_norm"),
        ("model.layers.{N}.self_attn.k_norm", "blk.{N}.attn_k_norm"),
        // bert
        ("embeddings.word_embeddings", "token_embd"),
        ("embeddings.position_embeddings", "position_embd"),
        ("embeddings.token_type_embeddings", "token_types"),
        ("embeddings.LayerNorm", "token_embd_norm"),
        ("encoder.layer.{N}.attention.self.query", "blk.{N}.attn_q"),
        ("encoder.layer.{N}.attention.self.key", "blk.{N}.attn_k"),
        ("encoder.layer.{N}.attention.self.value", "blk.{N}.attn_v"),
        ("encoder.layer.{N}.attention.output.dense", "blk.{N}.attn_output"),
        ("encoder.layer.{N}.attention.output.LayerNorm", "blk.{N}.attn_output_norm"),
        ("encoder.layer.{N}.intermediate.dense", "blk.{N}.ffn_up"),
        ("encoder.layer.{N}.output.dense", "blk.{N}.ffn_down"),
        ("encoder.layer.{N}.output.LayerNorm", "blk.{N}.layer_output_norm"),
        // RoBERTa / XLM-R sequence classification heads (RobertaForSequenceClassification,
        // XLMRobertaForSequenceClassification: converter classes of their own).
        ("classifier.dense", "cls"),
        ("classifier.out_proj", "cls.output"),
        // DistilBERT (gguf-py's BERT map, "# distillbert"); its embeddings are BERT's names.
        ("transformer.layer.{N}.attention.q_lin", "blk.{N}.attn_q"),
        ("transformer.layer.{N}.attention.k_lin", "blk.{N}.attn_k"),
        ("transformer.layer.{N}.attention.v_lin", "blk.{N}.attn_v"),
        ("transformer.layer.{N}.attention.out_lin", "blk.{N}.attn_output"),
        ("transformer.layer.{N}.sa_layer_norm", "blk.{N}.attn_output_norm"),
        ("transformer.layer.{N}.ffn.lin1", "blk.{N}.ffn_up"),
        ("transformer.layer.{N}.ffn.lin2", "blk.{N}.ffn_down"),
        ("transformer.layer.{N}.output_layer_norm", "blk.{N}.layer_output_norm"),
    ]

    /// The prefixes the `bert` converter classes strip, in the order they strip them: a
    /// subclass's own (`roberta.`, `distilbert.`) first, then `BertModel`'s `bert.`.
    static let subclassPrefixes = ["roberta.", "distilbert."]
    static let bertPrefix = "bert."

    /// `name` as the `bert` converters see it after their prefix strips (see the type's doc).
    /// Stripped whatever the architecture: no llama-family name starts with these.
    public static func hubBase(_ name: String) -> String {
        var base = Substring(name)
        if let prefix = subclassPrefixes.first(where: { base.hasPrefix($0) }) { base = base.dropFirst(prefix.count) }
        if base.hasPrefix(bertPrefix) { base = base.dropFirst(bertPrefix.count) }
        return String(base)
    }

    /// The GGUF name of the Hub tensor `name` in a file of GGUF `architecture` (nil: not
    /// known), or nil when no rule covers it. The architecture's own names
    /// (`architectureRules`, gguf-py's per-architecture map) come before the default rules:
    /// Gemma 2 and 3 store `post_attention_layernorm` as `post_attention_norm` and give llama's
    /// `ffn_norm` to `pre_feedforward_layernorm` (hunt-54a D1).
    public static func ggufName(forHubName name: String, architecture: String? = nil) -> String? {
        var base = hubBase(name)
        var suffix = ""
        for ending in [".weight", ".bias"] where base.hasSuffix(ending) {
            base.removeLast(ending.count)
            suffix = ending
        }
        for rule in (architecture.flatMap { architecturePatterns[$0] } ?? []) + patterns {
            if let layer = rule.hub.match(base) {
                return rule.gguf.replacing("{N}", with: layer ?? "") + suffix
            }
        }
        return nil
    }

    /// A Hub pattern cut at its `{N}`, once: matching every tensor name of a checkpoint against
    /// every rule split the pattern each time (Foundation's `components(separatedBy:)`), ~1–2 ms
    /// of `diff`'s start on a 129-tensor pair, most of it generic-metadata lookups.
    struct Pattern {
        let head: String
        /// The text after `{N}`; nil for a pattern without a layer number.
        let tail: String?

        init(_ pattern: String) {
            if let marker = pattern.firstRange(of: "{N}") {
                (head, tail) = (String(pattern[..<marker.lowerBound]), String(pattern[marker.upperBound...]))
            } else {
                (head, tail) = (pattern, nil)
            }
        }

        /// `.some(nil)` when `name` equals a pattern without `{N}`, `.some(layer)` when it
        /// matches one with `{N}` (ASCII digits in its place), nil otherwise.
        func match(_ name: String) -> String?? {
            guard let tail else { return name == head ? .some(nil) : nil }
            guard name.hasPrefix(head), name.hasSuffix(tail) else { return nil }
            let digits = name.utf8.dropFirst(head.utf8.count).dropLast(tail.utf8.count)
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
            return .some(String(decoding: digits, as: UTF8.self))
        }
    }

    static let patterns: [(hub: Pattern, gguf: String)] = rules.map { (Pattern($0.hub), $0.gguf) }
    static let architecturePatterns: [String: [(hub: Pattern, gguf: String)]] = architectureRules.mapValues { rules in
        rules.map { (Pattern($0.hub), $0.gguf) }
    }

    /// The `general.architecture` of a checkpoint's GGUF file, when it has one and states it.
    static func architecture(of checkpoint: Checkpoint) -> String? {
        checkpoint.ggufModel?.metadata[LlamaCppRotaryOrder.architectureKey]?.string
    }
}


/// The name map `diff` uses: `--map FILE.json` (an object, A's name → B's name), else — when
/// exactly one side is a GGUF file — `LlamaCppNameMap` from the Hub side's names to the GGUF
/// side's, else none.
public enum DiffNameMap {
    /// Reads a `--map` file: a strict JSON object of strings (a key given twice is an error).
    /// Keys are tensor names, compared by code points (`ExactText`) as Python's json compares
    /// them: a map naming `café` precomposed and decomposed has two keys (it was refused).
    public static func load(path: String) throws(CheckpointError) -> [ExactText: String] {
        let bytes = try MappedFile.contents(of: path, limit: 64 << 20, what: "the name map")
        let root: JSONNode
        do { root = try JSONDocument.parse(bytes) } catch {
            throw .source(path: path, kind: "invalid-map", message: "not strict JSON: \(error)")
        }
        guard case .object(let members) = root else {
            throw .source(path: path, kind: "invalid-map", message: "a name map is a JSON object of A name → B name")
        }
        var map: [ExactText: String] = [:]
        for member in members {
            guard case .string(let target) = member.value else {
                throw .source(path: path, kind: "invalid-map", message: "the value of \(quotedName(member.key)) is not a string")
            }
            guard map.updateValue(target, forKey: ExactText(member.key)) == nil else {
                throw .source(path: path, kind: "invalid-map", message: "\(quotedName(member.key)) appears twice")
            }
        }
        return map
    }

    /// An entry of a `--map` file that paired nothing: its A name is no tensor of A, or its B
    /// name no tensor of B.
    public struct UnusedEntry: Sendable, Equatable {
        public let a: String
        public let b: String
        public let reason: String
    }

    /// The entries of `map` that pair nothing, sorted by A's name.
    ///
    /// Why report them: a misspelt key changed nothing and left no trace (the tensor it meant was
    /// compared under its own name, or listed as only in A), so a map that does not do what its
    /// author thinks passed unnoticed. They are reported, not refused: one map may serve several
    /// checkpoints of a family, some without an optional tensor (`lm_head` of a tied model).
    public static func unusedEntries(of map: [ExactText: String], a: Checkpoint, b: Checkpoint) -> [UnusedEntry] {
        map.keys.sorted().compactMap { key in
            guard let target = map[key] else { return nil }
            let name = key.text
            let inA = a.tensor(named: name) != nil, inB = b.tensor(named: target) != nil
            switch (inA, inB) {
            case (true, true): return nil
            case (false, true): return UnusedEntry(a: name, b: target, reason: "A has no tensor of this name")
            case (true, false): return UnusedEntry(a: name, b: target, reason: "B has no tensor of this name")
            case (false, false): return UnusedEntry(a: name, b: target, reason: "neither A nor B has a tensor of these names")
            }
        }
    }

    /// The built-in map when A is a Hub checkpoint and B a GGUF file (or the reverse). A Hub name
    /// the GGUF file itself holds pairs with that tensor, not with its llama.cpp name: a GGUF
    /// written with Hub names (gguf-py writes any name) listed `model.embed_tokens.weight` as
    /// only in A and only in B (adversarial review, 2026-12-06).
    public static func automatic(a: Checkpoint, b: Checkpoint) -> [ExactText: String] {
        let ggufA = a.files.contains { $0.formatName == "gguf" }, ggufB = b.files.contains { $0.formatName == "gguf" }
        guard ggufA != ggufB else { return [:] }
        var map: [ExactText: String] = [:]
        let architecture = LlamaCppNameMap.architecture(of: ggufB ? b : a)
        if ggufB {
            for view in a.tensors where b.tensor(named: view.name) == nil {
                if let name = LlamaCppNameMap.ggufName(forHubName: view.name, architecture: architecture) { map[ExactText(view.name)] = name }
            }
        } else {
            // A is the GGUF file: pair its names with B's Hub names.
            for view in b.tensors where a.tensor(named: view.name) == nil {
                if let name = LlamaCppNameMap.ggufName(forHubName: view.name, architecture: architecture) { map[ExactText(name)] = view.name }
            }
        }
        return map
    }
}
