import CheckpointIO
import GGUFFormat
import StrictJSON
import TensorScan

/// Fused query-key-value matrices llama.cpp's converter regroups, and how `diff` pairs their rows.
///
/// The facts (`conversion/*.py` as vendored by llama-cpp-python 0.3.36, each `modify_tensors`):
/// - `gptneox` (GPTNeoXModel, `gptneox.py`) and `bloom` (BloomModel, `bloom.py`): the Hub's
///   `gpt_neox.layers.N.attention.query_key_value` / `transformer.h.N.self_attention.query_key_value`
///   weight `[3·E, E]` is read as `[heads, 3, E / heads, E]` and stored as every head's query rows,
///   then every key's, then every value's; its bias `[3·E]` the same way (`heads` =
///   `n_head`, else `num_attention_heads`);
/// - `falcon` (FalconModel, `falcon.py`): any `query_key_value` is read as `[kv, heads / kv + 2, hd,
///   E]` (`kv` = `num_kv_heads`, else `n_head_kv`, else 1) — each key-value group's query heads, its
///   key head, its value head — and stored as all queries, all keys, all values (the "jploski"
///   layout its file records). With one group (Falcon-7B's multi-query layout) that changes nothing.
/// The head counts are config.json's, which the converter regroups by (`n_head`, else
/// `num_attention_heads` for GPT-NeoX and BLOOM; `num_attention_heads`, else `n_head`, and
/// `num_kv_heads`, else `n_head_kv`, else 1 for Falcon), else the GGUF file's
/// (`ARCH.attention.head_count`, `head_count_kv`), which it writes from the same values. When both
/// are stated and differ, config.json's are used and the evidence says the file's differ: llama.cpp
/// would run that file's attention with other heads (the fused matrix has as many rows whatever the
/// count), and reading by the file's count passed a file regrouped by 2 heads, or left in Hub
/// order with 1, for a 4-head model (hunt-58c F3). Rows move whole (a quantized row still decodes as a row); a bias's elements move
/// the same way (`RowInterleave`).
///
/// Why: every faithful GPT-NeoX (Pythia, GPT-NeoX-20B, Dolly, RedPajama-INCITE), BLOOM and
/// Falcon-40B conversion failed `diff` on these tensors at relative L2 1.1–1.4, with nothing to say
/// a layout had changed (helper-177's sweep of tiny conversions by the converter).
public enum LlamaCppQKVOrder {
    /// GGUF architecture → the converter class, and whether it regroups biases too (Falcon's
    /// `view` of a 1-D bias raises, so no Falcon file holds one regrouped).
    static let architectures: [String: (converter: String, biases: Bool)] = [
        "gptneox": ("GPTNeoXModel, conversion/gptneox.py", true),
        "bloom": ("BloomModel, conversion/bloom.py", true),
        "falcon": ("FalconModel, conversion/falcon.py", false),
    ]

    /// The decision for every A tensor paired (through `nameMap`) with a tensor of the other side,
    /// where exactly one side is a GGUF file of one of `architectures` and the pair is a fused QKV
    /// weight (or bias) the converter regroups.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: LlamaCppRotaryOrder.Decision] {
        guard let (architecture, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap),
              let (converter, biases) = architectures[architecture], let gguf = (a.ggufModel ?? b.ggufModel) else { return [:] }
        func positive(_ key: String) -> Int? { gguf.metadata[key]?.integer.flatMap { $0 > 0 && $0 <= 1 << 30 ? $0 : nil } }
        func stated(_ key: String) -> String { gguf.metadata[key].map { $0.integer.map(String.init) ?? $0.statedText } ?? "absent" }
        let config = (a.ggufModel == nil ? a : b).config
        // What config.json states (the converter's keys, in its order), when it states a count.
        func configured(_ keys: [String]) -> (key: String, count: Int)? {
            for key in keys { if let count = config?.converterCount(key) { return (key, count) } }
            return nil
        }
        let headKey = "\(architecture).attention.head_count", kvKey = "\(architecture).attention.head_count_kv"
        let claim = "general.architecture is '\(architecture)', whose converter (\(converter)) "
        var result: [ExactText: LlamaCppRotaryOrder.Decision] = [:]
        for pair in pairs where regroups(pair.hubName, architecture: architecture) {
            let stored = pair.ggufIsB ? pair.viewB : pair.viewA
            guard stored.name.hasSuffix(".attn_qkv.weight") || stored.name.hasSuffix(".attn_qkv.bias") else { continue }
            let view = pair.viewA, key = ExactText(pair.viewA.name), isBias = pair.hubName.hasSuffix(".bias")
            if isBias, !biases {
                result[key] = .init(order: nil, heads: nil, evidence: claim + "regroups the fused QKV weight only (its view of a bias "
                    + "raises): this bias is compared in file order")
                continue
            }
            // GPT-NeoX and BLOOM: one group a head (a query, a key, a value); Falcon: kv groups, its
            // converter's `or 1` making an absent or 0 count one group.
            let falcon = architecture == "falcon"
            let statedHeads = configured(falcon ? ["num_attention_heads", "n_head"] : ["n_head", "num_attention_heads"])
                .flatMap { $0.count > 0 && $0.count <= 1 << 30 ? $0 : nil }
            let statedGroups = falcon ? configured(["num_kv_heads", "n_head_kv"]).map { (key: $0.key, count: $0.count == 0 ? 1 : $0.count) }
                .flatMap { $0.count <= 1 << 30 ? $0 : nil } : nil
            let fileHeads = positive(headKey), fileGroups = falcon ? (positive(kvKey) ?? 1) : fileHeads
            guard let heads = statedHeads?.count ?? fileHeads else {
                result[key] = .init(order: nil, heads: nil, evidence: claim + "regroups this fused QKV matrix by head, but config.json "
                    + "states no head count and GGUF metadata \(headKey) is \(stated(headKey)), not a count from 1 to 2^30: rows compared "
                    + "in file order")
                continue
            }
            let groups = falcon ? (statedGroups?.count ?? fileGroups ?? 1) : heads
            var source = statedHeads.map { "config.json's \($0.key) \($0.count)" } ?? "GGUF metadata \(headKey) \(heads)"
            if falcon {
                source += statedGroups.map { ", config.json's \($0.key) \($0.count)" }
                    ?? ", GGUF metadata \(kvKey) " + (positive(kvKey).map(String.init) ?? "\(stated(kvKey)), so 1 group as the converter's `or 1`")
            }
            var contradiction = ""
            if let fileHeads, fileHeads != heads || (falcon && fileGroups != groups) {
                contradiction = "; the GGUF metadata states \(fileHeads) heads" + (falcon ? " in \(fileGroups ?? 1) group(s)" : "")
                    + ", not the converter's, so llama.cpp would run this file's attention with other heads"
            }
            guard heads % groups == 0 else {
                result[key] = .init(order: nil, heads: heads, evidence: claim + "groups query heads by key-value head, but \(source) "
                    + "do not divide: rows compared in file order")
                continue
            }
            let order = RowInterleave(groups: groups, direction: pair.ggufIsB ? .halvesToInterleaved : .interleavedToHalves,
                                      queriesPerGroup: heads / groups)
            // heads + 2·groups blocks (queries, keys, values) of equal rows; both at most 2^30.
            let count = view.permutedCount, blocks = heads + 2 * groups
            guard order.applies(toCount: count) else {
                result[key] = .init(order: nil, heads: heads, evidence: claim + "regroups this fused QKV matrix into \(blocks) query, key "
                    + "and value blocks of equal rows, but its \(count) \(isBias ? "elements" : "rows") do not split so: rows compared in file order")
                continue
            }
            let layout = groups == heads
                ? "each head's query, key and value rows, stored as all queries, then all keys, then all values"
                : "\(groups) key-value groups of \(heads / groups) query heads, a key and a value, stored as all queries, then all keys, "
                    + "then all values"
            result[key] = .init(order: order, heads: heads, evidence: claim + "regroups this fused QKV \(isBias ? "bias" : "matrix") from "
                + layout + ": paired back with \(source)" + contradiction)
        }
        return result
    }

    /// Whether the converter's own name test regroups Hub tensor `name` in `architecture`.
    static func regroups(_ name: String, architecture: String) -> Bool {
        switch architecture {
        case "gptneox":
            return [".weight", ".bias"].contains { isBlock(name, prefix: "gpt_neox.layers.", suffix: ".attention.query_key_value" + $0) }
        case "bloom":
            // The converter removes every `transformer.` first.
            let stripped = name.replacing("transformer.", with: "")
            return [".weight", ".bias"].contains { isBlock(stripped, prefix: "h.", suffix: ".self_attention.query_key_value" + $0) }
        case "falcon":
            return name.contains("query_key_value")
        default:
            return false
        }
    }

    /// Whether `name` is `prefix`, a block number (decimal digits), `suffix`: the converters'
    /// `re.match(r"prefix\d+suffix")`.
    static func isBlock(_ name: String, prefix: String, suffix: String) -> Bool {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return false }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
