import CheckpointIO
import StrictJSON
import TensorScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rotary tables llama.cpp's converter computes from config.json instead of converting a Hub
/// tensor, recomputed here from the Hub side's config so that `diff` can say whether a GGUF
/// file's table is the one the converter would write (`LlamaCppConverterDrops.added`).
///
/// Facts (llama.cpp's converter as vendored by llama-cpp-python 0.3.36): `rope_freqs.weight`
/// is written when the rotary parameters (`rope_parameters`, else `rope_scaling`; under
/// `full_attention` when there is one) have `rope_type` `llama3` (`conversion/llama.py`,
/// `LlamaModel.generate_extra_tensors`; `exaone.py`, `deci.py`, `step3.py` alike): for each
/// `i = 0, 2, …, dim − 2`, `freq = 1 / base^(i/dim)` (`dim` = `head_dim`, else hidden size /
/// heads; `base` = `rope_theta`, default 10000), `wavelen = 2π / freq`, and the factor is 1 below
/// `old / high_freq_factor`, `factor` above `old / low_freq_factor`, else `1 / ((1 − s)/factor
/// + s)` with `s = (old / wavelen − low) / (high − low)` (defaults: factor 8, low 1, high 4,
/// `old` = `original_max_position_embeddings` 8192). `rope_factors_long.weight` and
/// `rope_factors_short.weight` are the `long_factor` and `short_factor` lists as float32
/// (`conversion/phi.py`, `minicpm.py`). Gemma 4's `rope_freqs.weight` (`conversion/gemma.py`,
/// `Gemma4Model.generate_extra_tensors`, when `rope_parameters.full_attention` has `rope_type`
/// `proportional`) is `n` ones then `h/2 − n` values 1e30, with `h` the full-attention head
/// dimension (`ModelConfig.Rotary.fullAttentionHeadDimension`) and `n = int(h · f / 2)` for the
/// `partial_rotary_factor` `f`: the 1e30 factors keep the dimensions that proportional rope
/// leaves unrotated from turning. Why recomputed, not excused by name: an excuse for any such
/// table let a wrong one pass (review-55 D2); llama.cpp applies it in every (full-)attention layer.
enum LlamaCppRopeTables {
    /// A table the converter writes: its values, where they come from in words, and whether a
    /// stored table must equal them exactly as float32 (false: within float32 rounding).
    struct Table {
        var values: [Double]
        var source: String
        var exact: Bool
        var kind: Kind
    }

    /// Which converter code writes a table (`writingArchitectures`).
    enum Kind {
        /// `LlamaModel.generate_extra_tensors` and its copies: llama3 rope scaling.
        case llama3
        /// `Gemma4Model.generate_extra_tensors`: proportional rope.
        case proportional
        /// `Phi3MiniModel.generate_extra_tensors`: LongRoPE's lists.
        case list
    }

    /// The names of the tables the converter computes.
    static let names: Set<String> = ["rope_freqs.weight", "rope_factors_long.weight", "rope_factors_short.weight"]

    /// The GGUF architectures (`general.architecture`) whose converter class writes a table of
    /// `kind` whenever the config calls for one, so a file of that architecture without it lacks
    /// what the converter writes. llama3: `LlamaModel` (conversion/llama.py) and every subclass that
    /// keeps its `generate_extra_tensors` (Mistral 3, Granite, Granite SWA and MoE, Nanbeige,
    /// CogVLM, AFMoE, Llama 4, Llama-Embed, SmolLM3, Apertus, Arcee), and the copies in
    /// `DeciModel`, `ExaoneModel`, `Exaone4Model` and `ExaoneMoEModel`; not InternLM3, which writes
    /// `llama` files from a class of its own (`conversion/internlm.py`), so `llama` counts only
    /// when config.json does not name `InternLM3ForCausalLM`. proportional: `gemma4`. list:
    /// `phi3` and `phimoe` (`Phi3MiniModel`, which writes both lists whenever `long_factor` is
    /// there, or fails the conversion). Other architectures may write them too: for those a
    /// missing table is not claimed.
    static let writingArchitectures: [Kind: Set<String>] = [
        .llama3: ["llama", "mistral3", "granite", "granite_swa", "granitemoe", "nanbeige", "cogvlm", "afmoe", "llama4",
                  "llama-embed", "smollm3", "apertus", "arcee", "deci", "exaone", "exaone4", "exaone-moe"],
        .proportional: ["gemma4"],
        .list: ["phi3", "phimoe"],
    ]

    /// Whether a GGUF file of `architecture` converted from `config` holds `table` for certain.
    static func isWritten(_ table: Table, architecture: String?, config: ModelConfig) -> Bool {
        guard let architecture, writingArchitectures[table.kind]?.contains(architecture) == true else { return false }
        return !(architecture == "llama" && config.architectures?.contains("InternLM3ForCausalLM") == true)
    }

    /// Whether the converter class for `config` is known to write no table of `table`'s kind
    /// into a file of `architecture`: InternLM3's (`conversion/internlm.py`, `InternLM3Model`, a
    /// class of its own that writes `llama` files and no rope table; hunt-57c M2).
    static func isNeverWritten(_ table: Table, architecture: String?, config: ModelConfig) -> Bool {
        table.kind == .llama3 && architecture == "llama" && config.architectures?.contains("InternLM3ForCausalLM") == true
    }

    /// The llama3 factor's default: 16 in `Exaone4Model` (and `ExaoneMoEModel`, its subclass),
    /// 8 everywhere else (conversion/exaone.py, conversion/llama.py).
    static func defaultFactor(architecture: String?) -> Double {
        architecture == "exaone4" || architecture == "exaone-moe" ? 16 : 8
    }

    /// What the converter writes as `name` from `config` for a GGUF file of `architecture`; nil
    /// when the config states nothing that makes it write that table (or no config).
    static func expected(_ name: String, config: ModelConfig?, architecture: String? = nil) -> Table? {
        guard let config else { return nil }
        let parameters = config.rotary.parameters
        switch name {
        case "rope_freqs.weight":
            return parameters.flatMap { llama3($0, config: config, defaultFactor: defaultFactor(architecture: architecture)) }
                ?? proportional(config: config)
        case "rope_factors_long.weight": return parameters.flatMap { list($0.lastValue(for: "long_factor"), key: "long_factor") }
        case "rope_factors_short.weight": return parameters.flatMap { list($0.lastValue(for: "short_factor"), key: "short_factor") }
        default: return nil
        }
    }

    /// Whether `values` (the GGUF table as stored) are `table`'s: equal as float32 when `exact`
    /// (lists, Gemma 4's ones and 1e30s), else within float32 rounding (relative 1e-5: the computed
    /// llama3 factors, whose float32 arithmetic in torch this does not replay operation by operation).
    static func agrees(_ values: [Double], _ table: Table) -> Bool {
        guard values.count == table.values.count else { return false }
        return zip(values, table.values).allSatisfy { value, reference in
            table.exact ? value == Double(Float(reference)) : abs(value - reference) <= 1e-5 * max(abs(reference), 1e-30)
        }
    }

    /// Gemma 4's table (see the type's doc), from the proportional rope and head dimension
    /// `ModelConfig.Rotary` reads as the converter sees them. The converter reads
    /// `partial_rotary_factor` without a default, so a config without it makes no table.
    static func proportional(config: ModelConfig) -> Table? {
        guard let fraction = config.rotary.proportionalFraction, let dimension = config.rotary.fullAttentionHeadDimension,
              dimension >= 0, dimension <= 1 << 20, fraction.isFinite, abs(fraction) <= Double(1 << 20) else { return nil }
        // Python's int() of a float truncates toward zero, as `Int(_:)` does; a list repeated a
        // negative number of times is empty, so a fraction above 1 makes more ones than pairs and
        // no 1e30s, and a negative one only 1e30s (hunt-57a F7: such conversions failed here).
        let rotated = Int(Double(dimension) * fraction / 2), half = dimension / 2
        return Table(values: Array(repeating: 1, count: max(0, rotated)) + Array(repeating: 1e30, count: max(0, half - rotated)),
                     source: "config.json's proportional rope (partial_rotary_factor \(fraction), full-attention head dimension "
                         + "\(dimension): \(max(0, rotated)) rotated pairs, \(max(0, half - rotated)) kept still by 1e30)",
                     exact: true, kind: .proportional)
    }

    static func list(_ node: JSONNode?, key: String) -> Table? {
        guard case .array(let items)? = node, !items.isEmpty else { return nil }
        var values: [Double] = []
        for item in items {
            guard case .number(let number) = item, let value = Double(number.text) else { return nil }
            values.append(value)
        }
        return Table(values: values, source: "config.json's \(key) (\(values.count) values)", exact: true, kind: .list)
    }

    static func llama3(_ parameters: JSONNode, config: ModelConfig, defaultFactor: Double = 8) -> Table? {
        let rope: JSONNode
        // Last-wins, as Python's json keeps the last of a key written twice.
        if let full = parameters.lastValue(for: "full_attention"), case .object = full { rope = full } else { rope = parameters }
        func text(_ key: String) -> String? {
            if case .string(let s)? = rope.lastValue(for: key) { return s }
            return nil
        }
        func number(_ key: String) -> Double? {
            if case .number(let n)? = rope.lastValue(for: key) { return Double(n.text) }
            return nil
        }
        // Under `full_attention` the converter reads `rope_type` only, and its own defaults below;
        // at the top it has mirrored `type` into `rope_type` and the config's theta and original
        // context into the parameters (`TextModel.__init__`, conversion/base.py).
        let nested = rope != parameters
        guard (nested ? text("rope_type") : text("rope_type") ?? text("type"))?.lowercased() == "llama3" else { return nil }
        let heads = config.attentionHeads ?? 0
        guard let dim = config.rotary.headDimension ?? config.hiddenSize.flatMap({ heads > 0 ? $0 / heads : nil }),
              dim >= 1, dim <= 1 << 20 else { return nil }
        let base = number("rope_theta") ?? (nested ? nil : config.rotary.theta) ?? 10000
        let factor = number("factor") ?? defaultFactor, low = number("low_freq_factor") ?? 1, high = number("high_freq_factor") ?? 4
        let old = number("original_max_position_embeddings") ?? (nested ? nil : config.rotary.originalMaxPositions) ?? 8192
        // `high == low` is allowed, as the converter allows it (Llama 4: both 1; its assert is
        // commented out): every factor is then 1 or `factor`, the blend between them empty. A factor of 0 is computed
        // as torch computes it, in IEEE arithmetic (its blend is 0; hunt-57c L1).
        guard base > 0 else { return nil }
        let values = stride(from: 0, to: dim, by: 2).map { i -> Double in
            let freq = 1 / pow(base, Double(i) / Double(dim))
            let wavelength = 2 * Double.pi / freq
            if wavelength < old / high { return 1 }
            if wavelength > old / low { return factor }
            let smooth = (old / wavelength - low) / (high - low)
            return 1 / ((1 - smooth) / factor + smooth)
        }
        return Table(values: values, source: "config.json's llama3 rope scaling (factor \(factor), theta \(base), head dimension \(dim))",
                     exact: false, kind: .llama3)
    }
}
