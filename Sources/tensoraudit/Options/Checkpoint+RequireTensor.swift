import CheckpointIO
import StrictJSON
import TensorAnalysis

extension Checkpoint {
    /// The tensor called `name` (matched byte for byte), or a `tensor-not-found` error that
    /// names the closest tensor names (`DidYouMean`), so a typo in `--tensor` is one glance away
    /// from the right spelling.
    ///
    /// A name `__metadata__` records as an alias of a stored tensor (safetensors' writer drops
    /// one of two tensors that share storage and notes it so) is named as such, with the tensor
    /// that holds its values: `--tensor model.embed_tokens.weight` on such a file said only
    /// "no tensor named" (README review, 2026-12-06).
    func requireTensor(named name: String) throws(CheckpointError) -> TensorView {
        if let view = tensor(named: name) { return view }
        if let kept = TensorNames.aliases(in: self)[ExactText(name)] {
            throw .source(path: path, kind: "tensor-not-found",
                          message: "no tensor named \(quoted(name)): __metadata__ records it as an alias of \(quoted(kept)), the stored tensor "
                              + "that holds its values (the two shared storage when saved); use --tensor \(quoted(kept))")
        }
        let hint = DidYouMean.phrase(for: name, among: tensors.lazy.map(\.name))
        // When the hint shows code points, the name asked for shows its own beside them.
        let spelled = hint.contains("(spelled ") && ExactText.codePoints(name) != name ? " (spelled \(ExactText.codePoints(name)))" : ""
        throw .source(path: path, kind: "tensor-not-found", message: "no tensor named \(quoted(name))\(spelled)\(hint)")
    }
}
