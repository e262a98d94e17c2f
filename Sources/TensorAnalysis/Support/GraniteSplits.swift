import CheckpointIO

/// The merged gate-and-up matrices of IBM Granite's mixture-of-experts models as llama.cpp's
/// converter splits them, so that `diff` pairs each half with the tensor it became.
///
/// Facts (`conversion/granite.py` as vendored by llama-cpp-python 0.3.36, `GraniteMoeModel.
/// modify_tensors`, which `GraniteHybridModel` calls for these names too; files of architecture
/// `granitemoe` — GraniteMoe and GraniteMoeShared, Granite 3 MoE — and `granitehybrid`, Granite 4):
/// - `model.layers.N.block_sparse_moe.input_linear.weight`, `[experts, 2·I, H]`, is split along
///   its rows (`split(I, dim=-2)`, after asserting the rows are `2 · intermediate_size`): rows
///   `[0, I)` of every expert become `blk.N.ffn_gate_exps.weight`, rows `[I, 2I)`
///   `blk.N.ffn_up_exps.weight`;
/// - `model.layers.N.shared_mlp.input_linear.weight`, `[2·I, H]`, likewise into
///   `blk.N.ffn_gate_shexp.weight` and `blk.N.ffn_up_shexp.weight` when the model has experts,
///   else (a dense Granite 4 hybrid) `blk.N.ffn_gate.weight` and `blk.N.ffn_up.weight`, and its
///   `shared_mlp.output_linear.weight` then becomes `blk.N.ffn_down.weight` (with experts, gguf-py's
///   `ffn_down_shexp`).
/// The halves are named `NAME[E][a:b]` and `NAME[a:b]` (`TensorView.rowRangeName`), cut by
/// `StackedSlices`. Which of the two shared names applies is read from the GGUF side: the one it
/// holds. Why: every Granite MoE conversion failed `diff`, its input_linear "only in A" and the
/// halves "only in B" (session notes, 2026-12-07: "splits are not paired").
/// Not covered: `granite_swa` (GraniteMoeSWA keeps them fused as `ffn_gate_up_exps`) and
/// `granite_switch`.
enum GraniteSplits {
    /// The architectures whose converter splits so.
    static let architectures: Set<String> = ["granitemoe", "granitehybrid"]

    /// The most pieces the built-in map names in all: an expert's two halves count two. Real
    /// models name a few thousand (40 layers of 62 experts: 4,960); a header cannot make the map
    /// grow past this, whatever shapes it declares.
    static let maximumPieces = 65_536

    /// A half of a merged matrix: its name as `diff` cuts it from the Hub tensor, and the GGUF
    /// name of what the converter made of it.
    struct Piece {
        let hub: String
        let gguf: String
    }

    /// The pieces of Hub tensor `view`, or nil when it is none of the merged matrices above (or
    /// its shape is not what the converter splits, or `budget` pieces are spent; it then pairs
    /// nothing and stays "only" on its side).
    static func pieces(of view: TensorView, architecture: String?, gguf: Checkpoint, budget: inout Int) -> [Piece]? {
        guard let architecture, architectures.contains(architecture) else { return nil }
        let base = LlamaCppNameMap.hubBase(view.name)
        if let layer = layer(of: base, part: "block_sparse_moe.input_linear.weight") {
            guard view.shape.count == 3, view.shape[0] <= UInt64(Checkpoint.maximumEntries), view.shape[1] % 2 == 0,
                  view.shape[1] > 0, view.shape[1] <= UInt64(Int.max / 2) else { return nil }
            let experts = Int(view.shape[0]), half = Int(view.shape[1] / 2)
            guard 2 * experts <= budget else { return nil }
            budget -= 2 * experts
            return (0 ..< experts).flatMap { e -> [Piece] in
                let entry = TensorView.sliceName(view.name, e)
                return [Piece(hub: TensorView.rowRangeName(entry, 0 ..< half), gguf: TensorView.sliceName("blk.\(layer).ffn_gate_exps.weight", e)),
                        Piece(hub: TensorView.rowRangeName(entry, half ..< 2 * half), gguf: TensorView.sliceName("blk.\(layer).ffn_up_exps.weight", e))]
            }
        }
        if let layer = layer(of: base, part: "shared_mlp.input_linear.weight") {
            guard view.shape.count == 2, view.shape[0] % 2 == 0, view.shape[0] > 0, view.shape[0] <= UInt64(Int.max / 2),
                  budget >= 2 else { return nil }
            budget -= 2
            let half = Int(view.shape[0] / 2)
            let dense = gguf.tensor(named: "blk.\(layer).ffn_gate_shexp.weight") == nil && gguf.tensor(named: "blk.\(layer).ffn_gate.weight") != nil
            let suffix = dense ? "" : "_shexp"
            return [Piece(hub: TensorView.rowRangeName(view.name, 0 ..< half), gguf: "blk.\(layer).ffn_gate\(suffix).weight"),
                    Piece(hub: TensorView.rowRangeName(view.name, half ..< 2 * half), gguf: "blk.\(layer).ffn_up\(suffix).weight")]
        }
        return nil
    }

    /// For a dense Granite 4 hybrid: `blk.N.ffn_down.weight` where gguf-py's name is
    /// `blk.N.ffn_down_shexp.weight` and the GGUF side holds only the former; nil otherwise.
    static func denseName(_ name: String, architecture: String?, gguf: Checkpoint) -> String? {
        guard let architecture, architectures.contains(architecture), name.hasPrefix("blk."), name.hasSuffix(".ffn_down_shexp.weight"),
              gguf.tensor(named: name) == nil else { return nil }
        let dense = String(name.dropLast(".ffn_down_shexp.weight".count)) + ".ffn_down.weight"
        return gguf.tensor(named: dense) != nil ? dense : nil
    }

    /// N, when `base` is `model.layers.N.` followed by `part` (N decimal, no leading zero).
    static func layer(of base: String, part: String) -> Int? {
        let prefix = "model.layers."
        guard base.hasPrefix(prefix), base.hasSuffix("." + part) else { return nil }
        let digits = base.dropFirst(prefix.count).dropLast(part.count + 1)
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits == "0" || !digits.hasPrefix("0") else { return nil }
        return Int(digits)
    }
}
