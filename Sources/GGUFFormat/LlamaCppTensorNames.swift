/// Tensor names llama.cpp's converters write (gguf-py 0.19.0 `constants.py` `TENSOR_NAMES`;
/// the tying rule is recorded in /work/shared/FORMATS-NEXT.md and issue 12), as facts the
/// audit can rely on.
///
/// - `token_embd.weight`: the input embedding, shape `[vocabulary, hidden]` row-major (one row
///   per token, like a Hub `embed_tokens.weight`).
/// - `output.weight`: the output projection (LM head). When absent, llama.cpp uses
///   `token_embd.weight` in its place for most decoders; what it does depends on the
///   architecture (`LlamaCppArchitectures`: encoders have no output projection at all).
/// - `blk.N.…`: the tensors of layer N; `output_norm.weight` the final norm.
public enum LlamaCppTensorNames {
    public static let tokenEmbedding = "token_embd.weight"
    public static let output = "output.weight"
    public static let outputNorm = "output_norm.weight"
    public static let blockPrefix = "blk."

    /// The layer number of a `blk.N.…` name.
    public static func layer(of name: String) -> Int? {
        guard name.hasPrefix(blockPrefix) else { return nil }
        return Int(name.dropFirst(blockPrefix.count).prefix { $0 != "." })
    }
}
