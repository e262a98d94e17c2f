import CheckpointIO
import StrictJSON
import TensorScan

/// Norm weights llama.cpp's converter stores with 1 added, and how `diff` compares them.
///
/// The fact (llama.cpp `convert_hf_to_gguf.py` as vendored by llama-cpp-python 0.3.36, each
/// class's `modify_tensors`): Gemma's RMSNorm scales by `1 + weight` (transformers'
/// `GemmaRMSNorm`) where llama.cpp's scales by `weight`, so the converter stores `weight + 1`
/// for every Hub tensor whose name ends in `norm.weight`: `gemma` (GemmaModel), `gemma2`
/// (Gemma2Model), `gemma3` (Gemma3Model's `norm_shift`) and `gemma-embedding` (EmbeddingGemma,
/// which inherits it); `nemotron` (NemotronModel, its layernorm1p) and `step35` (Step35Model)
/// the same; `qwen3next` (Qwen3NextModel) except `linear_attn.norm.weight`, and so `qwen35` and
/// `qwen35moe` (Qwen3_5TextModel, Qwen3_5MoeTextModel: `_LinearAttentionVReorderBase`, a
/// Qwen3NextModel whose `modify_tensors` ends in the parent's; hunt-55a found a faithful
/// Qwen3.5-MoE conversion's norms off by 1). Not listed: `gemma3n` and `gemma4`, whose
/// `norm_shift` is 0, and the classes not read one by one (`minimax-m3`, `plamo2`, …): their
/// norms are compared as stored. transformers' own
/// GGUF loader undoes the same shift (`Gemma2TensorProcessor`: `weights - 1`).
///
/// Why: a faithful Gemma 2 or 3 conversion failed `diff` with every norm off by exactly 1
/// (relative L2 9–12; hunt-54a D1). The GGUF side's values minus the shift now face the Hub
/// side's, and both the difference and the reference norm use those values, as transformers'
/// loader sees them.
public enum LlamaCppNormShift {
    /// One norm's comparison.
    public struct Decision: Sendable, Equatable {
        /// What the converter added to the Hub values.
        public let shift: Double
        /// Whether the GGUF file is B (else A): its values have the shift taken off.
        public let ggufIsB: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String

        /// The amounts `DifferenceScan` takes off each side.
        public var valueShift: ValueShift { ggufIsB ? ValueShift(a: 0, b: shift) : ValueShift(a: shift, b: 0) }
    }

    /// GGUF architecture → the Hub name endings its converter leaves unshifted among those
    /// ending in `norm.weight`.
    static let shiftingArchitectures: [String: [String]] = [
        "gemma": [], "gemma2": [], "gemma3": [], "gemma-embedding": [], "nemotron": [], "step35": [],
        "qwen3next": ["linear_attn.norm.weight"], "qwen35": ["linear_attn.norm.weight"], "qwen35moe": ["linear_attn.norm.weight"],
    ]

    /// The decision for every A tensor paired (through `nameMap`, A's name → B's) with a tensor
    /// of the other side, where exactly one side is a GGUF file whose architecture shifts norms
    /// and the Hub name is one the converter shifts.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        guard let (architecture, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap),
              let unshifted = shiftingArchitectures[architecture] else { return [:] }
        var result: [ExactText: Decision] = [:]
        for pair in pairs where pair.hubName.hasSuffix("norm.weight") {
            if let ending = unshifted.first(where: { pair.hubName.hasSuffix($0) }) {
                result[ExactText(pair.viewA.name)] = Decision(shift: 0, ggufIsB: pair.ggufIsB, evidence: "general.architecture is "
                    + "'\(architecture)', whose converter adds 1 to norm weights except '\(ending)': compared as stored")
                continue
            }
            result[ExactText(pair.viewA.name)] = Decision(shift: 1, ggufIsB: pair.ggufIsB, evidence: "general.architecture is "
                + "'\(architecture)', whose converter stores norm weights plus 1 (the model scales by 1 + weight): the GGUF values minus 1 compared")
        }
        return result
    }
}
