import CheckpointIO
import StrictJSON

/// The pairs a `diff` of a Hub checkpoint against its llama.cpp conversion compares, seen from
/// the converter's side: which name is the Hub one, and the GGUF file's architecture. Shared by
/// the rules that know what the converter did to a tensor (`LlamaCppNormShift`,
/// `LlamaCppTranspose`).
struct LlamaCppPair {
    /// A's tensor and the B tensor it faces.
    let viewA: TensorView
    let viewB: TensorView
    /// The Hub side's name, as the converter's tests read it.
    let hubName: String
    /// Whether the GGUF file is B (else A).
    let ggufIsB: Bool

    /// Every A tensor paired (through `nameMap`, A's name → B's) with a tensor of B, when
    /// exactly one side is a GGUF file that states its architecture, with that architecture;
    /// nil otherwise.
    static func pairs(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> (architecture: String, pairs: [LlamaCppPair])? {
        let ggufA = a.ggufModel != nil, ggufB = b.ggufModel != nil
        guard ggufA != ggufB, let architecture = LlamaCppNameMap.architecture(of: ggufB ? b : a) else { return nil }
        let pairs = a.tensors.compactMap { view -> LlamaCppPair? in
            let nameB = nameMap[ExactText(view.name)] ?? view.name
            guard let other = b.tensor(named: nameB) else { return nil }
            return LlamaCppPair(viewA: view, viewB: other, hubName: ggufB ? view.name : nameB, ggufIsB: ggufB)
        }
        return (architecture, pairs)
    }
}
