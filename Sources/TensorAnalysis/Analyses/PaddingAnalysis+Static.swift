import CheckpointIO
import TensorScan
import ModelKnowledge

extension PaddingAnalysis {
    /// The static embedding layout of `checkpoint` (sentence-transformers `embedding.weight`,
    /// model2vec `embeddings`/`mapping`/`weights`), or nil.
    ///
    /// Not for part of a checkpoint (one shard by its name, an index missing shards) nor under a
    /// config.json of a transformers model type: the first shard of a Llama holding only
    /// `embedding.weight`, beside a Llama config, was called a static embedding model whose
    /// tying "does not apply" (hunt-59c P7). model2vec's own config states model_type
    /// `model2vec`, which transformers does not register.
    static func staticLayout(_ checkpoint: Checkpoint) -> StaticEmbeddingLayout? {
        // Both layouts hold at most three tensors; a table of thousands is not one, and copying
        // it into names and shapes first took 10 MB for 50,000 tensors.
        guard checkpoint.tensors.count <= 3 else { return nil }
        guard let layout = StaticEmbeddingLayout.detect(checkpoint.tensors.map({
            TensorShape(name: $0.name, shape: $0.shape.map { Int(clamping: $0) }, dtype: $0.elementType.rawValue)
        })), checkpoint.partialDescription == nil else { return nil }
        if let type = checkpoint.config.flatMap({ ModelConfigFacts($0).modelType }),
           ModelTypeFacts.fact(for: type) != nil || ArchitectureFacts.hasClasses(ofModelType: type) { return nil }
        return layout
    }

    /// Where token `id` lives in a static layout's matrix, and the token's weight.
    struct StaticRow: Sendable, Equatable {
        var row: Int?
        var weight: Double?
        /// Why `row` is nil.
        var problem: String?
        /// How many other tokens the mapping sends to `row` (model2vec's vocabulary
        /// quantisation shares one row among many tokens); 0 without a mapping.
        var otherTokens = 0
    }

    /// Reads `mapping[id]` and `weights[id]` of a model2vec layout (a [vocab] integer and a
    /// [vocab] float vector: small, read whole). A mapped row outside the matrix, or a mapping
    /// value that is not an integer, is a problem, not a guess.
    ///
    /// `isToken` says which ids the tokenizer has, when one was read: a mapping entry past them
    /// is no token, so it shares nothing (hunt-52a D7: 4 entries past a 10-token vocabulary made
    /// a lone pad row "theirs too", info where nothing accounts for it).
    static func staticRow(of id: Int, in layout: StaticEmbeddingLayout, checkpoint: Checkpoint,
                          isToken: ((Int) -> Bool)? = nil) -> StaticRow {
        guard id >= 0, id < layout.tokenCount else {
            return StaticRow(row: nil, weight: nil, problem: "pad id \(id) is outside the \(layout.tokenCount) tokens the layout addresses")
        }
        var weight: Double?
        if let name = layout.weights, let view = checkpoint.tensor(named: name), id < view.elementCount {
            weight = view.value(at: id)
        }
        guard let mappingName = layout.mapping else { return StaticRow(row: id, weight: weight, problem: nil) }
        guard let view = checkpoint.tensor(named: mappingName), id < view.elementCount else {
            return StaticRow(row: nil, weight: weight, problem: "\(mappingName) has no entry \(id)")
        }
        // As an exact integer: through a Double, I64 -2 read "-2.0" and U64 2^63 + 3
        // "9.223372036854776e+18" (adversarial test).
        let exact = view.exactInteger(at: id)
        let row: Int? = if case .nonNegative(let x)? = exact { Int(exactly: x) } else { nil }
        guard let row, row < layout.rows else {
            let stated = exact.map(\.description) ?? "\(view.value(at: id))"
            return StaticRow(row: nil, weight: weight,
                             problem: "\(mappingName)[\(id)] is \(stated), not a row of \(layout.embeddings) (0..<\(layout.rows))")
        }
        // Every other token the mapping sends to the same row: the row is theirs too, and
        // trains as them. Why: a quantised model2vec vocabulary maps 34 tokens to the pad token's
        // k-means centroid, which the warning said "nothing in the file accounts for"
        // (helper-149, 2026-12-06). One pass over a [vocab] vector, as exact integers.
        var others = 0
        for k in 0..<min(view.elementCount, layout.tokenCount) where k != id && isToken?(k) != false {
            if case .nonNegative(let x)? = view.exactInteger(at: k), x == UInt64(row) { others += 1 }
        }
        return StaticRow(row: row, weight: weight, problem: nil, otherTokens: others)
    }

    /// A static model has nothing to tie to: no output projection, so tying does not apply.
    static func staticTying(_ layout: StaticEmbeddingLayout) -> TyingJudgement {
        var judgement = TyingJudgement(tied: nil, evidence: .none,
                                       detail: "A static embedding model (\(layout.kind.rawValue)) has no output projection: tying does not apply.",
                                       outputProjectionPresent: false)
        judgement.notApplicable = true
        return judgement
    }
}
