import CheckpointIO
import StrictJSON

/// Hugging Face tensor names → the names llama.cpp's converter writes in GGUF files, so
/// `diff model.safetensors model.gguf` pairs the same weights.
///
/// The tables are gguf-py 0.19.0's `get_tensor_name_map(arch)` for every architecture it knows,
/// generated into `LlamaCppArchitectureNames.swift` (`defaultNames`: each Hub pattern's name in
/// most architectures; `architectureNames`: an architecture's own where they differ, e.g. Gemma
/// 2 and 3 store `post_attention_layernorm` as `post_attention_norm` and give llama's
/// `ffn_norm` to `pre_feedforward_layernorm`). `.weight`/`.bias` suffixes carry over. Why per
/// architecture: one llama/bert table paired a faithful Gemma conversion's norms wrongly and left
/// the tensors of Phi-3, StarCoder2, T5, GPT-2, … unpaired (hunt-54a D1, D2).
///
/// Architecture `bert` is written by four converter classes (llama.cpp as vendored by
/// llama-cpp-python 0.3.36, `conversion/bert.py`), each stripping its own prefix before the
/// map is consulted, as `hubBase` does: `RobertaModel` and `XLMRobertaModel.filter_tensors` a
/// leading `roberta.` (e.g. bge-reranker-v2-m3), `DistilBertModel.filter_tensors` a leading
/// `distilbert.`, then `BertModel.filter_tensors` (which all of them call) a leading `bert.`.
/// Why all here: the Hub names of a RoBERTa or DistilBERT head model were "only in A" against
/// their faithful conversion (hunt-53b D1). What the converter changes beyond names — llama's
/// `q_proj`/`k_proj` rows, permuted for the rotary layout, RoBERTa's position rows, cut from
/// `pad_token_id + 1` on, Gemma's norms, stored plus 1 — is `LlamaCppRotaryOrder`'s,
/// `LlamaCppPositionOffset`'s and `LlamaCppNormShift`'s.
public enum LlamaCppNameMap {
    /// The prefixes the `bert` converter classes strip, in the order they strip them: a
    /// subclass's own (`roberta.`, `distilbert.`) first, then `BertModel`'s `bert.`.
    static let subclassPrefixes = ["roberta.", "distilbert."]
    static let bertPrefix = "bert."

    /// `name` as the converter names it before the map: the `bert` converters' prefix strips
    /// (see the type's doc; stripped whatever the architecture: no llama-family name starts with
    /// these), then `ModelBase.filter_tensors`, which every text converter reaches: every
    /// `language_model.` removed (`model.language_model.layers.0…` of Gemma 3, LLaVA, Mistral 3
    /// and Qwen-VL checkpoints is `model.layers.0…`) and a trailing `e_score_correction_bias`
    /// written `e_score_correction.bias` (DeepSeek). Why: a real Gemma 3 conversion of a
    /// `model.language_model.*` checkpoint compared nothing, 28 tensors only in A and only in B
    /// (review-54 D2).
    public static func hubBase(_ name: String) -> String {
        var base = Substring(name)
        if let prefix = subclassPrefixes.first(where: { base.hasPrefix($0) }) { base = base.dropFirst(prefix.count) }
        if base.hasPrefix(bertPrefix) { base = base.dropFirst(bertPrefix.count) }
        var named = String(base)
        if named.hasSuffix("e_score_correction_bias") {
            named = named.replacing("e_score_correction_bias", with: "e_score_correction.bias")
        }
        if named.contains("language_model.") { named = named.replacing("language_model.", with: "") }
        return named
    }

    /// The GGUF name of the Hub tensor `name` in a file of GGUF `architecture` (nil: not
    /// known, the default names apply), or nil when no name covers it.
    public static func ggufName(forHubName name: String, architecture: String? = nil) -> String? {
        var base = hubBase(name)
        // `filter_tensors` of these converters (afmoe.py, bailingmoe.py's BailingMoeV2Model,
        // bailingmoe3.py, lfm2.py's LFM2MoeModel) renames the router's `….expert_bias` to
        // `….expert_bias.bias`, so it is stored as `blk.N.exp_probs_b.bias`.
        if let architecture, expertBiasRenamers.contains(architecture), base.hasSuffix(".expert_bias") { base += ".bias" }
        if architecture == "gpt-oss" { base = gptOssName(base) }
        // BloomModel.modify_tensors (`conversion/bloom.py`) removes every `transformer.` first
        // (`re.sub`), so gguf-py's `h.N.…` names apply: `post_attention_layernorm` (`ffn_norm`) and
        // `word_embeddings_layernorm` (`token_embd_norm`) were "only in A" (helper-177's sweep).
        if architecture == "bloom" { base = base.replacing("transformer.", with: "") }
        if architecture == "gemma3n" {
            if base.hasSuffix("_scale") { base += ".weight" }
            if let (stacked, index) = gemma3nAltupParts(of: base), let gguf = suffixedLookup(stacked, { defaultNames[$0] }) {
                return TensorView.sliceName(gguf, index)
            }
        }
        if let architecture, gemma4Architectures.contains(architecture) {
            switch gemma4Name(base) {
            case .renamed(let renamed): base = renamed
            case .stored(let gguf): return gguf
            }
        }
        // A name holding `{N}` itself is no block name gguf-py would form.
        guard !base.contains("{N}") else { return nil }
        let own = architecture.flatMap { architectureNames[$0] ?? architectureNames[architectureAliases[$0] ?? ""] }
        if architecture == "gemma4-assistant", let nextn = gemma4AssistantNames[base] { return nextn }
        func named(_ pattern: String) -> String? { own?[pattern] ?? defaultNames[pattern] }
        // As gguf-py's `get_name(key, try_suffixes=(".weight", ".bias"))`: the whole name first
        // (a few patterns end in `.weight` themselves), then without one suffix.
        if let gguf = suffixedLookup(base, named) { return gguf }
        // A state-space layer's `….dt_bias`, which the converters (`mamba.py` — Mamba 2, Granite
        // hybrids —, `qwen.py` Qwen3-Next, `glm.py`, `kimi_linear.py`, `plamo.py`,
        // `bailingmoe3.py`; `nemotron.py` writes `dt.bias`, which gguf-py names alike) rename
        // `….dt_proj.bias` before the map (hunt-55a D5: it was "only in A").
        if base.hasSuffix(".dt_bias"), let gguf = suffixedLookup(String(base.dropLast(".dt_bias".count)) + ".dt_proj.bias", named) {
            return gguf
        }
        // A mixture-of-experts layer's expert `E`: the converter stacks experts 0, 1, … of a
        // matrix into one tensor under the name the map gives the name without `E.`
        // (`….mlp.experts.3.gate_proj.weight` → entry 3 of `blk.N.ffn_gate_exps.weight`).
        guard let (merged, expert) = expertParts(of: base) else { return nil }
        let converterName = architecture.flatMap { mergedExpertNames[$0]?(merged) } ?? merged
        guard let gguf = suffixedLookup(converterName, named) else { return nil }
        return TensorView.sliceName(gguf, expert)
    }

    /// The name a converter stacks a layer's experts under, where it is not the Hub name without
    /// `E.` (which gguf-py's table then does not hold): LFM2-MoE (`conversion/lfm2.py`,
    /// `modify_tensors`: `layers.N.feed_forward.experts.W.weight`, no leading `model.`) and
    /// Nemotron-H MoE (`conversion/nemotron.py`: Hub `backbone.layers.N.mixer.experts.E.W.weight`
    /// stacked as `model.layers.N.mlp.experts.W.weight`). hunt-55a D1, D6: their experts were
    /// all "only in A". (Mixtral's and Arctic's converters also stack under
    /// `layers.N.feed_forward.experts.wX`, but gguf-py also maps their Hub form.)
    static let mergedExpertNames: [String: @Sendable (String) -> String] = [
        "lfm2moe": { $0.hasPrefix("model.") ? String($0.dropFirst("model.".count)) : $0 },
        "nemotron_h_moe": { name in
            guard name.hasPrefix("backbone.layers."), name.contains(".mixer.experts.") else { return name }
            return "model.layers." + name.dropFirst("backbone.layers.".count).replacing(".mixer.experts.", with: ".mlp.experts.")
        },
    ]

    /// Architectures whose converter stores a router's `expert_bias` as `….expert_bias.bias`.
    static let expertBiasRenamers: Set<String> = ["afmoe", "bailingmoe2", "bailingmoe3", "lfm2moe"]

    /// What GPT-OSS's converter (`conversion/gpt_oss.py`, `GptOssModel`) does to `name` before
    /// the map: `filter_tensors` appends `.weight` to a name holding `sinks`
    /// (`model.layers.N.self_attn.sinks` → `blk.N.attn_sinks.weight`), and `modify_tensors`
    /// renames `down_proj_bias` to `down_proj.bias` (`mlp.experts.down_proj_bias`, [experts,
    /// hidden], stored whole as `blk.N.ffn_down_exps.bias`). Why: both were "only in A" against a
    /// faithful conversion (hunt-55a D5). The experts' matrices (MXFP4 blocks repacked, or
    /// transposed with gate and up interleaved) and the gate/up biases (interleaved) are not
    /// paired.
    static func gptOssName(_ name: String) -> String {
        if name.contains("sinks") { return name + ".weight" }
        if name.contains("down_proj"), name.hasSuffix("_bias") { return name.replacing("down_proj_bias", with: "down_proj.bias") }
        return name
    }

    /// Gemma 3n's AltUp projections as its converter stacks them (`conversion/gemma.py`,
    /// `Gemma3NModel.modify_tensors`): `model.altup_projections.E.weight` and
    /// `model.altup_unembed_projections.E.weight`, E = 0, 1, 2, are `torch.stack`ed in that order as
    /// `model.altup_projections.weight` (`altup_proj.weight`) and `model.altup_unembed_projections.weight`
    /// (`altup_unembd_proj.weight`): the stacked name and E, or nil. (Its `filter_tensors` also
    /// appends `.weight` to every name ending in `_scale`: `….altup.correct_output_scale` is
    /// `blk.N.altup_correct_scale.weight`.) Why: a faithful Gemma 3n conversion failed `diff` on
    /// them (hunt-56a D3).
    static func gemma3nAltupParts(of name: String) -> (stacked: String, index: Int)? {
        for stem in ["model.altup_projections.", "model.altup_unembed_projections."] where name.hasPrefix(stem) && name.hasSuffix(".weight") {
            let digit = name.dropFirst(stem.count).dropLast(".weight".count)
            guard digit.count == 1, let index = Int(digit), (0 ... 2).contains(index) else { return nil }
            return (stem + "weight", index)
        }
        return nil
    }

    /// Architectures gguf-py 0.19.0 (whose tables `architectureNames` holds) does not know, and the
    /// one whose names they use: `gemma4-assistant` (Gemma4AssistantModel, a Gemma4Model subclass,
    /// in the llama.cpp vendored by llama-cpp-python 0.3.36; its gguf-py's `MODEL_TENSORS` for it
    /// holds Gemma 4's norms). Why: the default names paired `post_attention_layernorm` with
    /// `ffn_norm` (hunt-56a D1).
    static let architectureAliases: [String: String] = ["gemma4-assistant": "gemma4"]

    /// Gemma 4 assistant's own tensors, as that gguf-py's `tensor_mapping.py` names them (NextN
    /// projections from and to the backbone's width).
    static let gemma4AssistantNames: [String: String] = [
        "pre_projection.weight": "nextn.pre_projection.weight", "post_projection.weight": "nextn.post_projection.weight",
    ]

    /// The architectures `Gemma4Model`'s converter methods write (`conversion/gemma.py`: Gemma 4,
    /// Gemma 4 Unified and, through `Gemma4AssistantModel`, `gemma4-assistant`).
    static let gemma4Architectures: Set<String> = ["gemma4", "gemma4-assistant"]

    /// A Hub name as Gemma 4's converter passes it on: renamed before gguf-py's map, or stored
    /// under a name the converter forms itself.
    enum Gemma4Name: Equatable {
        case renamed(String)
        case stored(String)
    }

    /// What `Gemma4Model` does to `name` before the map: `filter_tensors` appends `.weight` to a
    /// name ending in `per_dim_scale` or `layer_scalar`, and to an expert tensor (`.experts.` in
    /// the name) stored without a suffix: transformers 5 saves Gemma 4's experts fused, as
    /// `model.layers.N.experts.gate_up_proj` [experts, 2 × intermediate, hidden] and
    /// `experts.down_proj`, which the converter stores whole as `blk.N.ffn_gate_up_exps.weight` and
    /// `blk.N.ffn_down_exps.weight`. `modify_tensors` stores a name ending in `router.scale` as
    /// `blk.N.ffn_gate_inp.scale` and one holding `.per_expert_scale` as `blk.N.ffn_down_exps.scale`,
    /// N the first all-digit part of the name (`ModelBase`'s block number). Why: a faithful
    /// Gemma 4 conversion failed `diff` on `layer_scalar`, and on every expert tensor of the MoE
    /// model (checked 2026-12-07 on conversions of tiny transformers 5.25 Gemma 4 models by
    /// the converter vendored by llama-cpp-python 0.3.36: the pairs are equal bitwise in F32).
    static func gemma4Name(_ name: String) -> Gemma4Name {
        if name.hasSuffix("router.scale") || name.contains(".per_expert_scale") {
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            if let block = parts.first(where: { !$0.isEmpty && $0.utf8.count <= 9 && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
               let number = Int(block) {
                return .stored(name.hasSuffix("router.scale") ? "blk.\(number).ffn_gate_inp.scale" : "blk.\(number).ffn_down_exps.scale")
            }
            return .renamed(name)
        }
        if name.hasSuffix("per_dim_scale") || name.hasSuffix("layer_scalar") { return .renamed(name + ".weight") }
        if name.contains(".experts."), ![".weight", ".weight_scale", ".weight_scale_2", ".input_scale"].contains(where: { name.hasSuffix($0) }) {
            return .renamed(name + ".weight")
        }
        return .renamed(name)
    }

    /// As gguf-py's `get_name(key, try_suffixes=(".weight", ".bias"))`: `key` whole, else
    /// without one of those suffixes (then put back).
    static func suffixedLookup(_ key: String, _ named: (String) -> String?) -> String? {
        if let gguf = lookup(key, named) { return gguf }
        for ending in [".weight", ".bias"] where key.hasSuffix(ending) {
            return lookup(String(key.dropLast(ending.count)), named).map { $0 + ending }
        }
        return nil
    }

    /// `name` without the expert number of its `experts.E.` part, and `E` (decimal, no leading
    /// zero), or nil when it has no such part. llama.cpp's MoE converters (`conversion/llama.py`
    /// for Mixtral, `qwen.py`, `olmo.py`, `deepseek.py`, …) collect `….experts.E.W.weight` for
    /// every `E` and `torch.stack` them in expert order under the name without `E.`.
    static func expertParts(of name: String) -> (merged: String, expert: Int)? {
        let marker = "experts."
        var searchStart = name.startIndex
        while let found = name[searchStart...].firstRange(of: marker) {
            defer { searchStart = found.upperBound }
            guard found.lowerBound == name.startIndex || name[name.index(before: found.lowerBound)] == "." else { continue }
            let digits = name[found.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, digits == "0" || !digits.hasPrefix("0"), digits.endIndex < name.endIndex,
                  name[digits.endIndex] == ".", let expert = Int(digits) else { continue }
            return (String(name[..<found.upperBound]) + String(name[name.index(after: digits.endIndex)...]), expert)
        }
        return nil
    }

    /// `key`'s GGUF name: the key itself, else each run of digits in turn read as the block
    /// number `{N}` (written as gguf-py writes block numbers: no leading zero). A lookup per run,
    /// not a match against each of the 1,097 patterns.
    static func lookup(_ key: String, _ named: (String) -> String?) -> String? {
        if let gguf = named(key) { return gguf }
        let bytes = Array(key.utf8)
        var start = 0
        while start < bytes.count {
            guard bytes[start].isASCIIDigit else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count, bytes[end].isASCIIDigit { end += 1 }
            let number = String(decoding: bytes[start..<end], as: UTF8.self)
            if number == "0" || !number.hasPrefix("0") {
                let pattern = String(decoding: bytes[..<start], as: UTF8.self) + "{N}" + String(decoding: bytes[end...], as: UTF8.self)
                if let gguf = named(pattern) { return gguf.replacing("{N}", with: number) }
            }
            start = end
        }
        return nil
    }

    /// The `general.architecture` of a checkpoint's GGUF file, when it has one and states it.
    static func architecture(of checkpoint: Checkpoint) -> String? {
        checkpoint.ggufModel?.metadata[LlamaCppRotaryOrder.architectureKey]?.string
    }
}

private extension UInt8 {
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
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
    /// `a` and `b` as compared (stacked tensors split into entries, `StackedSlices`); `openedA`
    /// and `openedB` as opened, for why a name written as an entry `NAME[E]` of a tensor that
    /// side holds is none (hunt-55a A3: "B has no tensor of this name" for a tensor B holds).
    public static func unusedEntries(of map: [ExactText: String], a: Checkpoint, b: Checkpoint,
                                     openedA: Checkpoint? = nil, openedB: Checkpoint? = nil) -> [UnusedEntry] {
        var reasonsA = StackedSlices.UnusedReasons(original: openedA ?? a, nameMap: map, isA: true)
        var reasonsB = StackedSlices.UnusedReasons(original: openedB ?? b, nameMap: map, isA: false)
        return map.keys.sorted().compactMap { key in
            guard let target = map[key] else { return nil }
            let name = key.text
            let inA = a.tensor(named: name) != nil, inB = b.tensor(named: target) != nil
            let entryA = inA ? nil : reasonsA.reason(for: name)
            let entryB = inB ? nil : reasonsB.reason(for: target)
            switch (inA, inB) {
            case (true, true): return nil
            case (false, true): return UnusedEntry(a: name, b: target, reason: entryA ?? "A has no tensor of this name")
            case (true, false): return UnusedEntry(a: name, b: target, reason: entryB ?? "B has no tensor of this name")
            case (false, false):
                let reasons = [entryA ?? "A has no tensor of this name", entryB ?? "B has no tensor of this name"]
                return UnusedEntry(a: name, b: target, reason: entryA == nil && entryB == nil
                                   ? "neither A nor B has a tensor of these names" : reasons.joined(separator: "; "))
            }
        }
    }

    /// The built-in map when A is a Hub checkpoint and B a GGUF file (or the reverse). A Hub name
    /// the GGUF file itself holds pairs with that tensor, not with its llama.cpp name: a GGUF
    /// written with Hub names (gguf-py writes any name) listed `model.embed_tokens.weight` as
    /// only in A and only in B (adversarial review, 2026-12-06).
    /// Two Hub-format checkpoints pair the names transformers renames as it loads
    /// (`LoaderRenames`); two GGUF files pair nothing but equal names.
    public static func automatic(a: Checkpoint, b: Checkpoint) -> [ExactText: String] {
        let ggufA = a.files.contains { $0.formatName == "gguf" }, ggufB = b.files.contains { $0.formatName == "gguf" }
        guard ggufA != ggufB else { return ggufA ? [:] : LoaderRenames.pairs(a: a, b: b) }
        var map: [ExactText: String] = [:]
        let architecture = LlamaCppNameMap.architecture(of: ggufB ? b : a)
        let (hub, gguf) = ggufB ? (a, b) : (b, a)
        var splitBudget = GraniteSplits.maximumPieces
        for view in hub.tensors where gguf.tensor(named: view.name) == nil {
            // A is the GGUF file: its names pair with B's Hub names.
            func pair(_ hubName: String, _ ggufName: String) {
                if ggufB { map[ExactText(hubName)] = ggufName } else { map[ExactText(ggufName)] = hubName }
            }
            // An entry of a stacked tensor the GGUF file lacks pairs with nothing: a tensor literally
            // named `T[E]` is none llama.cpp's loader reads (it requires the stack), and such a file
            // passed (hunt-55a A2, hunt-57c H2).
            func stacked(_ name: String) -> Bool {
                guard let (tensor, _) = TensorView.sliceParts(of: name) else { return true }
                return gguf.tensor(named: tensor) != nil
            }
            if let pieces = GraniteSplits.pieces(of: view, architecture: architecture, gguf: gguf, budget: &splitBudget)
                ?? MLASplits.pieces(of: view, architecture: architecture, gguf: gguf, config: hub.config, budget: &splitBudget) {
                for piece in pieces where stacked(piece.gguf) { pair(piece.hub, piece.gguf) }
            } else if let name = LlamaCppNameMap.ggufName(forHubName: view.name, architecture: architecture) {
                let target = GraniteSplits.denseName(name, architecture: architecture, gguf: gguf) ?? splitExpertName(name, in: gguf) ?? name
                if stacked(target) { pair(view.name, target) }
            }
        }
        return map
    }

    /// For entry `E` of a stacked expert tensor `blk.N.ffn_W_exps.weight` that `gguf` lacks:
    /// the older per-expert name `blk.N.ffn_W.E.weight`, when `gguf` holds it; nil otherwise.
    /// GGUF files written before llama.cpp stacked experts (its PR #6387, April 2024; the Mixtral
    /// conversions of December 2023 on the Hub) store each expert as a tensor of its own, named
    /// so (llama.cpp's `LLM_TENSOR_FFN_GATE_EXP`, "blk.%d.ffn_gate.%d", still in `llama-arch.cpp`
    /// as vendored by llama-cpp-python 0.3.36, whose loader no longer reads them). hunt-55a D8.
    static func splitExpertName(_ name: String, in gguf: Checkpoint) -> String? {
        let stacked = "_exps.weight"
        guard let (tensor, expert) = TensorView.sliceParts(of: name), tensor.hasPrefix("blk."), tensor.hasSuffix(stacked),
              gguf.tensor(named: tensor) == nil else { return nil }
        let split = String(tensor.dropLast(stacked.count)) + ".\(expert).weight"
        return gguf.tensor(named: split) != nil ? split : nil
    }
}
