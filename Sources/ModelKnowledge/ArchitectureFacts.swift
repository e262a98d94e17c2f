/// What transformers' model classes are, by the name config.json's `architectures` gives.
public struct ArchitectureFact: Sendable, Equatable {
    /// The model type whose modeling module defines the class.
    public var modelType: String
    /// Whether the class has an output projection (`get_output_embeddings()` is not None):
    /// an LM head that `tie_word_embeddings` would tie to the input embedding.
    public var hasOutputProjection: Bool

    public init(modelType: String, hasOutputProjection: Bool) {
        self.modelType = modelType
        self.hasOutputProjection = hasOutputProjection
    }
}

/// The model classes of the model types in `ModelTypeFacts`, read from transformers
/// (`TestData/knowledge/generate_architectures.py`, which writes `generatedTable`).
///
/// Why: `tie_word_embeddings` and its model-type default speak of the classes with an LM head.
/// A checkpoint saved from a class without one (`BertModel`, a sequence classifier) has no
/// output projection to tie: all-MiniLM-L6-v2's config says `"architectures": ["BertModel"]`,
/// and its embedding was called tied by BertConfig's default.
public enum ArchitectureFacts {
    /// The transformers version the table was read from.
    public static let transformersVersion = ModelTypeFacts.transformersVersion

    public static func fact(for className: String) -> ArchitectureFact? { generatedTable[className] }
}
