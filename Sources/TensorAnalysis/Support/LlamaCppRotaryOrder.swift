import CheckpointIO
import GGUFFormat
import TensorScan

/// How `diff` pairs the rows of llama's query and key projections across a Hub checkpoint and
/// its GGUF conversion, and the evidence for it.
///
/// The fact (llama.cpp `convert_hf_to_gguf.py`, `LlamaModel.modify_tensors`): for
/// `general.architecture` `llama`, every tensor whose name ends in `q_proj.weight`/`q_proj.bias`
/// is stored through `LlamaModel.permute(w, n_head, n_head)` and every `k_proj` one through
/// `permute(w, n_head, n_head_kv)`, which permutes by `n_head_kv` heads when it differs — each
/// head's two rotary halves interleaved (`RowInterleave`). The heads are the ones the converter
/// writes as `llama.attention.head_count` / `head_count_kv`; without `head_count_kv` it used
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
    }

    static let architectureKey = "general.architecture"

    /// The decision for every A tensor paired (through `nameMap`, A's name → B's) with a tensor
    /// of the other side, where one side is a GGUF file and the pair is a llama q/k projection.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [String: String]) -> [String: Decision] {
        let ggufA = ggufFile(a), ggufB = ggufFile(b)
        guard (ggufA == nil) != (ggufB == nil), let gguf = ggufA ?? ggufB else { return [:] }
        let hub = ggufA == nil ? a : b
        var result: [String: Decision] = [:]
        for view in a.tensors {
            let nameB = nameMap[view.name] ?? view.name
            let (hubName, ggufName) = ggufA == nil ? (view.name, nameB) : (nameB, view.name)
            guard let role = role(hub: hubName, gguf: ggufName), b.tensor(named: nameB) != nil else { continue }
            let direction: RowInterleave.Direction = ggufA == nil ? .halvesToInterleaved : .interleavedToHalves
            result[view.name] = decide(role: role, layer: LlamaCppTensorNames.layer(of: ggufName), count: view.permutedCount,
                                       gguf: gguf, config: hub.config, direction: direction)
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

    static func ggufFile(_ checkpoint: Checkpoint) -> GGUFFile? {
        for file in checkpoint.files { if case .gguf(let parsed) = file.format { return parsed } }
        return nil
    }

    static func decide(role: Role, layer: Int?, count: Int, gguf: GGUFFile, config: ModelConfig?,
                       direction: RowInterleave.Direction) -> Decision {
        let architecture = gguf.metadata[architectureKey]?.string
        guard architecture == "llama" else {
            let named = architecture.map { "'\($0)'" } ?? "absent"
            return Decision(order: nil, heads: nil, evidence: "general.architecture is \(named): rows compared in file order "
                + "(llama.cpp's converter permutes q/k rows for 'llama'; other architectures are not undone)")
        }
        guard let (heads, source) = headCount(role: role, layer: layer, gguf: gguf, config: config) else {
            return Decision(order: nil, heads: nil, evidence: "head counts unknown (no llama.attention.head_count in the GGUF "
                + "metadata, no num_attention_heads in config.json): rows compared in file order, so the converter's "
                + "rotary permutation may be most of this difference")
        }
        let order = RowInterleave(groups: heads, direction: direction)
        guard order.applies(toCount: count) else {
            return Decision(order: nil, heads: heads, evidence: "\(heads) heads (\(source)) do not split \(count) rows into heads "
                + "of an even size, as the converter's permutation needs: rows compared in file order")
        }
        return Decision(order: order, heads: heads, evidence: "rows permuted as llama.cpp's converter does (LlamaModel.permute, "
            + "rotary halves interleaved per head), undone with \(heads) heads from \(source)")
    }

    /// The heads the converter permuted by: `n_head` for q, `n_head_kv` (else `n_head`) for k;
    /// from the GGUF metadata first (what the converter wrote), else config.json.
    static func headCount(role: Role, layer: Int?, gguf: GGUFFile, config: ModelConfig?) -> (Int, String)? {
        func value(_ key: String) -> Int? {
            guard let stored = gguf.metadata[key] else { return nil }
            if let n = stored.integer { return n }
            // Some models store one count per layer.
            if let layer, let list = stored.array?.integers, list.indices.contains(layer) { return list[layer] }
            return nil
        }
        let headKey = "llama.attention.head_count", kvKey = "llama.attention.head_count_kv"
        if let heads = value(headKey), heads > 0 {
            guard role == .key else { return (heads, "GGUF metadata \(headKey)") }
            if let kv = value(kvKey), kv > 0 { return (kv, "GGUF metadata \(kvKey)") }
            return (heads, "GGUF metadata \(headKey) (no \(kvKey): the converter then uses head_count)")
        }
        guard let config, let heads = config.attentionHeads, heads > 0 else { return nil }
        guard role == .key else { return (heads, "config.json num_attention_heads") }
        if let kv = config.keyValueHeads, kv > 0 { return (kv, "config.json num_key_value_heads") }
        return (heads, "config.json num_attention_heads (no num_key_value_heads: LlamaConfig's default is num_attention_heads)")
    }
}
