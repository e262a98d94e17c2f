/// What transformers' model classes are, by the name config.json's `architectures` gives.
public struct ArchitectureFact: Sendable, Equatable {
    /// The model type whose modeling module defines the class.
    public var modelType: String
    /// Whether the class has an output projection (`get_output_embeddings()` is not None):
    /// an LM head that `tie_word_embeddings` would tie to the input embedding.
    public var hasOutputProjection: Bool
    /// Whether transformers never ties that output projection to the input embedding: built
    /// with `tie_word_embeddings` true it stays a weight of its own, and no key of the class's
    /// `_tied_weights_keys` names it (BigBirdPegasusForCausalLM, xLSTMForCausalLM,
    /// LukeForMaskedLM). An equal stored copy is then two parameters, not a tie.
    public var neverTies: Bool

    public init(modelType: String, hasOutputProjection: Bool, neverTies: Bool = false) {
        self.modelType = modelType
        self.hasOutputProjection = hasOutputProjection
        self.neverTies = neverTies
    }
}

/// The model classes transformers registers, read from transformers
/// (`TestData/knowledge/generate_architectures.py`, which writes `generatedRows`): the classes of
/// every model type, not only those of `ModelTypeFacts` (an `XGLMModel` or `MvpModel`
/// checkpoint has no output projection whatever its model type's default says; review,
/// 2026-12-05).
///
/// Why: `tie_word_embeddings` and its model-type default speak of the classes with an LM head.
/// A checkpoint saved from a class without one (`BertModel`, a sequence classifier) has no
/// output projection to tie: all-MiniLM-L6-v2's config says `"architectures": ["BertModel"]`,
/// and its embedding was called tied by BertConfig's default.
public enum ArchitectureFacts {
    /// The transformers version the table was read from.
    public static let transformersVersion = ModelTypeFacts.transformersVersion

    public static func fact(for className: String) -> ArchitectureFact? { generatedTable[className] }

    /// The classes of `modelType` with an output projection, by name, sorted.
    public static func outputClasses(of modelType: String) -> [(name: String, fact: ArchitectureFact)] {
        (outputClassesByType[modelType] ?? []).map { ($0, generatedTable[$0] ?? ArchitectureFact(modelType: modelType, hasOutputProjection: true)) }
    }

    /// Names of the classes with an output projection, by model type, built once on first use.
    static let outputClassesByType: [String: [String]] = {
        var byType: [String: [String]] = [:]
        for (name, fact) in generatedTable where fact.hasOutputProjection { byType[fact.modelType, default: []].append(name) }
        return byType.mapValues { $0.sorted() }
    }()

    /// `generatedRows` as a dictionary, parsed once on first use.
    static let generatedTable: [String: ArchitectureFact] = {
        var table: [String: ArchitectureFact] = [:]
        for line in generatedRows.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { continue }
            table[String(fields[0])] = ArchitectureFact(modelType: String(fields[1]), hasOutputProjection: fields[2] != "0",
                                                        neverTies: fields[2] == "2")
        }
        return table
    }()
}
