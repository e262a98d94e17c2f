import StrictJSON

extension ModelConfig.Rotary {
    /// The text model types whose transformers 5.25 config class normalises the keys below
    /// (`Gemma4TextConfig.__post_init__`, and Gemma 4 Unified's, built on it), and the composite
    /// types whose text_config is one.
    static let gemma4Types: Set<String> = ["gemma4", "gemma4_text", "gemma4_unified", "gemma4_unified_text"]

    /// Reads Gemma 4's full-attention rope as llama.cpp's converter sees it (`conversion/gemma.py`,
    /// `Gemma4Model.generate_extra_tensors`). The converter reads `AutoConfig.from_pretrained(…)
    /// .to_dict()` (`ModelBase.load_hparams`), so for a Gemma 4 model type what transformers 5.25's
    /// `Gemma4TextConfig.__post_init__` does first holds too (hunt-56a D2): `layer_types` defaults
    /// to five sliding layers then one full and its last layer is made `full_attention`;
    /// `rope_parameters`, absent or null, defaults to a proportional full-attention rope with
    /// `partial_rotary_factor` 0.25; `global_head_dim` is taken out (the converter never sees it)
    /// and, when config.json has no `per_layer_config`, one is built giving every full-attention
    /// layer `global_head_dim`, 512 when absent. The head dimension is then the `head_dim` of the
    /// first `per_layer_config` entry, in file order, whose layer is full attention. For other
    /// model types the keys are read as written, `global_head_dim` when there is no
    /// `per_layer_config`. Values are read last-wins within an object, as Python's `json` keeps
    /// the last of a key written twice (hunt-56a A1: first-wins vouched for a table the converter
    /// refuses to write). A `per_layer_config` key met before the answer that is not plain ASCII
    /// digits gives none: Python's `int()` fails on most such keys and reads a few (`" 1"`, `"+1"`,
    /// `"1_0"`) as numbers; such a config is not second-guessed.
    mutating func readGemma4(merged: (String) -> JSONNode?, modelType: String?) {
        let gemma4 = modelType.map(Self.gemma4Types.contains) ?? false
        var types: [String]?
        switch merged("layer_types") {
        case .array(let items)?: types = items.map { if case .string(let s) = $0 { s } else { "" } }
        case nil, .null?:
            if gemma4, case .number(let n)? = merged("num_hidden_layers"), let count = Int(n.text), count > 0, count <= 1 << 16 {
                types = (0 ..< count).map { ($0 + 1) % 6 == 0 ? "full_attention" : "sliding_attention" }
            }
        default: break
        }
        if gemma4, let last = types?.indices.last { types?[last] = "full_attention" }
        // The proportional rope's fraction.
        switch merged("rope_parameters") {
        case .object? :
            if let full = merged("rope_parameters")?.lastValue(for: "full_attention"), case .object = full,
               case .string("proportional")? = full.lastValue(for: "rope_type"),
               case .number(let n)? = full.lastValue(for: "partial_rotary_factor") {
                proportionalFraction = Double(n.text)
            }
        case nil, .null?: if gemma4 { proportionalFraction = 0.25 }
        default: break
        }
        // The head dimension. A JSON integer literal: Python's json reads `32.0` as a float,
        // which transformers' config class refuses (hunt-57a F7).
        func integer(_ node: JSONNode?) -> Int? {
            guard case .number(let n)? = node, !n.text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
            return Int(n.text)
        }
        // transformers refuses a Gemma 4 config whose layer_types is not one per layer: the
        // converter writes nothing from it (hunt-57a F7).
        if gemma4, let types, case .number(let n)? = merged("num_hidden_layers"), Int(n.text) != types.count { return }
        if case .object(let members)? = merged("per_layer_config") {
            guard let types else { return }
            // A key written twice: Python's dict keeps the first place and the last value.
            var last: [String: JSONNode] = [:]
            for member in members { last[member.key] = member.value }
            var seen = Set<String>()
            let layers = members.filter { seen.insert($0.key).inserted }.map { (key: $0.key, value: last[$0.key] ?? $0.value) }
            // transformers refuses a Gemma 4 layer past the last (hunt-57a F7: key "7" of 4 layers).
            if gemma4, layers.contains(where: { layer in
                layer.key.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) && (layer.key.utf8.count > 9 || (Int(layer.key) ?? 0) >= types.count)
            }) { return }
            for layer in layers {
                guard !layer.key.isEmpty, layer.key.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
                // More than nine digits: a layer far past any `layer_types` list, skipped as the converter skips it.
                guard layer.key.utf8.count <= 9, let index = Int(layer.key) else { continue }
                guard index < types.count, types[index] == "full_attention", let stated = layer.value.lastValue(for: "head_dim") else { continue }
                // The converter takes the first full-attention entry that has the key, whatever
                // its value, and fails on one that is no integer (null, "32"): no table then.
                fullAttentionHeadDimension = integer(stated)
                return
            }
            return
        }
        if let stated = merged("global_head_dim") {
            fullAttentionHeadDimension = integer(stated)
        } else if gemma4, types?.contains("full_attention") == true {
            fullAttentionHeadDimension = 512
        }
    }
}
