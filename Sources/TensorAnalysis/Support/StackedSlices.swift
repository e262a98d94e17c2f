import CheckpointIO
import StrictJSON

/// The tensors `diff` reads entry by entry: those a name map addresses as `NAME[E]`
/// (`TensorView.sliceName`), entry `E` of dimension 0 of tensor `NAME`.
///
/// Why: llama.cpp's converter stacks a mixture-of-experts layer's per-expert matrices into one
/// tensor (`model.layers.N.mlp.experts.E.gate_proj.weight`, every `E`, → `blk.N.ffn_gate_exps.weight`
/// of shape `[experts, rows, columns]`), so the Hub's experts were all "only in A" and the GGUF's
/// stacks "only in B" (hunt-54a D3). The built-in map names expert `E`'s partner
/// `blk.N.ffn_gate_exps.weight[E]` (`LlamaCppNameMap.expertParts`), and a `--map` file may name
/// such entries too; every entry of a sliced tensor is then a tensor of its own for `diff`, so an
/// expert one side lacks is listed by its entry name.
public enum StackedSlices {
    /// `a` and `b` with each tensor sliced whose entries `nameMap` (A's name → B's) names: B's by
    /// the map's values, A's by its keys. A name that is itself a tensor of that side is that
    /// tensor, never an entry; a tensor of rank < 2, an index past its first dimension or a
    /// tensor without elements slices nothing.
    public static func applied(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> (a: Checkpoint, b: Checkpoint) {
        guard !nameMap.isEmpty else { return (a, b) }
        return (a.slicing(sliced(in: a, named: nameMap.keys.map(\.text))), b.slicing(sliced(in: b, named: Array(nameMap.values))))
    }

    /// The names of the tensors of `checkpoint` that some name of `names` addresses an entry of.
    static func sliced(in checkpoint: Checkpoint, named names: [String]) -> Set<ExactText> {
        var tensors = Set<ExactText>()
        for name in names where checkpoint.tensor(named: name) == nil {
            guard let (tensor, index) = TensorView.sliceParts(of: name), !tensors.contains(ExactText(tensor)),
                  let view = checkpoint.tensor(named: tensor), view.shape.count >= 2, UInt64(index) < view.shape[0] else { continue }
            tensors.insert(ExactText(tensor))
        }
        return tensors
    }
}
