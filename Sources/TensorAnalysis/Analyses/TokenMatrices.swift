import CheckpointIO
import TensorScan

/// The matrices whose rows are tokens: input embeddings and output projections, found by name
/// and config.json shape (`PaddingAnalysis.matrices`), or the tensors the user named
/// (`--tensor`, the policy's `tensor`). Row rules that only make sense per token
/// (`outlier-rows`, `untrained-tokens`) run on these alone.
struct TokenMatrices: Sendable {
    let matrices: [(TensorView, PaddingAnalysis.Role)]
    let roles: [String: PaddingAnalysis.Role]
    /// A model2vec matrix whose rows tokens share through `mapping`: its rows are not token ids.
    let mappedMatrix: String?

    init(_ checkpoint: Checkpoint, requested: [String]) throws(CheckpointError) {
        if requested.isEmpty {
            matrices = PaddingAnalysis.matrices(checkpoint)
        } else {
            var chosen: [(TensorView, PaddingAnalysis.Role)] = []
            // A name given twice (`--tensor X --tensor X`) is one matrix: it was analysed twice,
            // and its findings counted twice against a policy. Compared as bytes: canonically
            // equivalent spellings (é precomposed or with a combining accent) are two tensors.
            var seen = Set<[UInt8]>()
            for name in requested where seen.insert(Array(name.utf8)).inserted {
                guard let view = checkpoint.tensor(named: name) else { throw .tensorNotFound(path: checkpoint.path, name: name) }
                chosen.append((view, .requested))
            }
            matrices = chosen
        }
        roles = Dictionary(matrices.map { ($0.0.name, $0.1) }, uniquingKeysWith: { first, _ in first })
        mappedMatrix = PaddingAnalysis.staticLayout(checkpoint).flatMap { $0.mapping == nil ? nil : $0.embeddings }
    }

    /// Whether row i of `name` is token i (false for a model2vec matrix with a mapping).
    func rowsAreTokenIDs(_ name: String) -> Bool { name != mappedMatrix }

    func contains(_ name: String) -> Bool { roles[name] != nil }

    /// An input embedding: found as one, or named by the user and not an output projection by name.
    func isInputEmbedding(_ name: String) -> Bool {
        switch roles[name] {
        case .embedding?: true
        case .requested?: !TensorNames.isOutputProjection(name)
        default: false
        }
    }
}
