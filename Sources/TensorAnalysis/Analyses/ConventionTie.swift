import CheckpointIO
import GGUFFormat

/// A tie a file format makes by convention, with no second copy the bytes could show: a GGUF
/// file with `token_embd.weight` and no `output.weight` is run by llama.cpp with the embedding
/// as its output projection. `padding` grades it as tying evidence `format-convention`; `ties`
/// lists it beside the byte-identical groups, so a user asking "are my embeddings tied?" gets
/// the same answer from both (on the real Gemma 3 270M GGUF, `ties` said only "no two tensors
/// hold identical bytes").
public struct ConventionTie: Sendable, Equatable {
    /// The tensor that also serves as the missing one.
    public var tensor: String
    /// The tensor the file leaves out.
    public var absent: String
    /// One sentence naming the convention.
    public var detail: String

    /// llama.cpp's rule, when the checkpoint is GGUF and holds the embedding but no output.
    public static func llamaCpp(in checkpoint: Checkpoint) -> ConventionTie? {
        guard checkpoint.files.contains(where: { $0.formatName == "gguf" }),
              checkpoint.tensor(named: LlamaCppTensorNames.tokenEmbedding) != nil,
              checkpoint.tensor(named: LlamaCppTensorNames.output) == nil else { return nil }
        return ConventionTie(tensor: LlamaCppTensorNames.tokenEmbedding, absent: LlamaCppTensorNames.output,
                             detail: "The GGUF file has no output.weight, so llama.cpp uses token_embd.weight as the output projection (tied by the format's convention).")
    }
}
