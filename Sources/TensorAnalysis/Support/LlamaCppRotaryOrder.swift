import CheckpointIO
import StrictJSON
import GGUFFormat
import TensorScan

/// How `diff` pairs the rows of llama's query and key projections across a Hub checkpoint and
/// its GGUF conversion, and the evidence for it.
///
/// The fact (llama.cpp `convert_hf_to_gguf.py`, `LlamaModel.modify_tensors`): for
/// `general.architecture` `llama` (and the architectures of `permutingArchitectures`, whose
/// converter classes inherit that method), every tensor whose name ends in `q_proj.weight`/`q_proj.bias`
/// is stored through `LlamaModel.permute(w, n_head, n_head)` and every `k_proj` one through
/// `permute(w, n_head, n_head_kv)`, which permutes by `n_head_kv` heads when it differs — each
/// head's two rotary halves interleaved (`RowInterleave`). The heads are the ones the converter
/// writes as `ARCH.attention.head_count` / `head_count_kv`; without `head_count_kv` it used
/// `n_head` (and llama.cpp's loader defaults to it). Other architectures are compared in file
/// order: this map claims the permutation only where the converter's source shows it.
public enum LlamaCppRotaryOrder {
    /// One q/k pair's row order.
    public struct Decision: Sendable, Equatable {
        /// The permutation undone when pairing rows; nil when rows are compared in file order.
        public let order: RowInterleave?
        /// Heads the rows were grouped by, when known.
        public let heads: Int?
        /// Why, in one sentence (reports show it).
        public let evidence: String

        /// This decision for a pair whose values were not compared (`why`: shapes that differ,
        /// a complex tensor facing a real one): no rows were paired back, whatever the heads said.
        func unpaired(_ why: String) -> Decision {
            Decision(order: nil, heads: heads, evidence: "\(why), so the values were not compared and no rows were "
                + "paired back" + (order == nil ? " (\(evidence))" : ""))
        }
    }

    static let architectureKey = "general.architecture"

    /// The GGUF architectures whose converter class runs `LlamaModel.modify_tensors`' q/k
    /// permutation (`undo_permute` true, and every q/k tensor reaching that method): `llama`
    /// (LlamaModel; JanusPro and Sarashina2's text model write `llama` too); IBM's Granite
    /// classes — `granite` (GraniteModel(LlamaModel), no override), `granite_swa`
    /// (GraniteSWAModel and GraniteMoeSWAModel, whose overrides pass attention to it),
    /// `granitemoe` (GraniteMoeModel, likewise), `granitehybrid` (GraniteHybridModel,
    /// `undo_permute = True`, its attention layers through GraniteMoeModel; its SSM layers have no
    /// q/k); `nemotron_h` and `nemotron_h_moe` (NemotronHModel(GraniteHybridModel)); `arcee`,
    /// `smollm3`, `llama-embed` (LlamaEmbedNemotronModel), `nanbeige` and `mistral3`
    /// (Mistral3Model's Ministral3Model), subclasses of LlamaModel without an override. Read in
    /// llama.cpp's `conversion/*.py` as vendored in llama-cpp-python 0.3.36 (review-53 #5 and
    /// review-53b #2 listed them; each class's `modify_tensors` checked). Not listed, though
    /// LlamaModel subclasses: `afmoe` (AfmoeModel passes its tensors to
    /// `ModelBase.modify_tensors`, past the permutation), `llama4` and `apertus` (`undo_permute =
    /// False`), `graniteswitch` (False, fused qkv), `cogvlm` (its q/k/v are one fused tensor, not
    /// permuted). Converters outside LlamaModel that permute q/k with `LlamaModel.permute` or a
    /// copy of it, also read there: `deepseek` (DeepseekModel) and `llada` (LLaDAModel) weights
    /// and biases; `olmo`, `minicpm` and `arctic` the weights only (`weightsOnly`). Not listed:
    /// `chameleon` (it also reverses a permutation of its q/k norms) and `deci` (heads per
    /// block from its block configs), not checked one by one.
    /// Why listed: a faithful Granite conversion failed `diff` with q/k at relative L2 0.55–1.26,
    /// its rows compared in file order (hunt-53b D2).
    static let permutingArchitectures: Set<String> = [
        "llama", "granite", "granite_swa", "granitemoe", "granitehybrid", "nemotron_h", "nemotron_h_moe",
        "arcee", "smollm3", "llama-embed", "nanbeige", "mistral3", "deepseek", "llada", "olmo", "minicpm", "arctic",
    ]

    /// Of `permutingArchitectures`, those whose converter class is GraniteHybridModel or a
    /// subclass (`conversion/granite.py`; NemotronHModel in `nemotron.py`): it permutes q/k only in
    /// the layers of its `_attn_layers` and passes every other layer's tensors on as they are, and it
    /// writes `head_count_kv` as a per-layer list holding the count for exactly those layers and 0
    /// for the others. So a 0 there for a q/k tensor's layer says the converter did not take that
    /// layer for attention and did not permute it. Why: a transformers-5.25 GraniteMoeHybrid config
    /// names its attention layers `full_attention`, the converter looks for `attention`, and `diff`
    /// undid a permutation that never happened with config.json's counts (hunt-55a D7).
    static let layerListedArchitectures: Set<String> = ["granitehybrid", "nemotron_h", "nemotron_h_moe"]

    /// Of `permutingArchitectures`, those whose converter tests `name.endswith("q_proj.weight")`
    /// alone (OlmoModel, MiniCPMModel, ArcticModel): a bias is stored in Hub order.
    static let weightsOnly: Set<String> = ["olmo", "minicpm", "arctic"]

    /// The decision for every A tensor paired (through `nameMap`, A's name → B's) with a tensor
    /// of the other side, where one side is a GGUF file and the pair is a llama q/k projection.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        let ggufA = ggufFile(a), ggufB = ggufFile(b)
        guard (ggufA == nil) != (ggufB == nil), let gguf = ggufA ?? ggufB else { return [:] }
        let hub = ggufA == nil ? a : b
        var result: [ExactText: Decision] = [:]
        for view in a.tensors {
            let nameB = nameMap[ExactText(view.name)] ?? view.name
            let (hubName, ggufName) = ggufA == nil ? (view.name, nameB) : (nameB, view.name)
            guard let role = role(hub: hubName, gguf: ggufName), b.tensor(named: nameB) != nil else { continue }
            let direction: RowInterleave.Direction = ggufA == nil ? .halvesToInterleaved : .interleavedToHalves
            result[ExactText(view.name)] = decide(role: role, layer: LlamaCppTensorNames.layer(of: ggufName), count: view.permutedCount,
                                       gguf: gguf, config: hub.config, direction: direction, isBias: hubName.hasSuffix(".bias"))
        }
        return result
    }

    enum Role { case query, key }

    /// The converter's own test on the Hub name (`endswith(("q_proj.weight", "q_proj.bias"))`)
    /// and llama.cpp's name for the GGUF side (`blk.N.attn_q` / `attn_k`).
    static func role(hub: String, gguf: String) -> Role? {
        let endings = [".weight", ".bias"]
        func ends(_ name: String, _ stem: String) -> Bool { endings.contains { name.hasSuffix(stem + $0) } }
        guard gguf.hasPrefix(LlamaCppTensorNames.blockPrefix) else { return nil }
        if ends(hub, "q_proj"), ends(gguf, ".attn_q") { return .query }
        if ends(hub, "k_proj"), ends(gguf, ".attn_k") { return .key }
        return nil
    }

    static func ggufFile(_ checkpoint: Checkpoint) -> GGUFFile? { checkpoint.ggufModel }

    static func decide(role: Role, layer: Int?, count: Int, gguf: GGUFFile, config: ModelConfig?,
                       direction: RowInterleave.Direction, isBias: Bool = false) -> Decision {
        let stored = gguf.metadata[architectureKey]
        guard let architecture = stored?.string, permutingArchitectures.contains(architecture) else {
            let named = stored.map { $0.string.map { "'\($0)'" } ?? "\($0.statedText), not a name" } ?? "absent"
            let known = permutingArchitectures.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return Decision(order: nil, heads: nil, evidence: "general.architecture is \(named): rows compared in file order "
                + "(llama.cpp's converter permutes q/k rows for \(known); other architectures are not undone)")
        }
        if isBias, weightsOnly.contains(architecture) {
            return Decision(order: nil, heads: nil, evidence: "general.architecture is '\(architecture)', whose converter permutes the "
                + "q/k weights only: this bias is compared in file order")
        }
        let kvKey = "\(architecture).attention.head_count_kv"
        if layerListedArchitectures.contains(architecture), let layer, let list = gguf.metadata[kvKey]?.array, list.holdsIntegers,
           layer >= 0, layer < list.count, list.integer(at: layer) == 0 {
            return Decision(order: nil, heads: nil, evidence: "GGUF metadata \(kvKey)[\(layer)] is 0: llama.cpp's converter for '\(architecture)' "
                + "(GraniteHybridModel) permutes q/k only in the layers it takes for attention, those it writes a positive count for, "
                + "so this layer's rows are compared in file order")
        }
        let heads: Int, source: String
        switch headCount(role: role, layer: layer, gguf: gguf, config: config, architecture: architecture) {
        case .known(let n, let from): (heads, source) = (n, from)
        case .unknown(let reasons):
            return Decision(order: nil, heads: nil, evidence: "head counts unknown (\(reasons.joined(separator: "; "))): rows compared "
                + "in file order, so the converter's rotary permutation may be most of this difference")
        }
        // The rows llama.cpp's loader checks the tensor against (`n_embd_head_k` × heads):
        // counts that contradict the shape name a file llama.cpp refuses ("wrong shape"), and
        // undoing a permutation by them pairs rows no converter paired (hunt-54a D6).
        // The product is overflow-checked: both counts are the file's, and a key_length of 2^62
        // made `*` trap.
        if let (headRows, rowsSource) = headRows(gguf: gguf, architecture: architecture) {
            let (product, overflow) = headRows.multipliedReportingOverflow(by: heads)
            if overflow || product != count {
                let made = overflow ? "more rows than an integer holds" : "\(product) rows"
                return Decision(order: nil, heads: heads, evidence: "\(heads) heads (\(source)) of \(headRows) rows (\(rowsSource)) make "
                    + "\(made), not the tensor's \(count): llama.cpp refuses such a file, and the rows are compared in file order")
            }
        }
        let order = RowInterleave(groups: heads, direction: direction)
        guard order.applies(toCount: count) else {
            return Decision(order: nil, heads: heads, evidence: "\(heads) heads (\(source)) do not split \(count) rows into heads "
                + "of an even size, as the converter's permutation needs: rows compared in file order")
        }
        return Decision(order: order, heads: heads, evidence: "rows permuted as llama.cpp's converter does (LlamaModel.permute, "
            + "rotary halves interleaved per head), undone with \(heads) heads from \(source)")
    }

    /// The rows of one attention head as the GGUF metadata gives them, and where from:
    /// `ARCH.attention.key_length`, else `ARCH.embedding_length / ARCH.attention.head_count`
    /// (llama.cpp's `n_embd_head_k` default); nil when neither is stated as positive integers
    /// that divide. Per-layer lists are left alone.
    static func headRows(gguf: GGUFFile, architecture: String) -> (Int, String)? {
        func positive(_ key: String) -> Int? { gguf.metadata[key]?.integer.flatMap { $0 > 0 ? $0 : nil } }
        let keyLength = "\(architecture).attention.key_length"
        if let rows = positive(keyLength) { return (rows, "GGUF metadata \(keyLength)") }
        let embedding = "\(architecture).embedding_length", headCount = "\(architecture).attention.head_count"
        guard let width = positive(embedding), let heads = positive(headCount), width % heads == 0 else { return nil }
        return (width / heads, "GGUF metadata \(embedding) / \(headCount)")
    }

    /// The heads a q/k tensor was permuted by, or every reason they are not known.
    enum HeadCount: Equatable {
        case known(Int, source: String)
        /// Why not, per source: a key absent, or present with an unusable value (said as such).
        case unknown([String])
    }

    /// One source's value for a head count: absent (nil), a usable count, or why it is unusable.
    enum Stated: Equatable {
        /// A usable count, and where it was read ("GGUF metadata K[layer]" for a per-layer list).
        case count(Int, from: String)
        case unusable(String)
    }

    /// The heads the converter permuted by: `n_head` for q; for k `n_head_kv` when the config
    /// has it (the converter writes `head_count_kv` exactly then, and `permute` uses it
    /// whenever it is set), else `n_head`. From the GGUF metadata first (what the converter
    /// wrote), else config.json. A key present with a value that is no positive count is named
    /// with its value, never reported as absent.
    static func headCount(role: Role, layer: Int?, gguf: GGUFFile, config: ModelConfig?, architecture: String = "llama") -> HeadCount {
        let headKey = "\(architecture).attention.head_count", kvKey = "\(architecture).attention.head_count_kv"
        func fromGGUF(_ key: String) -> Stated? {
            guard let stored = gguf.metadata[key] else { return nil }
            let n: Int, named: String
            if let value = stored.integer {
                (n, named) = (value, key)
            } else if let list = stored.array, list.holdsIntegers {
                // Some models store one count per layer. Read the one element (O(1)): this runs
                // once per q/k tensor.
                guard let layer, layer >= 0, layer < list.count else {
                    return .unusable("GGUF metadata \(key) is a list of \(list.count) per-layer counts with no entry for "
                        + (layer.map { "layer \($0)" } ?? "this tensor (no layer number)"))
                }
                guard let value = list.integer(at: layer) else {
                    return .unusable("GGUF metadata \(key)[\(layer)] is beyond a signed 64-bit count")
                }
                (n, named) = (value, "\(key)[\(layer)]")
            } else {
                return .unusable("GGUF metadata \(key) is \(stored.statedText), not a count")
            }
            return n > 0 ? .count(n, from: "GGUF metadata \(named)") : .unusable("GGUF metadata \(named) is \(n), not a positive count")
        }
        func fromConfig(_ key: String, _ value: Int?) -> Stated? {
            guard let config else { return nil }
            if let text = config.unusableHeadCounts[key] { return .unusable("config.json \(key) is \(text), not a positive integer") }
            guard let value else { return nil }
            return value > 0 ? .count(value, from: "config.json \(key)") : .unusable("config.json \(key) is \(value), not a positive count")
        }
        var reasons: [String] = []
        // GGUF metadata, then config.json: the same rule on each.
        let sources: [(heads: Stated?, kv: Stated?, kvDefault: String, absent: String)] = [
            (fromGGUF(headKey), fromGGUF(kvKey),
             "no \(kvKey): the converter then uses head_count", "no \(headKey) in the GGUF metadata"),
            (fromConfig("num_attention_heads", config?.attentionHeads), fromConfig("num_key_value_heads", config?.keyValueHeads),
             "no num_key_value_heads: LlamaConfig's default is num_attention_heads",
             config == nil ? "no config.json" : "no num_attention_heads in config.json"),
        ]
        // A count found after an unusable one says so: the value that was passed over is named
        // with the one used (a GGUF head_count of 0 replaced by config.json's was not said).
        var passedOver: [String] = []
        func known(_ n: Int, _ name: String) -> HeadCount {
            .known(n, source: ([name] + passedOver.map { "passed over: " + $0 }).joined(separator: "; "))
        }
        for source in sources {
            if role == .key {
                switch source.kv {
                // The per-layer element's name (`…head_count_kv[1]`), not the list's (review-53 #7).
                case .count(let n, let from)?: return known(n, from)
                case .unusable(let why)?:
                    reasons.append(why)
                    passedOver.append(why)
                    continue
                case nil: break
                }
            }
            switch source.heads {
            case .count(let n, let from)?:
                return known(n, role == .key ? from + " (\(source.kvDefault))" : from)
            case .unusable(let why)?:
                reasons.append(why)
                passedOver.append(why)
            case nil: reasons.append(source.absent)
            }
        }
        return .unknown(reasons)
    }
}
