import CheckpointIO
import StrictJSON
import ModelKnowledge

/// An input embedding tied to an output projection the checkpoint does not store, by what
/// config.json states (`tie_word_embeddings: true`) or its model type's transformers default:
/// `save_pretrained` writes a tied weight once, so a RoBERTa masked-LM folder holds
/// `roberta.embeddings.word_embeddings.weight` and no `lm_head.decoder.weight`, and the bytes
/// have no second copy to show. `ties` lists it beside the byte-identical groups and llama.cpp's
/// convention (`ConventionTie`), so "are my embeddings tied?" gets `padding`'s answer from both:
/// `ties` said only "no two tensors hold identical bytes" where `padding` said "tied (evidence:
/// config)" (noticed 2026-12-05, fixed 2026-12-05).
///
/// The judgement is `padding`'s own (`PaddingAnalysis.tying`), so the two commands cannot
/// disagree; only a tie with no stored output projection (`outputProjectionPresent` false) and
/// `config` or `model-type-default` evidence is listed: a stored copy is a group already, a
/// metadata alias is listed as one, and a GGUF file's tie is `ConventionTie`'s.
public struct ConfigTie: Sendable, Equatable {
    /// The stored input embedding.
    public var tensor: String
    /// `padding`'s judgement of it: tied, with its evidence and the sentence saying why.
    public var tying: TyingJudgement

    /// Every input embedding of `checkpoint` so tied, in file order. `report` is the tie
    /// analysis of the same checkpoint: its groups are each matrix's byte-identical copies.
    public static func unstoredOutputs(in checkpoint: Checkpoint, report: TieAnalysis.Report) -> [ConfigTie] {
        let config = checkpoint.config.map(ModelConfigFacts.init)
        // A static embedding model has no output projection to tie (`staticTying`).
        // A GGUF file's tie is llama.cpp's, whatever a config.json beside it says
        // (`ConventionTie`): a gptneox file beside a Llama config was listed here (adversarial
        // review, 2026-12-05).
        guard config != nil, PaddingAnalysis.staticLayout(checkpoint) == nil,
              !checkpoint.files.contains(where: { $0.formatName == "gguf" }) else { return [] }
        let aliases = TensorNames.aliases(in: checkpoint)
        let copies = report.copies
        return PaddingAnalysis.matrices(checkpoint).compactMap { view, role -> ConfigTie? in
            guard role == .embedding else { return nil }
            let tiedWith = PaddingAnalysis.tiedWith(view, checkpoint: checkpoint, aliases: aliases, copies: copies[view.name] ?? [])
            // Moments are asked for only when a stored counterpart of another type is compared,
            // and such a matrix is present, so never listed: no rows are read for them.
            let tying = PaddingAnalysis.tying(for: view, role: role, tiedWith: tiedWith, checkpoint: checkpoint,
                                              aliases: aliases, config: config, moments: { _ in nil })
            guard tying.tied == true, !tying.outputProjectionPresent, [.config, .modelTypeDefault].contains(tying.evidence) else { return nil }
            return ConfigTie(tensor: view.name, tying: tying)
        }
    }
}
