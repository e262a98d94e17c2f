import CheckpointIO
import StrictJSON

extension Checkpoint {
    /// The tensor called `name` (matched byte for byte), or a `tensor-not-found` error that
    /// names the closest tensor names (`DidYouMean`), so a typo in `--tensor` is one glance away
    /// from the right spelling.
    func requireTensor(named name: String) throws(CheckpointError) -> TensorView {
        if let view = tensor(named: name) { return view }
        let hint = DidYouMean.phrase(for: name, among: tensors.lazy.map(\.name))
        // When the hint shows code points, the name asked for shows its own beside them.
        let spelled = hint.contains("(spelled ") && ExactText.codePoints(name) != name ? " (spelled \(ExactText.codePoints(name)))" : ""
        throw .source(path: path, kind: "tensor-not-found", message: "no tensor named \(quoted(name))\(spelled)\(hint)")
    }
}
