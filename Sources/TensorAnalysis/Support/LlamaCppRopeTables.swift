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
/// (`conversion/phi.py`, `minicpm.py`). Gemma 4's table (`gemma.py`, proportional rope) is not
/// recomputed. Why: an excuse for any such table let a wrong one pass (review-55 D2); llama.cpp
/// applies it in every attention layer.
enum LlamaCppRopeTables {
    /// What the converter writes as `name` from `config`, and where from in words; nil when the
    /// config states nothing that makes it write that table (or no config).
    static func expected(_ name: String, config: ModelConfig?) -> (values: [Double], source: String)? {
        guard let config, let parameters = config.rotary.parameters else { return nil }
        switch name {
        case "rope_freqs.weight": return llama3(parameters, config: config)
        case "rope_factors_long.weight": return list(parameters["long_factor"], key: "long_factor")
        case "rope_factors_short.weight": return list(parameters["short_factor"], key: "short_factor")
        default: return nil
        }
    }

    /// Whether `values` (the GGUF table as stored) are `expected`: equal as float32 for a list,
    /// within float32 rounding (relative 1e-5) for the computed llama3 factors, whose float32
    /// arithmetic in torch this does not replay operation by operation.
    static func agrees(_ values: [Double], _ expected: [Double], exact: Bool) -> Bool {
        guard values.count == expected.count else { return false }
        return zip(values, expected).allSatisfy { value, reference in
            exact ? value == Double(Float(reference)) : abs(value - reference) <= 1e-5 * max(abs(reference), 1e-30)
        }
    }

    static func list(_ node: JSONNode?, key: String) -> (values: [Double], source: String)? {
        guard case .array(let items)? = node, !items.isEmpty else { return nil }
        var values: [Double] = []
        for item in items {
            guard case .number(let number) = item, let value = Double(number.text) else { return nil }
            values.append(value)
        }
        return (values, "config.json's \(key) (\(values.count) values)")
    }

    static func llama3(_ parameters: JSONNode, config: ModelConfig) -> (values: [Double], source: String)? {
        let rope: JSONNode
        if case .object? = parameters["full_attention"], let full = parameters["full_attention"] { rope = full } else { rope = parameters }
        func text(_ key: String) -> String? {
            if case .string(let s)? = rope[key] { return s }
            return nil
        }
        func number(_ key: String) -> Double? {
            if case .number(let n)? = rope[key] { return Double(n.text) }
            return nil
        }
        guard (text("rope_type") ?? text("type"))?.lowercased() == "llama3" else { return nil }
        let heads = config.attentionHeads ?? 0
        guard let dim = config.rotary.headDimension ?? config.hiddenSize.flatMap({ heads > 0 ? $0 / heads : nil }),
              dim >= 2, dim <= 1 << 16 else { return nil }
        let base = number("rope_theta") ?? config.rotary.theta ?? 10000
        let factor = number("factor") ?? 8, low = number("low_freq_factor") ?? 1, high = number("high_freq_factor") ?? 4
        let old = number("original_max_position_embeddings") ?? config.rotary.originalMaxPositions ?? 8192
        guard base > 0, factor != 0, high != low else { return nil }
        let values = stride(from: 0, to: dim, by: 2).map { i -> Double in
            let freq = 1 / pow(base, Double(i) / Double(dim))
            let wavelength = 2 * Double.pi / freq
            if wavelength < old / high { return 1 }
            if wavelength > old / low { return factor }
            let smooth = (old / wavelength - low) / (high - low)
            return 1 / ((1 - smooth) / factor + smooth)
        }
        return (values, "config.json's llama3 rope scaling (factor \(factor), theta \(base), head dimension \(dim))")
    }
}
