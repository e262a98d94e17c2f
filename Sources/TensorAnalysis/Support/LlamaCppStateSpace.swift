import CheckpointIO
import StrictJSON
import TensorScan

/// A state-space (Mamba) layer's tensors as llama.cpp's converter stores them, and how `diff`
/// compares them.
///
/// The facts (llama.cpp `convert_hf_to_gguf.py` as vendored by llama-cpp-python 0.3.36, each
/// class's `modify_tensors`):
/// - every Hub name ending in `.A_log` is stored as `A = −exp(A_log)` (`ssm_a`): MambaModel and
///   Mamba2Model (`conversion/mamba.py`), JambaModel (`jamba.py`), Qwen3NextModel and the
///   Qwen3.5 classes built on it (`qwen.py`), and Mamba2Model's subclasses GraniteHybridModel
///   (`granite.py`), NemotronHModel (`nemotron.py`) and FalconH1Model (`falcon_h1.py`);
/// - the causal convolution `conv1d.weight`, `[channels, 1, kernel]`, is stored squeezed,
///   `[channels, kernel]` (`ssm_conv1d.weight`), by all of them;
/// - Mamba2Model and its subclasses also store `A` and `D` `[heads]` as `[heads, 1]`, and the
///   gated norm `[d_inner]` as `[groups, d_inner / groups]` (`ssm_norm.weight`).
/// - LFM2's converters (`LFM2Model` and `LFM2MoeModel`, `conversion/lfm2.py`) store the gated short
///   convolution `conv.conv.weight`, `[channels, 1, kernel]`, squeezed at dimension 1
///   (`squeeze(1)`), `[channels, kernel]` (`shortconv.conv.weight`): not a state-space layer, the
///   same reshape (a sweep of tiny conversions, helper-177: every faithful LFM2 file failed with
///   that one shape change).
/// Regrouping keeps each value's place in row-major order, so such a pair is compared with B
/// read in A's shape (`TensorView.reshaped`; rows numbered as A's), and `A` against `−exp` of the
/// Hub's `A_log`, the values llama.cpp uses. Only these GGUF names, in these architectures, and
/// only a regrouping of as many values; anything else is compared as stored.
///
/// Why: every faithful conversion of a Mamba, Jamba, Nemotron-H or Granite 4 hybrid failed
/// `diff`, `A_log` at relative L2 ~10 and the reshaped tensors as shape changes (hunt-55a D5).
public enum LlamaCppStateSpace {
    /// One pair's comparison.
    public struct Decision: Sendable, Equatable {
        /// Whether B was read in A's shape.
        public let reshaped: Bool
        /// Whether the Hub side's values were compared as `−exp(value)`.
        public let negatedExponential: Bool
        /// Whether that `−exp` is the converter's in float16 (an F16 checkpoint's `A_log`, which it
        /// keeps in float16), not float32.
        public var inHalf = false
        /// Whether the GGUF side is known not to hold the shape the converter writes: the Hub's
        /// own shape where the converter regroups it, or a Mamba-2 norm without the group count
        /// that says how (a shape change: llama.cpp's loader refuses either, hunt-57a F1, F6).
        public var unlikeConverter = false
        /// Whether the GGUF file is B (else A).
        public let ggufIsB: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String

        /// A pair whose GGUF side is known not to hold the converter's shape (`unlikeConverter`).
        static func unlikeConverter(_ evidence: String, negatedExponential: Bool, ggufIsB: Bool) -> Decision {
            var decision = Decision(reshaped: false, negatedExponential: negatedExponential, ggufIsB: ggufIsB, evidence: evidence)
            decision.unlikeConverter = true
            return decision
        }

        /// What `DifferenceScan` does to each side's values: `−exp` of the Hub side's (A when the
        /// GGUF file is B).
        public var valueShift: ValueShift {
            ValueShift(a: 0, b: 0, negatedExponentialA: negatedExponential && ggufIsB, negatedExponentialB: negatedExponential && !ggufIsB,
                       exponentialInHalf: inHalf)
        }
    }

    /// GGUF architecture → the converter class whose rules apply, and whether it is Mamba-2's
    /// (which also regroups `A`, `D` and the norm).
    static let architectures: [String: (converter: String, mamba2: Bool)] = [
        "mamba": ("MambaModel, conversion/mamba.py", false),
        "mamba2": ("Mamba2Model, conversion/mamba.py", true),
        "jamba": ("JambaModel, conversion/jamba.py", false),
        "qwen3next": ("Qwen3NextModel, conversion/qwen.py", false),
        "qwen35": ("Qwen3_5TextModel, conversion/qwen.py", false),
        "qwen35moe": ("Qwen3_5MoeTextModel, conversion/qwen.py", false),
        "granitehybrid": ("GraniteHybridModel(Mamba2Model), conversion/granite.py", true),
        "nemotron_h": ("NemotronHModel(Mamba2Model), conversion/nemotron.py", true),
        "nemotron_h_moe": ("NemotronHModel(Mamba2Model), conversion/nemotron.py", true),
        "falcon-h1": ("FalconH1Model(Mamba2Model), conversion/falcon_h1.py", true),
        "lfm2": ("LFM2Model, conversion/lfm2.py", false),
        "lfm2moe": ("LFM2MoeModel, conversion/lfm2.py", false),
    ]

    /// The decision for every A tensor paired (through `nameMap`, A's name → B's) with a tensor of
    /// the other side, where exactly one side is a GGUF file of one of `architectures` and the GGUF
    /// name is one of a state-space layer's tensors the converter changes.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        guard let (architecture, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap),
              let (converter, mamba2) = architectures[architecture], let gguf = (a.ggufModel ?? b.ggufModel) else { return [:] }
        // Mamba-2's norm groups, as the converter writes them (`add_ssm_group_count`: a uint32,
        // which llama.cpp's loader reads as one and requires); nil when absent, of another type or 0.
        let groups: Int? = {
            guard case .uint32(let count)? = gguf.metadata["\(architecture).ssm.group_count"], count > 0 else { return nil }
            return Int(count)
        }()
        let claim = "general.architecture is '\(architecture)', whose converter (\(converter)) "
        // Why no Mamba-2 norm of this file can be the converter's, whatever the pair: a group count
        // that is unusable, or not the Hub config's (which the converter writes; another count takes
        // the gated norm over other groups, a different model). Worked out once, not per pair.
        let groupProblem: String? = {
            guard mamba2 else { return nil }
            guard let groups else {
                return "stores this norm regrouped by \(architecture).ssm.group_count, which it always writes as a positive uint32 and "
                    + "llama.cpp's loader requires, but the GGUF file's is absent, 0 or of another type: the grouping is unknown, so "
                    + "the shape cannot be the converter's"
            }
            guard let stated = (a.ggufModel == nil ? a : b).config?.stateSpaceGroups, stated != groups else { return nil }
            return "writes \(architecture).ssm.group_count from config.json's n_groups, \(stated), and regroups this norm by it, but the "
                + "GGUF file's group count is \(groups): the norm is taken over other groups"
        }()
        var result: [ExactText: Decision] = [:]
        for pair in pairs {
            let (hub, stored) = pair.ggufIsB ? (pair.viewA, pair.viewB) : (pair.viewB, pair.viewA)
            let kind = stored.name.hasSuffix(".shortconv.conv.weight") ? "convolution" : "state-space tensor"
            let negated = pair.hubName.hasSuffix(".A_log") && (stored.name.hasSuffix(".ssm_a") || stored.name.hasSuffix(".ssm_a.weight"))
            if let groupProblem, stored.name.hasSuffix(".ssm_norm.weight"), hub.shape.count == 1 {
                result[ExactText(pair.viewA.name)] = .unlikeConverter(claim + groupProblem, negatedExponential: false, ggufIsB: pair.ggufIsB)
                continue
            }
            let expected = regrouped(hub.shape, as: stored.name, mamba2: mamba2, groups: groups ?? 1)
            guard negated || expected != nil else { continue }
            var clauses: [String] = []
            var reshaped = false
            if let expected, expected != hub.shape, stored.shape == hub.shape {
                // The Hub's own shape where the converter always regroups: a file it does not write,
                // and one llama.cpp's loader refuses (hunt-57a F1).
                result[ExactText(pair.viewA.name)] = .unlikeConverter(
                    claim + "stores this \(kind) \(shapeText(hub.shape)) as \(shapeText(expected)), but the GGUF side holds "
                        + "the Hub's own shape, which llama.cpp's loader refuses: a shape change",
                    negatedExponential: negated, ggufIsB: pair.ggufIsB)
                continue
            }
            if hub.shape != stored.shape {
                // Exactly the converter's shape, and both sides readable in the other's (one value
                // per element): a file of another grouping is one llama.cpp's loader refuses, and a
                // quantized side cannot be read regrouped (hunt-56b A1, A2).
                guard let expected, stored.shape == expected, stored.reshaped(to: hub.shape) != nil, hub.reshaped(to: stored.shape) != nil else {
                    let converterShape = expected.map { ", as \(shapeText($0))" } ?? ""
                    result[ExactText(pair.viewA.name)] = Decision(reshaped: false, negatedExponential: false, ggufIsB: pair.ggufIsB,
                        evidence: claim + "stores this \(kind) \(shapeText(hub.shape))\(converterShape), but the GGUF side holds "
                            + "\(shapeText(stored.shape)) \(stored.elementType.rawValue): compared as stored")
                    continue
                }
                reshaped = true
                clauses.append("stores this \(kind) regrouped, \(shapeText(hub.shape)) as \(shapeText(stored.shape)): "
                    + "the same values in the same order, compared in A's shape")
            }
            // The converter keeps a float16 tensor in float16, so its −exp is torch's half one.
            let half = hub.elementType.rawValue == "F16"
            if negated {
                clauses.append(half ? "stores A_log as A = −exp(A_log) in float16 (the checkpoint's type, which it keeps): compared with "
                                      + "−exp of the Hub values rounded to float16"
                                    : "stores A_log as A = −exp(A_log) in float32: compared with −exp of the Hub values")
            }
            guard !clauses.isEmpty else { continue }
            var decision = Decision(reshaped: reshaped, negatedExponential: negated, ggufIsB: pair.ggufIsB,
                                    evidence: claim + clauses.joined(separator: ", and "))
            decision.inHalf = negated && half
            result[ExactText(pair.viewA.name)] = decision
        }
        return result
    }

    /// The shape the converter stores a Hub tensor of `shape` in as GGUF tensor `name`, when it
    /// regroups it: `conv1d.weight` squeezed (every dimension of size 1 dropped, `torch.squeeze`);
    /// Mamba-2's `A` and `D` with a trailing 1; its norm `[d]` as `[groups, d / groups]`. nil for
    /// any other tensor.
    static func regrouped(_ shape: [UInt64], as name: String, mamba2: Bool, groups: Int) -> [UInt64]? {
        if name.hasSuffix(".ssm_conv1d.weight") { return shape.filter { $0 != 1 } }
        // LFM2: `squeeze(1)`, dimension 1 only.
        if name.hasSuffix(".shortconv.conv.weight") { return shape.count >= 2 && shape[1] == 1 ? [shape[0]] + shape.dropFirst(2) : nil }
        guard mamba2 else { return nil }
        if [".ssm_a", ".ssm_d", ".ssm_d.weight"].contains(where: name.hasSuffix) { return shape + [1] }
        if name.hasSuffix(".ssm_norm.weight"), shape.count == 1, groups > 0, shape[0] % UInt64(groups) == 0 {
            return [UInt64(groups), shape[0] / UInt64(groups)]
        }
        return nil
    }

    static func shapeText(_ shape: [UInt64]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
