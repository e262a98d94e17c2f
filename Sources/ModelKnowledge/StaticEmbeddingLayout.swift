/// A tensor's name, shape and safetensors dtype name (`F32`, `I64`, …): all a layout needs.
public struct TensorShape: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var dtype: String

    public init(name: String, shape: [Int], dtype: String) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
    }

    var isInteger: Bool { ["I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64"].contains(dtype) }
    /// Values a matrix of embeddings can hold: no integer (but model2vec's I8) and no booleans.
    var holdsEmbeddingValues: Bool { dtype == "I8" || !(isInteger || dtype == "BOOL") }
}

/// A static embedding model: a token matrix and nothing to run on top of it, so it has no
/// output projection and tying does not apply.
///
/// Two layouts are recognised, each only when the checkpoint holds nothing else (a transformer
/// with an `embeddings` tensor is not a static model):
/// - sentence-transformers `StaticEmbedding`: one `embedding.weight` [vocab, dim];
/// - model2vec: `embeddings` [rows, dim] (floating point, or I8 from model2vec's int8
///   quantisation), optionally `mapping` [vocab] (integer token id → row,
///   when the vocabulary was quantised so tokens share rows) and `weights` [vocab] (a per-token
///   scale applied to the row).
public struct StaticEmbeddingLayout: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case sentenceTransformers = "sentence-transformers-static"
        case model2vec
    }

    public var kind: Kind
    /// The token matrix.
    public var embeddings: String
    public var rows: Int
    public var dimension: Int
    /// model2vec `mapping`: token id → row of `embeddings`.
    public var mapping: String?
    /// model2vec `weights`: per-token scale.
    public var weights: String?
    /// Tokens the layout addresses: the mapping's length, else the row count.
    public var tokenCount: Int

    /// The layout of `tensors`, or nil when they are not a static embedding model.
    public static func detect(_ tensors: [TensorShape]) -> StaticEmbeddingLayout? {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard byName.count == tensors.count else { return nil }
        if tensors.count == 1, let only = byName["embedding.weight"], only.shape.count == 2, !only.isInteger, only.dtype != "BOOL" {
            return StaticEmbeddingLayout(kind: .sentenceTransformers, embeddings: only.name, rows: only.shape[0],
                                         dimension: only.shape[1], mapping: nil, weights: nil, tokenCount: only.shape[0])
        }
        // model2vec's int8 quantisation (`quantize_to="int8"`: one global scale, values rounded
        // to [-127, 127], no scale kept) stores `embeddings` as I8, and its encoder uses those
        // values as the embedding (cast to float32): a shipped int8 model was "no embedding
        // matrix found", its pad row unchecked (reader's review, 2026-12-05). No other integer
        // type is a model2vec dtype.
        guard let matrix = byName["embeddings"], matrix.shape.count == 2, matrix.holdsEmbeddingValues,
              Set(byName.keys).isSubset(of: ["embeddings", "mapping", "weights"]) else { return nil }
        let mapping = byName["mapping"], weights = byName["weights"]
        if let mapping, mapping.shape.count != 1 || !mapping.isInteger { return nil }
        if let weights, weights.shape.count != 1 || weights.isInteger { return nil }
        let tokenCount = mapping?.shape[0] ?? matrix.shape[0]
        if let weights, weights.shape[0] != tokenCount { return nil }
        return StaticEmbeddingLayout(kind: .model2vec, embeddings: matrix.name, rows: matrix.shape[0],
                                     dimension: matrix.shape[1], mapping: mapping?.name, weights: weights?.name,
                                     tokenCount: tokenCount)
    }

    /// The stored row token `id` uses: `mapping[id]` when there is a mapping (read by the
    /// caller), else `id`. nil when `id` or the mapped row is out of range.
    public func row(forToken id: Int, mappingValues: [Int]?) -> Int? {
        guard id >= 0, id < tokenCount else { return nil }
        guard mapping != nil else { return id }
        guard let values = mappingValues, values.count == tokenCount else { return nil }
        let row = values[id]
        return row >= 0 && row < rows ? row : nil
    }
}

/// Rows of a token matrix that no token of the tokenizer addresses: `[vocabularySize, rows)`
/// when the matrix is larger (vocabularies padded to a multiple of 64 or 128 for speed). Such
/// rows never receive an input gradient. nil when the matrix has no extra rows.
public func rowsBeyondVocabulary(rows: Int, vocabularySize: Int) -> Range<Int>? {
    guard vocabularySize >= 0, rows > vocabularySize else { return nil }
    return vocabularySize..<rows
}

/// Token ids of the tokenizer that no row of a token matrix holds: `[rows, vocabularySize)`
/// when the tokenizer is larger (tokens added without resizing the embedding, or a tokenizer
/// of another model). An input holding such an id indexes past the matrix. nil otherwise.
public func tokensBeyondRows(rows: Int, vocabularySize: Int) -> Range<Int>? {
    guard rows >= 0, vocabularySize > rows else { return nil }
    return rows..<vocabularySize
}
