import CheckpointIO
import StrictJSON

/// Tensor names transformers renames as it loads a checkpoint, so that two Hub-format
/// checkpoints whose names differ only so load into the same parameters.
///
/// Why: `diff old/pytorch_model.bin new/model.safetensors` of a BERT saved before PyTorch named
/// LayerNorm parameters `weight`/`bias`, against a file written from the loaded model's
/// `state_dict()`, listed every LayerNorm as only in A and only in B and failed, though
/// `from_pretrained` loads both files alike (hunt-61b P1); a GPT-NeoX state dict names its head
/// `lm_head.weight`, the Hub file (and `save_pretrained`, which writes names back as loaded)
/// `embed_out.weight`.
///
/// The renames, from transformers 5.25's `conversion_mapping.py` (plain renamings only; the
/// converters that split, merge or permute tensors are not names):
/// - `legacy`, applied to every model: `LayerNorm.gamma` → `LayerNorm.weight`, `LayerNorm.beta`
///   → `LayerNorm.bias`, `.weight_g` → `.parametrizations.weight.original0`, `.weight_v` →
///   `.parametrizations.weight.original1` (weight-normalised convolutions, as in wav2vec2);
/// - `GPTNeoXForCausalLM`, when a config.json beside either side names that class: a leading
///   `embed_out.` → `lm_head.`.
/// transformers applies each as a substitution anywhere in the name (the GPT-NeoX one at its
/// start); so does `loaded(_:classes:)`.
public enum LoaderRenames {
    struct Renaming {
        let from: String
        let to: String
        let atStart: Bool
    }

    static let everyModel = [
        Renaming(from: "LayerNorm.gamma", to: "LayerNorm.weight", atStart: false),
        Renaming(from: "LayerNorm.beta", to: "LayerNorm.bias", atStart: false),
        Renaming(from: ".weight_g", to: ".parametrizations.weight.original0", atStart: false),
        Renaming(from: ".weight_v", to: ".parametrizations.weight.original1", atStart: false),
    ]

    static let byClass = [
        "GPTNeoXForCausalLM": [Renaming(from: "embed_out.", to: "lm_head.", atStart: true)],
    ]

    /// `name` as the loader names it for a model of one of `classes`.
    static func loaded(_ name: String, classes: [String]) -> String {
        var result = name
        for renaming in everyModel + classes.flatMap({ byClass[$0] ?? [] }) {
            if renaming.atStart {
                if result.hasPrefix(renaming.from) { result = renaming.to + result.dropFirst(renaming.from.count) }
            } else {
                result = result.replacing(renaming.from, with: renaming.to)
            }
        }
        return result
    }

    /// A's names that B lacks, each paired with the one name B holds (and A lacks) that the loader
    /// gives the same parameter; a name that two of the other side's names would load as stays
    /// unpaired.
    public static func pairs(a: Checkpoint, b: Checkpoint) -> [ExactText: String] {
        let classes = (a.config?.architectures ?? []) + (b.config?.architectures ?? [])
        let namesA = Set(a.tensors.map { ExactText($0.name) }), namesB = Set(b.tensors.map { ExactText($0.name) })
        func byLoadedName(_ names: Set<ExactText>, lacking other: Set<ExactText>) -> [String: [String]] {
            var result: [String: [String]] = [:]
            for name in names where !other.contains(name) { result[loaded(name.text, classes: classes), default: []].append(name.text) }
            return result
        }
        let onlyA = byLoadedName(namesA, lacking: namesB), onlyB = byLoadedName(namesB, lacking: namesA)
        var map: [ExactText: String] = [:]
        for (loaded, fromA) in onlyA {
            guard fromA.count == 1, let fromB = onlyB[loaded], fromB.count == 1, fromA[0] != fromB[0] else { continue }
            map[ExactText(fromA[0])] = fromB[0]
        }
        return map
    }
}
