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
///   `.parametrizations.weight.original1` (weight-normalised convolutions, as in wav2vec2), and a
///   leading `model.language_model.model` or `language_model.model.model` → `model.language_model`
///   (checkpoints that transformers 5.10–5.23 saved with the level doubled);
/// - `GPTNeoXForCausalLM`, for a side whose config.json names that class (or, without one of its
///   own, whose other side's does): a leading `embed_out.` → `lm_head.`.
///
/// Matched as transformers' `WeightRenaming` matches them (core_model_loading.py): a regular
/// expression searched in the name, an unescaped `.` matching any character, ending where no
/// word character follows (`LayerNorm.gammas` is not renamed, `LayerNorm_gamma` is); the text
/// of the first match is then replaced where it first occurs in the name, once (hunt-61c P2).
public enum LoaderRenames {
    /// One element of a pattern: a character, or `.` unescaped (any character).
    enum Element: Equatable {
        case character(Character)
        case any
    }

    struct Renaming {
        /// Longest first.
        let patterns: [[Element]]
        let to: String
        let atStart: Bool

        /// `pattern` as transformers writes it: `\.` a literal dot, `.` any character.
        init(_ patterns: [String], to: String, atStart: Bool = false) {
            self.patterns = patterns.map { pattern in
                var elements: [Element] = [], escaped = false
                for c in pattern {
                    if escaped { elements.append(.character(c)); escaped = false }
                    else if c == "\\" { escaped = true }
                    else { elements.append(c == "." ? .any : .character(c)) }
                }
                return elements
            }
            // Longest pattern first, as transformers orders its alternation's branches.
            .sorted { $0.count > $1.count }
            self.to = to
            self.atStart = atStart
        }

        /// The name renamed, or the name when no pattern matches.
        func applied(to name: String) -> String {
            let characters = Array(name)
            let isWord = { (c: Character) in c.isLetter || c.isNumber || c == "_" }
            for start in 0 ..< (atStart ? min(1, characters.count) : characters.count) {
                for pattern in patterns where start + pattern.count <= characters.count {
                    let matches = pattern.indices.allSatisfy { k in
                        pattern[k] == .any ? characters[start + k] != "\n" : pattern[k] == .character(characters[start + k])
                    }
                    let end = start + pattern.count
                    let endsName: Bool
                    if case .character(let last)? = pattern.last, last.isLetter || last.isNumber {
                        endsName = end == characters.count || !isWord(characters[end])
                    } else {
                        endsName = true
                    }
                    guard matches, endsName else { continue }
                    let found = String(characters[start ..< end])
                    guard let first = name.firstRange(of: found) else { return name }
                    var renamed = name
                    renamed.replaceSubrange(first, with: to)
                    return renamed
                }
            }
            return name
        }
    }

    static let everyModel = [
        Renaming(["LayerNorm.gamma"], to: "LayerNorm.weight"),
        Renaming(["LayerNorm.beta"], to: "LayerNorm.bias"),
        Renaming([".weight_g"], to: ".parametrizations.weight.original0"),
        Renaming([".weight_v"], to: ".parametrizations.weight.original1"),
        Renaming([#"model\.language_model\.model"#, #"language_model\.model\.model"#], to: "model.language_model", atStart: true),
    ]

    static let byClass = [
        "GPTNeoXForCausalLM": [Renaming([#"embed_out\."#], to: "lm_head.", atStart: true)],
    ]

    /// `name` as the loader names it for a model of one of `classes`: the class's renamings, then
    /// every model's.
    static func loaded(_ name: String, classes: [String]) -> String {
        (classes.flatMap { byClass[$0] ?? [] } + everyModel).reduce(name) { $1.applied(to: $0) }
    }

    /// A's names that B lacks, each paired with the one name B holds (and A lacks) that the loader
    /// gives the same parameter; a name that two of the other side's names would load as stays
    /// unpaired. Each side is loaded as the classes its own config.json names, else the other's.
    public static func pairs(a: Checkpoint, b: Checkpoint) -> [ExactText: String] {
        let classesA = a.config?.architectures ?? b.config?.architectures ?? []
        let classesB = b.config?.architectures ?? a.config?.architectures ?? []
        let namesA = Set(a.tensors.map { ExactText($0.name) }), namesB = Set(b.tensors.map { ExactText($0.name) })
        func byLoadedName(_ names: Set<ExactText>, lacking other: Set<ExactText>, classes: [String]) -> [String: [String]] {
            var result: [String: [String]] = [:]
            for name in names where !other.contains(name) { result[loaded(name.text, classes: classes), default: []].append(name.text) }
            return result
        }
        let onlyA = byLoadedName(namesA, lacking: namesB, classes: classesA)
        let onlyB = byLoadedName(namesB, lacking: namesA, classes: classesB)
        var map: [ExactText: String] = [:]
        for (loaded, fromA) in onlyA {
            guard fromA.count == 1, let fromB = onlyB[loaded], fromB.count == 1, fromA[0] != fromB[0] else { continue }
            map[ExactText(fromA[0])] = fromB[0]
        }
        return map
    }
}
