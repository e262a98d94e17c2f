/// Which file transformers' tokenizer reads the vocabulary from, by class and by model type
/// (`TokenizerVocabFiles.swift`, generated from transformers), for one question: is vocab.txt
/// what transformers would read?
///
/// Why: a folder with vocab.txt and no tokenizer.json has its rows named from vocab.txt, as a
/// BERT WordPiece vocabulary reads; for `model_type` "albert" AutoTokenizer builds
/// AlbertTokenizer, which reads spiece.model, so the names come from a file transformers does
/// not use, and nothing said so (helper-149, 2026-12-06, on rxnmapper's ALBERT).
public enum TokenizerVocabFiles {
    /// A note when the tokenizer class transformers builds (`builtClass`, `AutoTokenizerClass`:
    /// tokenizer_config.json's tokenizer_class, else config.json's, else the class of its
    /// `model_type`, with the overrides config.json's `model_type` makes) reads its vocabulary
    /// from another file than vocab.txt; nil when it reads vocab.txt, or the class is not in the
    /// table (nothing is claimed then). Nor for TokenizersBackend, which an unknown class becomes
    /// on the override path: it reads tokenizer.json, and from vocab.txt alone transformers 5.25
    /// builds nothing ("Couldn't instantiate the backend tokenizer"), which is no file to name.
    public static func vocabTextNote(builtClass: AutoTokenizerClass?, vocabText: String) -> String? {
        guard let builtClass, builtClass.name != AutoTokenizerClass.backend, let file = builtClass.entry(in: vocabFileByClass), file != "vocab.txt" else { return nil }
        return "\(vocabText): rows are named from this vocab.txt, but transformers' AutoTokenizer builds \(builtClass.name) (\(builtClass.reason)), "
            + "which reads its vocabulary from \(file), not vocab.txt: the names are vocab.txt's, which that tokenizer does not use"
    }
}
