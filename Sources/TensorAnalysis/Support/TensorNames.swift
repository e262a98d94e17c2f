import CheckpointIO
import StrictJSON
import TensorScan

/// What a tensor's name says about its role. Checkpoints carry no role information, so these
/// rules follow the naming conventions of the Hugging Face model zoo (documented in the
/// README); `--tensor` overrides them where a command accepts it.
public enum TensorNames {
    /// Name fragments of input token embeddings (BERT, Llama, GPT-2, T5/BART, LLaMA originals,
    /// GPT-NeoX, CLIP).
    static let embeddingFragments = ["word_embeddings", "embed_tokens", "tok_embeddings", "token_embedding",
                                     "embed_in", "wte", "token_embd"]

    /// True for names of input token embeddings, e.g. `bert.embeddings.word_embeddings.weight`,
    /// `model.embed_tokens.weight`, `wte.weight`, `shared.weight`.
    public static func isEmbedding(_ name: String) -> Bool {
        let parts = NameParts(name)
        return parts.contains("shared") || parts.containsPart(startingWithOneOf: embeddingFragments)
    }

    /// Buffers I-BERT's `QuantEmbedding` and `QuantLinear` keep beside their weight:
    /// `weight_integer` (the integer codes, all zero until quantized; the weight's shape) and
    /// `weight_scaling_factor`. Not token matrices: `weight_integer` was analysed as a tied
    /// input embedding (review, 2026-12-05). Only for a config of model_type `ibert`: the name
    /// alone is anyone's to write, and hid a Llama file's all-zero embedding (adversarial
    /// review, 2026-12-05).
    static let quantizationBuffers = ["weight_integer", "weight_scaling_factor"]

    static func isQuantizationBuffer(_ name: String, modelType: @autoclosure () -> String?) -> Bool {
        NameParts(name).last(isOneOf: quantizationBuffers) && modelType() == "ibert"
    }

    /// True for output projections that may share the embedding: the weight of the module
    /// transformers' `get_output_embeddings()` returns, by the paths its classes use
    /// (`TestData/knowledge/output-modules.json`, every class of transformers 5.25 surveyed):
    /// `lm_head.weight` under any prefix, the `decoder` of `lm_head`, `cls.predictions`,
    /// `mlm_score` and `head` (RoBERTa, BERT, ESM, …), `lm_head.out_proj`, `pred_layer.proj`
    /// (XLM), `vocab_projector` (DistilBERT), `generator_lm_head` (ELECTRA), `output_projection`
    /// (BioGPT, FSMT), `lm_loss` (XLNet), `embed_out` (GPT-NeoX); and at the top level only,
    /// where the names are generic, `decoder.weight`, `proj_out.weight` (Whisper), `head.weight`
    /// and `output.weight` (the original LLaMA).
    ///
    /// Why by the module that holds the weight: "any name containing lm_head" took RoBERTa's
    /// hidden layer `lm_head.dense.weight` (32 × 32) for the output projection, compared it with
    /// the embedding and said "not tied" of a tied model (review, 2026-12-05). Not matched:
    /// `lm_heads.N` (one head per audio codebook) and classes whose output is their
    /// `embed_tokens` itself (nothing of its own is saved).
    public static func isOutputProjection(_ name: String) -> Bool {
        let parts = NameParts(name)
        guard parts.part(-1, is: "weight"), parts.count >= 2 else { return false }
        if parts.part(-2, is: "lm_head") { return true }
        if outputModules.contains(where: { parts.part(-2, is: $0) }) { return true }
        if parts.part(-2, is: "decoder"), ["lm_head", "predictions", "mlm_score", "head"].contains(where: { parts.part(-3, is: $0) }) {
            return true
        }
        if parts.part(-2, is: "out_proj"), parts.part(-3, is: "lm_head") { return true }
        if parts.part(-2, is: "proj"), parts.part(-3, is: "pred_layer") { return true }
        return parts.count == 2 && topLevelOutputModules.contains { parts.part(0, is: $0) }
    }

    /// True when `name` is an output projection only by a generic top-level name (`head.weight`,
    /// `proj_out.weight`, `decoder.weight`, `output.weight`): a timm ViT's classifier and a
    /// diffusion model's `proj_out` are named so too, so such a matrix is a token matrix only
    /// when its rows are the vocabulary (`PaddingAnalysis.matrices`).
    public static func isGenericTopLevelOutput(_ name: String) -> Bool {
        let parts = NameParts(name)
        return parts.count == 2 && parts.part(-1, is: "weight") && topLevelOutputModules.contains { parts.part(0, is: $0) }
    }

    /// Module names of output projections, distinctive under any prefix.
    static let outputModules = ["generator_lm_head", "output_projection", "vocab_projector", "lm_loss", "embed_out"]
    /// Module names of output projections only at the top level: elsewhere they name other layers
    /// (`…attentions.0.proj_out` in a diffusion UNet, `…attention.output` in BERT).
    static let topLevelOutputModules = ["decoder", "proj_out", "head", "output"]

    /// Last name parts of registered buffers that models store once per layer by design.
    static let bufferNames = ["position_ids", "token_type_ids", "inv_freq", "masked_bias", "causal_mask", "mask",
                              "attention_mask"]

    /// True for registered buffers that models store once per layer by design: GPT-2's
    /// causal mask `attn.bias` / `attn.masked_bias`, `position_ids`, rotary `inv_freq`, masks.
    public static func isBuffer(_ name: String) -> Bool {
        let parts = NameParts(name)
        return parts.last(isOneOf: bufferNames) || (parts.part(-1, is: "bias") && parts.part(-2, is: "attn"))
    }

    /// Slots of torch.optim's per-parameter state (`Optimizer.state_dict()["state"]` maps a
    /// parameter's index — in old pickles its Python `id`, under FSDP and DCP its name — to
    /// them) that no model names a parameter or buffer: Adam and AdamW, Adamax, NAdam, RAdam,
    /// SGD, RMSprop, Adadelta and Adafactor's, and transformers' Adafactor's (`exp_avg_sq_row`,
    /// `exp_avg_sq_col`, `RMS`; its `step` is a Python int). One of them marks a subtree as an
    /// optimizer's.
    static let distinctiveOptimizerSlots: Set<String> = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "exp_inf", "momentum_buffer", "square_avg",
                                                         "grad_avg", "acc_delta", "mu_product", "row_var", "col_var",
                                                         "exp_avg_sq_row", "exp_avg_sq_col", "RMS"]

    /// The whole slot sets of the optimizers whose slots a model may use too (`step` counters,
    /// `sum`, `mu`, learned `step_size`s): Adagrad, Rprop, ASGD, Adafactor on a 1-D parameter.
    /// A subtree marks itself an optimizer's through them only when every entry has exactly
    /// one of these sets: a model's `state.3.weight` beside a `step` buffer must stay a layer
    /// (adversarial review, 2026-12-05).
    static let optimizerSlotSets: Set<Set<String>> = [["sum", "step"], ["prev", "step_size", "step"], ["step", "eta", "mu", "ax"],
                                                       ["step", "variance"]]

    /// Every slot named above.
    static let anyOptimizerSlot = optimizerSlotSets.reduce(distinctiveOptimizerSlots) { $0.union($1) }

    /// The prefixes `P` (each ending in a part `state`) under which the checkpoint holds an
    /// optimizer's per-parameter state: every tensor named `P.…` is `P.<key>.<slot>` (the key
    /// one part or more: an index, an id, a parameter's name), and every key's slots are known
    /// optimizer slots with one no model names a parameter (`distinctiveOptimizerSlots`), or
    /// exactly one optimizer's whole set (`optimizerSlotSets`). Why by the whole subtree and not by a name: the key above
    /// it is anything (`optimizer`, `opt_state`, `optG`, Lightning's `optimizer_states.0`, none
    /// for HF Trainer's `optimizer.pt`, `optim` for FSDP's by-name state), and a model's own
    /// `state.1.mu` copied from another layer must stay `identical-layers` (adversarial
    /// reviews, 2026-12-05). Equal Adam moments of an LSTM's `bias_ih` and `bias_hh` are equal
    /// by construction: six "suspicious copies" on Resemblyzer 0.1.4's `pretrained.pt` were that
    /// (reader's review).
    public static func optimizerStates(in names: some Sequence<String>) -> Set<String> {
        var slots: [String: [String: Set<String>]] = [:]
        var invalid = Set<String>()
        for name in names {
            let parts = components(name)
            for i in parts.indices where parts[i] == "state" {
                let prefix = parts[...i].joined(separator: ".")
                guard i + 2 < parts.count, let slot = parts.last.map(String.init) else {
                    invalid.insert(prefix)
                    continue
                }
                let key = parts[(i + 1) ..< (parts.count - 1)].joined(separator: ".")
                slots[prefix, default: [:]][key, default: []].insert(slot)
            }
        }
        // Every key's slots must be an optimizer's, each key on its own: all of them known
        // slots, with a distinctive one or exactly one optimizer's set. Why each key: a model's
        // `state.N.{weight, step}` layers with one `exp_avg` buffer in layer 0 passed as a whole
        // and hid four copied weights (adversarial review, 2026-12-05).
        return Set(slots.filter { prefix, entries in
            !invalid.contains(prefix) && entries.values.allSatisfy { slots in
                slots.isSubset(of: anyOptimizerSlot)
                    && (!slots.isDisjoint(with: distinctiveOptimizerSlots) || optimizerSlotSets.contains(slots))
            }
        }.keys)
    }

    /// Whether `name` is `P.<key>.<slot>` for one of `states` (`optimizerStates(in:)`), its
    /// slot an optimizer's.
    public static func isOptimizerState(_ name: String, states: Set<String>) -> Bool {
        guard !states.isEmpty else { return false }
        let parts = components(name)
        guard let slot = parts.last, anyOptimizerSlot.contains(String(slot)) else { return false }
        return parts.indices.contains { i in parts[i] == "state" && i + 2 < parts.count && states.contains(parts[...i].joined(separator: ".")) }
    }

    /// The name with its layer numbers replaced by `#` (`h.3.mlp.weight` → `h.#.mlp.weight`),
    /// or `nil` when the name has no numeric component.
    public static func layerPattern(_ name: String) -> String? {
        var found = false
        let parts = components(name, keepingEmpty: true).map { part -> Substring in
            if !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) {
                found = true
                return "#"
            }
            return part
        }
        return found ? parts.joined(separator: ".") : nil
    }

    /// The dot-separated parts of a name as substrings, split on UTF-8 bytes (see `NameParts`).
    static func components(_ name: String, keepingEmpty: Bool = false) -> [Substring] {
        name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: !keepingEmpty).map { Substring($0) }
    }

    /// The `__metadata__` alias convention of safetensors' `save_model` and the Hub convert
    /// bot: a key that is not a tensor, whose value is a tensor, names a removed tensor that
    /// shared storage with the kept one. Returns removed name → kept name. Names are compared
    /// as code points: `save_model` of a module holding `café.weight` precomposed and decomposed
    /// as one tensor keeps one spelling and records the other as its alias, which `key != value`
    /// on `String`s took for a key naming itself.
    /// Keyed by code points too: two keys that are the two spellings of `café` are two aliases.
    ///
    /// Only safetensors files' `__metadata__` counts (merged as `Checkpoint.metadata` merges it:
    /// the first file wins): recording a dropped tensor's name there is that format's writers'
    /// convention. A GGUF key-value pair whose key names no tensor and whose value names one was
    /// reported as "__metadata__ records … as an alias" (adversarial review, 2026-12-06).
    public static func aliases(in checkpoint: Checkpoint) -> [ExactText: String] {
        var metadata: [ExactText: String] = [:]
        for file in checkpoint.files {
            guard case .safetensors = file.format else { continue }
            for (key, value) in file.metadata ?? [:] where metadata[key] == nil { metadata[key] = value }
        }
        var out: [ExactText: String] = [:]
        for (key, value) in metadata where checkpoint.tensor(named: key.text) == nil && !ExactText.same(key.text, value) {
            if checkpoint.tensor(named: value) != nil { out[key] = value }
        }
        return out
    }
}
