import CheckpointIO

/// DeepSeek's multi-head latent attention matrix as llama.cpp's converter splits it, so that `diff`
/// pairs each head's two parts with what they became.
///
/// Facts (`conversion/deepseek.py` as vendored by llama-cpp-python 0.3.36,
/// `DeepseekV2Model.modify_tensors`, files of architecture `deepseek2`: DeepSeek-V2, V2-Lite, V3,
/// R1, Kimi K2, Moonlight): `model.layers.N.self_attn.kv_b_proj.weight`, `[heads · (qk_nope + v),
/// kv_lora_rank]`, is viewed `[heads, qk_nope + v, rank]` and split along dimension 1: each head's
/// first `qk_nope` rows, transposed, are entry `h` of `blk.N.attn_k_b.weight` `[heads, rank,
/// qk_nope]`, its last `v` rows entry `h` of `blk.N.attn_v_b.weight` `[heads, v, rank]` (the
/// "absorption" layout its attention uses). The sizes are read from the GGUF tensors' shapes,
/// which must agree with the Hub matrix and with config.json's `num_key_value_heads`,
/// `qk_nope_head_dim` and `v_head_dim` where it states them (the converter splits by those: a
/// file cut otherwise passed, hunt-58c F2); `LlamaCppTranspose` reads each `attn_k_b` entry transposed.
/// Why: every DeepSeek-V2/V3 conversion failed `diff`, `kv_b_proj` "only in A" and both halves
/// "only in B" (helper-177's sweep of tiny conversions by the converter).
enum MLASplits {
    /// The architectures whose converter splits so.
    static let architectures: Set<String> = ["deepseek2"]

    /// The pieces of Hub tensor `view`, or nil when it is not a `kv_b_proj` of one of
    /// `architectures` whose two GGUF halves have the shapes the split makes (or `budget` is spent).
    static func pieces(of view: TensorView, architecture: String?, gguf: Checkpoint, config: ModelConfig?,
                       budget: inout Int) -> [GraniteSplits.Piece]? {
        guard let architecture, architectures.contains(architecture),
              let layer = GraniteSplits.layer(of: LlamaCppNameMap.hubBase(view.name), part: "self_attn.kv_b_proj.weight") else { return nil }
        let keyName = "blk.\(layer).attn_k_b.weight", valueName = "blk.\(layer).attn_v_b.weight"
        guard let key = gguf.tensor(named: keyName)?.shape, let value = gguf.tensor(named: valueName)?.shape,
              key.count == 3, value.count == 3, view.shape.count == 2 else { return nil }
        // attn_k_b [heads, rank, qk_nope], attn_v_b [heads, v, rank], kv_b_proj [heads·(qk_nope + v), rank].
        let (heads, rank, nope, values) = (key[0], key[1], key[2], value[1])
        guard heads > 0, heads <= UInt64(Checkpoint.maximumEntries), value[0] == heads, value[2] == rank, view.shape[1] == rank,
              nope > 0, values > 0, nope <= 1 << 20, values <= 1 << 20, view.shape[0] == heads * (nope + values),
              2 * Int(heads) <= budget else { return nil }
        for (key, size) in [("num_key_value_heads", heads), ("qk_nope_head_dim", nope), ("v_head_dim", values)] {
            if let stated = config?.converterCount(key), UInt64(stated) != size { return nil }
        }
        budget -= 2 * Int(heads)
        let (k, v) = (Int(nope), Int(values))
        return (0 ..< Int(heads)).flatMap { h -> [GraniteSplits.Piece] in
            let start = h * (k + v)
            return [GraniteSplits.Piece(hub: TensorView.rowRangeName(view.name, start ..< start + k), gguf: TensorView.sliceName(keyName, h)),
                    GraniteSplits.Piece(hub: TensorView.rowRangeName(view.name, start + k ..< start + k + v), gguf: TensorView.sliceName(valueName, h))]
        }
    }

    /// Whether `hubName` is a `kv_b_proj` piece paired with an `attn_k_b` entry: stored transposed.
    static func isTransposedKey(hubName: String, ggufName: String, architecture: String) -> Bool {
        architectures.contains(architecture) && hubName.contains(".self_attn.kv_b_proj.weight[")
            && TensorView.sliceParts(of: ggufName).map { $0.0.hasSuffix(".attn_k_b.weight") } == true
    }
}
