/// Where a transformers class with an LM head stores its input embedding, for the classes that
/// hold their base model under `base_model_prefix` (read from transformers' class attributes by
/// `TestData/knowledge/generate_head_embedding_names.py`, which writes `generatedRows`).
///
/// Why: config.json's `architectures` travels with a config when a checkpoint is re-saved, so it
/// can name a head class the file was not saved from. all-mpnet-base-v2's config names
/// MPNetForMaskedLM (inherited from microsoft/mpnet-base) while its tensors are MPNetModel's:
/// the embedding as `embeddings.word_embeddings.weight`, not MPNetForMaskedLM's
/// `mpnet.embeddings.word_embeddings.weight`, nothing under `mpnet.`, a pooler, none of the LM
/// head's own tensors. It was called "tied … transformers saves a tied weight once" (review of
/// 2026-12-07); the names show a headless model.
public enum HeadEmbeddingNames {
    public struct Fact: Sendable, Equatable {
        /// The head class's `base_model_prefix` (`mpnet`), under which it holds its base model.
        public var basePrefix: String
        /// The base model's class (`MPNetModel`: transformers' AutoModel for the config class).
        public var baseClass: String
        /// The head class's name for the input embedding its output layer is tied to.
        public var embedding: String
        /// The LM head's module, the parent of the output layer (`lm_head`, `cls.predictions`):
        /// a file saved from the head class holds tensors under it; one saved from the base model
        /// none (legacy names such as `cls.predictions.transform.LayerNorm.gamma` included).
        public var head: String
        /// One of the LM head's own parameters (tied to nothing: `lm_head.dense.weight`), for
        /// messages. Classes whose output layer sits at the top, with no head module of its own,
        /// are not in the table: GPT2LMHeadModel saved without its prefix looks like GPT2Model
        /// (the real gpt2 checkpoint stores `wte.weight` at the top), and GPT2DoubleHeadsModel's
        /// other head says nothing of the LM head (hunt-59c P3).
        public var headTensor: String
        /// The first name components of the base model's parameters and buffers (`embeddings`,
        /// `encoder`, `pooler`): a file saved from the base model holds nothing else, so a tensor
        /// under any other (DeBERTa-v2's `lm_predictions` head when `legacy` is false, another
        /// head such as `cls.seq_relationship`) keeps the rule from firing (hunt-59e P1, P5).
        public var baseRoots: [String]

        /// The base model's own name for that embedding (`embeddings.word_embeddings.weight`).
        public var baseEmbedding: String { String(embedding.dropFirst(basePrefix.count + 1)) }
    }

    /// The fact of head class `className`, or nil when the table does not list it (no LM head,
    /// an embedding at the top of the class such as T5's `shared`, or a class transformers
    /// does not register).
    public static func fact(for className: String) -> Fact? {
        let key = Array(className.utf8)
        return rows.first { $0.name.elementsEqual(key) }.flatMap { fact($0.fields) }
    }

    /// Every listed class with its fact (for tests).
    public static var all: [(name: String, fact: Fact)] {
        rows.compactMap { row in fact(row.fields).map { (String(decoding: row.name, as: UTF8.self), $0) } }
    }

    /// `generatedRows`' lines split into fields (name first); a line of another shape is none.
    private static var rows: [(name: Substring.UTF8View.SubSequence, fields: [Substring.UTF8View.SubSequence])] {
        generatedRows.utf8.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            return fields.count == 7 ? (fields[0], fields) : nil
        }
    }

    private static func fact(_ fields: [Substring.UTF8View.SubSequence]) -> Fact? {
        func text(_ k: Int) -> String { String(decoding: fields[k], as: UTF8.self) }
        return Fact(basePrefix: text(1), baseClass: text(2), embedding: text(3), head: text(4), headTensor: text(5),
                    baseRoots: fields[6].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) })
    }
}
