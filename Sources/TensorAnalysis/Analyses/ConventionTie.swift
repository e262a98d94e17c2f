import StrictJSON
import CheckpointIO
import GGUFFormat

/// A tie a file format makes by convention, with no second copy the bytes could show: a GGUF
/// file of an architecture whose llama.cpp loader takes `token_embd.weight` as the output
/// projection when the file has no `output.weight` (or always does). `padding` grades it as
/// tying evidence `format-convention`; `ties` lists it beside the byte-identical groups, so a
/// user asking "are my embeddings tied?" gets the same answer from both (on the real Gemma 3
/// 270M GGUF, `ties` said only "no two tensors hold identical bytes").
///
/// The rule is llama.cpp's per architecture (`LlamaCppArchitectures`): an encoder such as
/// `bert` has no output projection at all, so its missing `output.weight` ties nothing.
public struct ConventionTie: Sendable, Equatable {
    /// The tensor that also serves as the missing one.
    public var tensor: String
    /// The tensor the file leaves out.
    public var absent: String
    /// One sentence naming the convention.
    public var detail: String

    /// llama.cpp's rule, when the checkpoint is GGUF, holds the embedding but no output, and
    /// states an architecture whose loader uses the embedding in the output's place.
    /// The ties `ties` lists: llama.cpp's, unless the file may be one split of several, whose
    /// other splits may hold `output.weight` (`Checkpoint.partialDescription`).
    public static func listed(in checkpoint: Checkpoint) -> [ConventionTie] {
        guard checkpoint.partialDescription == nil, let tie = llamaCpp(in: checkpoint) else { return [] }
        return [tie]
    }

    public static func llamaCpp(in checkpoint: Checkpoint) -> ConventionTie? {
        guard let file = embeddingFile(in: checkpoint), LlamaCppArchitectures.embeddingIsOutput(in: file) == true,
              let architecture = LlamaCppArchitectures.architecture(of: file) else { return nil }
        return ConventionTie(tensor: LlamaCppTensorNames.tokenEmbedding, absent: LlamaCppTensorNames.output,
                             detail: "The GGUF file has no output.weight, so llama.cpp uses token_embd.weight as the output projection for architecture \(quoted(architecture)) (tied by the format's convention).")
    }

    /// The sentence for a GGUF file of an architecture whose llama.cpp loader always takes
    /// `token_embd.weight` as the output projection (`gemma`, `gemma2`, …) that holds an
    /// `output.weight` anyway: the loader never reads it (and llama.cpp refuses the file, a
    /// `gguf-problem`), so the tie is the format's, whatever that tensor's bytes. nil otherwise.
    /// Why: `padding` said "not tied (evidence: identical-bytes)" beside the gguf-problem saying
    /// the loader uses token_embd.weight (adversarial review, 2026-12-05).
    public static func llamaCppUnreadOutput(in checkpoint: Checkpoint) -> String? {
        guard let file = embeddingFile(in: checkpoint), file.tensor(named: LlamaCppTensorNames.output) != nil,
              let architecture = LlamaCppArchitectures.architecture(of: file),
              LlamaCppArchitectures.outputRule(for: architecture) == .alwaysEmbedding else { return nil }
        return "llama.cpp's loader for architecture \(quoted(architecture)) always uses token_embd.weight as the output projection "
            + "and never reads the file's output.weight (llama.cpp refuses a file holding it): tied by the format's convention."
    }

    /// Why a GGUF file's missing `output.weight` ties nothing, when it does not: the sentence
    /// `padding` adds to an undecided tying answer. Nil when the convention applies, the file
    /// has an output or is not GGUF.
    public static func llamaCppAbsence(in checkpoint: Checkpoint) -> String? {
        guard let file = fileWithoutOutput(in: checkpoint) else { return nil }
        guard let architecture = LlamaCppArchitectures.architecture(of: file) else {
            return "The GGUF file states no general.architecture, so llama.cpp's rule for a missing output.weight cannot be looked up."
        }
        let name = quoted(architecture)
        guard let rule = LlamaCppArchitectures.outputRule(for: architecture) else {
            return "Architecture \(name) is not in the table of \(LlamaCppArchitectures.source), so what its missing output.weight means is unknown."
        }
        switch rule {
        case .noOutputProjection:
            return "Architecture \(name) has no output projection in llama.cpp (an encoder, or a graph that makes no logits), so the file ties nothing."
        case .required:
            return "Architecture \(name) requires output.weight in llama.cpp, which refuses this file; it ties nothing."
        case .optional:
            return "Architecture \(name) reads output.weight if present and has no fallback to token_embd.weight; the file ties nothing."
        case .embeddingWhenAbsent, .alwaysEmbedding:
            return nil
        }
    }

    /// The architecture of a GGUF file that holds `token_embd.weight`, no `output.weight`, and
    /// states an architecture with no output projection in llama.cpp (an encoder, or a graph
    /// that makes no logits).
    public static func llamaCppEncoder(in checkpoint: Checkpoint) -> String? {
        guard let file = fileWithoutOutput(in: checkpoint), let architecture = LlamaCppArchitectures.architecture(of: file),
              LlamaCppArchitectures.outputRule(for: architecture) == .noOutputProjection else { return nil }
        return architecture
    }

    /// The GGUF file holding `token_embd.weight` and no `output.weight`.
    private static func fileWithoutOutput(in checkpoint: Checkpoint) -> GGUFFile? {
        guard let file = embeddingFile(in: checkpoint), file.tensor(named: LlamaCppTensorNames.output) == nil else { return nil }
        return file
    }

    /// The GGUF model (`Checkpoint.ggufModel`: every part of a split one) when it holds
    /// `token_embd.weight`.
    private static func embeddingFile(in checkpoint: Checkpoint) -> GGUFFile? {
        guard let model = checkpoint.ggufModel, model.tensor(named: LlamaCppTensorNames.tokenEmbedding) != nil else { return nil }
        return model
    }
}
