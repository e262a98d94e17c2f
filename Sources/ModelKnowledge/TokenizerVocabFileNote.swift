/// Which file transformers' tokenizer reads the vocabulary from, by class and by model type
/// (`TokenizerVocabFiles.swift`, generated from transformers), for one question: is vocab.txt
/// what transformers would read?
///
/// Why: a folder with vocab.txt and no tokenizer.json has its rows named from vocab.txt, as a
/// BERT WordPiece vocabulary reads; for `model_type` "albert" AutoTokenizer builds
/// AlbertTokenizer, which reads spiece.model, so the names come from a file transformers does
/// not use, and nothing said so (helper-149, 2026-12-06, on rxnmapper's ALBERT).
public enum TokenizerVocabFiles {
    /// A note when the tokenizer class transformers builds — `tokenizerClass` from
    /// tokenizer_config.json, else the class of config.json's `modelType` — reads its
    /// vocabulary from another file than vocab.txt; nil when it reads vocab.txt, or the class
    /// is not in the table (nothing is claimed then).
    public static func vocabTextNote(tokenizerClass: String?, modelType: String?, vocabText: String) -> String? {
        let chosen: (name: String, by: String)?
        if let tokenizerClass {
            chosen = (tokenizerClass, "named by tokenizer_config.json's tokenizer_class")
        } else if let modelType, let name = classByModelType[modelType] {
            chosen = (name, "for config.json's model_type \(quoted(modelType))")
        } else {
            chosen = nil
        }
        guard let chosen, let file = vocabFileByClass[chosen.name], file != "vocab.txt" else { return nil }
        return "\(vocabText): rows are named from this vocab.txt, but transformers' AutoTokenizer builds \(chosen.name) (\(chosen.by)), "
            + "which reads its vocabulary from \(file), not vocab.txt: the names are vocab.txt's, which that tokenizer does not use"
    }
}
