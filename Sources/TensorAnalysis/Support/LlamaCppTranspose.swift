import CheckpointIO
import StrictJSON
import TensorScan

/// Matrices llama.cpp's converter stores transposed, and how `diff` compares them.
///
/// The fact (llama.cpp `convert_hf_to_gguf.py` as vendored by llama-cpp-python 0.3.36,
/// `conversion/gpt2.py`, `GPT2Model.modify_tensors`): GPT-2 keeps its attention and MLP weights
/// in `Conv1D` layers, stored `[in, out]`, and the converter writes every tensor whose name ends
/// in `.c_attn.weight`, `.c_proj.weight` or `.c_fc.weight` transposed, `[out, in]`, as llama.cpp's
/// matrix layout wants; transformers' GGUF loader transposes them back (`GPT2TensorProcessor`).
/// For `general.architecture` `gpt2` such a pair is compared with the GGUF side read transposed.
///
/// Why: a faithful GPT-2 conversion failed `diff`, its `c_attn`, `c_fc` and MLP `c_proj` as shape
/// changes and its square `attn.c_proj` as a value difference near 1.4 (hunt-54a D3).
public enum LlamaCppTranspose {
    /// One matrix's comparison.
    public struct Decision: Sendable, Equatable {
        /// Whether the values were compared with one side read transposed.
        public let transposed: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String
    }

    /// GGUF architecture → the Hub name endings its converter transposes.
    static let transposingArchitectures: [String: [String]] = [
        "gpt2": [".c_attn.weight", ".c_proj.weight", ".c_fc.weight"],
    ]

    /// The decision for every A tensor paired (through `nameMap`, A's name → B's) with a tensor
    /// of the other side, where exactly one side is a GGUF file whose architecture transposes
    /// the Hub name's matrix.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        guard let (architecture, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap) else { return [:] }
        let endings = transposingArchitectures[architecture] ?? []
        var result: [ExactText: Decision] = [:]
        for pair in pairs {
            let ggufName = pair.ggufIsB ? pair.viewB.name : pair.viewA.name
            let claim: String
            if endings.contains(where: { pair.hubName.hasSuffix($0) }) {
                claim = "general.architecture is '\(architecture)', whose converter stores this Conv1D weight transposed"
            } else if MLASplits.isTransposedKey(hubName: pair.hubName, ggufName: ggufName, architecture: architecture) {
                claim = "general.architecture is '\(architecture)', whose converter (DeepseekV2Model, conversion/deepseek.py) stores each "
                    + "head's key rows of kv_b_proj transposed as its entry of attn_k_b"
            } else {
                continue
            }
            if DifferenceScan.exceedsTransposedDecodeLimit(pair.viewB) {
                result[ExactText(pair.viewA.name)] = Decision(transposed: false, evidence: claim + ", but B's \(pair.viewB.elementCount) "
                    + "quantized values are more than the \(DifferenceScan.transposedDecodeLimit) tensoraudit dequantizes whole to read "
                    + "them transposed: compared as stored")
                continue
            }
            result[ExactText(pair.viewA.name)] = DifferenceScan.isTransposedLayout(pair.viewA, pair.viewB)
                ? Decision(transposed: true, evidence: claim + ": compared with the GGUF side read transposed")
                : Decision(transposed: false, evidence: claim + ", but the pair is not two matrices whose shapes are each other's "
                    + "reverse, both decoded: compared as stored")
        }
        return result
    }
}
