import CheckpointIO
import StrictJSON
import TensorScan

/// Falcon-H1's µP multipliers, which llama.cpp's converter multiplies into the weights, and how
/// `diff` compares the tensors they touch.
///
/// The facts (`FalconH1Model.modify_tensors`, `conversion/falcon_h1.py` as vendored by
/// llama-cpp-python 0.3.36): for `general.architecture` `falcon-h1`, the first of these
/// substrings of the Hub name decides, in this order: `down_proj` × `mlp_multipliers[1]`,
/// `gate_proj` × `mlp_multipliers[0]`, `k_proj` × `key_multiplier` and then ×
/// `attention_in_multiplier`, `q_proj` and `v_proj` × `attention_in_multiplier`, `o_proj` ×
/// `attention_out_multiplier`, `out_proj` × `ssm_out_multiplier`, `in_proj` ×
/// `ssm_in_multiplier` and then its rows in five bands × `ssm_multipliers[0…4]` (`[0, I)`,
/// `[I, 2I)`, `[2I, 2I + G·S)`, `[2I + G·S, 2I + 2G·S)`, `[2I + 2G·S, end)` with `I` =
/// `mamba_d_ssm`, `G` = `mamba_n_groups`, `S` = `mamba_d_state`), `lm_head` ×
/// `lm_head_multiplier`, `embed_tokens` × `embedding_multiplier`. Each product is rounded as torch
/// rounds it (`ValueScaling`). The converter reads config.json itself (`Mamba2Model.__init__`
/// avoids `AutoConfig`), so `FalconH1Config`'s defaults never apply: a multiplier config.json
/// leaves out is `None` there, and the conversion raises.
///
/// Why: every tensor of a faithful Falcon-H1 conversion those multipliers touch failed `diff`,
/// each at relative L2 |1 − multiplier| (hunt-57a F5), and the released Falcon-H1 models state
/// multipliers other than 1. The Hub side's values are now multiplied as the converter does and
/// compared with the GGUF side's.
///
/// What is not claimed: a multiplier config.json leaves out or gives as anything but a number (a
/// list too short or of other values) makes the converter raise, so no GGUF file comes from
/// that config and nothing is multiplied (the evidence says why); nor are bands cut from a tensor
/// that is not the Hub's whole 2-D `in_proj` (a row range or entry the user mapped, a 1-D bias,
/// on which the converter's band indexing raises). Checked on conversions by the converter
/// itself (helper-176): every multiplied tensor of tiny Falcon-H1 models in float32, bfloat16
/// and float16, with every float16 and bfloat16 bit pattern, matches this bit for bit.
public enum LlamaCppMultipliers {
    /// One pair's comparison.
    public struct Decision: Sendable, Equatable {
        /// What the Hub side's values are multiplied by (nil: nothing, the evidence says why).
        public let scaling: ValueScaling?
        /// Whether the GGUF file is B (else A).
        public let ggufIsB: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String

        /// What `DifferenceScan` does to the Hub side's values.
        public func applied(to shift: ValueShift?) -> ValueShift? {
            guard let scaling else { return shift }
            var shift = shift ?? ValueShift(a: 0, b: 0)
            if ggufIsB { shift.scaleA = scaling } else { shift.scaleB = scaling }
            return shift
        }
    }

    static let architecture = "falcon-h1"
    static let converter = "FalconH1Model, conversion/falcon_h1.py"

    /// How one kind of Hub tensor is multiplied: the name's substring, and the config keys (with
    /// a list index) whose values multiply it, in order.
    struct Rule {
        let substring: String
        let factors: [(key: String, index: Int?)]
    }

    /// Keys the converter reads through `find_hparam`, which also tries `mamba_` + key (hunt-58c F6);
    /// `lm_head_multiplier`, `embedding_multiplier` and the bands' `ssm_multipliers` it reads directly.
    static let prefixedKeys: Set<String> = ["mlp_multipliers", "key_multiplier", "attention_in_multiplier", "attention_out_multiplier",
                                            "ssm_out_multiplier", "ssm_in_multiplier"]

    /// The converter's `if`/`elif` chain, in its order (the first substring found decides).
    static let rules: [Rule] = [
        Rule(substring: "down_proj", factors: [("mlp_multipliers", 1)]),
        Rule(substring: "gate_proj", factors: [("mlp_multipliers", 0)]),
        Rule(substring: "k_proj", factors: [("key_multiplier", nil), ("attention_in_multiplier", nil)]),
        Rule(substring: "q_proj", factors: [("attention_in_multiplier", nil)]),
        Rule(substring: "v_proj", factors: [("attention_in_multiplier", nil)]),
        Rule(substring: "o_proj", factors: [("attention_out_multiplier", nil)]),
        Rule(substring: "out_proj", factors: [("ssm_out_multiplier", nil)]),
        Rule(substring: "in_proj", factors: [("ssm_in_multiplier", nil)]),
        Rule(substring: "lm_head", factors: [("lm_head_multiplier", nil)]),
        Rule(substring: "embed_tokens", factors: [("embedding_multiplier", nil)]),
    ]

    /// The decision for every A tensor paired (through `nameMap`) with a tensor of the other side,
    /// where exactly one side is a `falcon-h1` GGUF file and the Hub name is one the converter
    /// multiplies by something other than 1.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        guard let (name, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap), name == architecture else { return [:] }
        let config = (a.ggufModel == nil ? a : b).config
        let values = config?.converterValues ?? [:]
        let claim = "general.architecture is '\(architecture)', whose converter (\(converter)) "
        var result: [ExactText: Decision] = [:]
        for pair in pairs {
            guard let rule = rules.first(where: { pair.hubName.contains($0.substring) }) else { continue }
            let hub = pair.ggufIsB ? pair.viewA : pair.viewB
            var factors: [Float] = []
            var named: [String] = []
            var refusal: String?
            for (key, index) in rule.factors where refusal == nil {
                switch factor(values, key: key, index: index) {
                case .success(let value):
                    factors.append(value.factor)
                    named.append("\(key)\(index.map { "[\($0)]" } ?? "") \(value.text)")
                case .failure(let problem):
                    refusal = problem.text
                }
            }
            var bands: [ValueScaling.Band] = []
            if refusal == nil, rule.substring == "in_proj" {
                // The whole 2-D matrix only (its rows counted as an Int: a header may declare
                // [2^63, 0], which holds no values and trapped the conversion to Int).
                if hub.shape.count != 2 || hub.info.rowRange != nil || hub.info.stackedEntry != nil || hub.shape[0] > UInt64(Int.max) {
                    refusal = "multiplies bands of the rows of the whole 2-D in_proj, and this is not one (a whole 2-D matrix of at most 2^63 − 1 rows)"
                } else {
                    switch inProjectionBands(values, rows: Int(hub.shape[0])) {
                    case .success(let found):
                        bands = found.bands
                        named.append(found.text)
                    case .failure(let problem):
                        refusal = problem.text
                    }
                }
            }
            let key = ExactText(pair.viewA.name)
            if let refusal {
                result[key] = Decision(scaling: nil, ggufIsB: pair.ggufIsB,
                                       evidence: claim + "\(refusal): compared as stored, nothing multiplied")
                continue
            }
            guard factors.contains(where: { $0 != 1 }) || bands.contains(where: { $0.factor != 1 }) else { continue }
            let half = hub.elementType.rawValue == "F16"
            let rounding = half ? "each product rounded to float16 (the checkpoint's type, which it keeps)"
                : "each product rounded to float32 (it turns the checkpoint's values into float32 first)"
            var evidence = claim + "multiplies '\(rule.substring)' tensors by config.json's " + named.joined(separator: ", then ")
                + ", \(rounding): the Hub values so multiplied compared"
            // transformers' FalconH1 multiplies the attention's input by attention_in_multiplier
            // (modeling_falcon_h1.py, `FalconH1DecoderLayer.forward`), so a q/k/v bias folded with it
            // is not the model's: the converter's, compared as the converter writes it, said so.
            if ["q_proj", "k_proj", "v_proj"].contains(rule.substring), pair.hubName.hasSuffix(".bias"),
               case .success(let inner) = factor(values, key: "attention_in_multiplier", index: nil), inner.factor != 1 {
                evidence += "; note: transformers' FalconH1 multiplies the attention's input, not this bias, by attention_in_multiplier, "
                    + "so the converter's bias is not the Hub model's"
            }
            result[key] = Decision(scaling: ValueScaling(factors: factors, bands: bands, inHalf: half), ggufIsB: pair.ggufIsB,
                                   evidence: evidence)
        }
        return result
    }

    struct Problem: Error {
        let text: String
    }

    /// A multiplier as the converter reads it: float32 of the number (torch rounds a Python
    /// number to the tensor's float32 arithmetic), and how the config wrote it.
    static func factor(_ values: [String: JSONNode], key: String, index: Int?, direct: Bool = false) -> Result<(factor: Float, text: String), Problem> {
        guard let node = values[key] ?? (!direct && prefixedKeys.contains(key) ? values["mamba_" + key] : nil) else {
            return .failure(Problem(text: "multiplies by \(key), which config.json does not state (it reads config.json itself, "
                                        + "not FalconH1Config's defaults, and raises on the missing value)"))
        }
        var value = node
        if let index {
            guard case .array(let items) = node else {
                return .failure(Problem(text: "reads \(key)[\(index)], but config.json's \(key) is \(node.typeName)"))
            }
            guard index < items.count else {
                return .failure(Problem(text: "reads \(key)[\(index)], but config.json's \(key) has \(items.count) entries"))
            }
            value = items[index]
        }
        let name = key + (index.map { "[\($0)]" } ?? "")
        guard case .number(let number) = value, let double = Double(number.text), double.isFinite else {
            return .failure(Problem(text: "multiplies by \(name), but config.json's is \(value.typeName), not a finite number"))
        }
        return .success((Float(double), number.text))
    }

    /// `in_proj`'s five row bands: `ssm_multipliers[0…4]` over `[0, I)`, `[I, 2I)`, `[2I, 2I+G·S)`,
    /// `[2I+G·S, 2I+2G·S)`, `[2I+2G·S, rows)`, with Python slice semantics (a negative bound counts
    /// from the end, bounds are clipped to the rows, an empty band changes nothing; hunt-58c F8: a
    /// negative `mamba_n_groups` converts).
    static func inProjectionBands(_ values: [String: JSONNode], rows: Int) -> Result<(bands: [ValueScaling.Band], text: String), Problem> {
        var sizes: [Int] = []
        for key in ["mamba_d_ssm", "mamba_n_groups", "mamba_d_state"] {
            guard case .number(let number)? = values[key], let size = Int(number.text), abs(size) <= 1 << 30 else {
                return .failure(Problem(text: "cuts in_proj into row bands by \(key), which config.json "
                                            + (values[key] == nil ? "does not state (the converter raises)" : "does not give as a count up to 2^30")))
            }
            sizes.append(size)
        }
        let (inner, groupState) = (sizes[0], sizes[1] * sizes[2])
        let bounds: [Int?] = [0, inner, 2 * inner, 2 * inner + groupState, 2 * inner + 2 * groupState, nil]
        // Python's slice bounds: negative from the end, then clipped to 0…rows; nil: the end.
        func bound(_ value: Int?) -> Int {
            guard let value else { return rows }
            return min(max(value < 0 ? value + rows : value, 0), rows)
        }
        var bands: [ValueScaling.Band] = []
        var texts: [String] = []
        for band in 0..<5 {
            guard case .success(let value) = factor(values, key: "ssm_multipliers", index: band, direct: true) else {
                return .failure(Problem(text: "multiplies in_proj's rows by ssm_multipliers[0…4], and config.json's ssm_multipliers is "
                                            + "not a list of at least five numbers (the converter raises)"))
            }
            let start = bound(bounds[band]), end = max(start, bound(bounds[band + 1]))
            bands.append(ValueScaling.Band(start: start, end: end, factor: value.factor))
            texts.append("rows \(start)..<\(end) × \(value.text)")
        }
        return .success((bands, "by band (mamba_d_ssm \(inner), mamba_n_groups × mamba_d_state \(groupState)): "
                            + "ssm_multipliers " + texts.joined(separator: ", ")))
    }
}
