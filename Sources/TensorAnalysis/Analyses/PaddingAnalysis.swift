import SafetensorsFormat
import CheckpointIO
import TensorScan

/// The padding-row audit: does the embedding row of the padding token hold zeros, and if not,
/// is there a reason (the matrix is shared with the output projection, whose softmax gradient
/// reaches every row)?
public enum PaddingAnalysis {
    /// Where the pad id came from.
    public enum PadIDSource: String, Sendable {
        case option = "--pad-id"
        case config = "config.json"
        /// No `pad_token_id` key anywhere: 0 was assumed.
        case assumed
    }

    /// The role a matrix plays, as its name (or shape) says.
    public enum Role: String, Sendable {
        case embedding
        case outputProjection = "output-projection"
        /// Chosen with `--tensor`.
        case requested
    }

    public struct Result: Sendable {
        public var tensor: String
        public var role: Role
        public var padID: Int
        public var padIDSource: PadIDSource
        public var rows: Int
        /// Statistics of the pad row.
        public var padRow: RowMoments
        /// 1 = smallest norm; ties rank by row index. `nil` when the pad row's norm is NaN.
        public var rank: Int?
        /// Distribution of the finite row norms of the matrix.
        public var norms: Distribution?
        /// Tensors with the same dtype, shape and bytes, plus metadata aliases of this one.
        public var tiedWith: [String]
        /// `config.json` declares input and output embeddings tied.
        public var configDeclaresTied: Bool?
        public var explanation: String

        public var rowNorm: Double { padRow.l2Norm }
        /// Zero by value (−0.0 counts as zero).
        public var isZero: Bool { padRow.allValuesZero }
        public var isZeroBits: Bool { padRow.allBitsZero }
    }

    public struct Report: Sendable {
        public var results: [Result]
        /// Things a reader must know: an assumed pad id, no padding token, skipped tensors.
        public var notes: [String]
    }

    /// Analyses the embedding matrices (or `tensors`, when given) of `checkpoint`.
    /// `rowMoments` (by tensor name, each `rowMoments()`'s value) spares re-reading matrices
    /// another pass already reduced; missing ones are read here.
    public static func analyze(_ checkpoint: Checkpoint, padID option: Int? = nil, tensors requested: [String] = [],
                               rowMoments known: [String: [RowMoments]] = [:]) throws(CheckpointError) -> Report {
        try analyze(checkpoint, padID: option, tensors: requested, rowMoments: known, matrices: nil)
    }

    /// `analyze` with the name- and config-matched `matrices(checkpoint)` already found (the
    /// audit finds them once, before its scan, to keep their row moments).
    static func analyze(_ checkpoint: Checkpoint, padID option: Int?, tensors requested: [String],
                        rowMoments known: [String: [RowMoments]],
                        matrices found: [(TensorView, Role)]?) throws(CheckpointError) -> Report {
        var notes: [String] = []
        let padID: Int
        let source: PadIDSource
        if let option {
            padID = option
            source = .option
        } else {
            switch checkpoint.config?.padToken ?? .absent {
            case .id(let id):
                padID = id
                source = .config
            case .none:
                notes.append("config.json sets pad_token_id to null: the model has no padding token; nothing to analyse (use --pad-id to choose a row)")
                return Report(results: [], notes: notes)
            case .invalid(let text):
                notes.append("config.json sets pad_token_id to \(text), which is not a token id (a non-negative JSON integer): "
                    + "it is not used and nothing is analysed (use --pad-id to choose a row)")
                return Report(results: [], notes: notes)
            case .absent:
                padID = 0
                source = .assumed
                notes.append(checkpoint.config == nil
                             ? "no config.json beside the checkpoint: assumed pad id 0 (use --pad-id)"
                             : "config.json has no pad_token_id: assumed pad id 0 (use --pad-id)")
            }
        }
        var candidates: [(TensorView, Role)] = []
        if requested.isEmpty {
            candidates = found ?? matrices(checkpoint)
            if candidates.isEmpty { notes.append("no embedding matrix found by name or by config.json shape (use --tensor)") }
        } else {
            for name in requested {
                guard let view = checkpoint.tensor(named: name) else {
                    throw .tensorNotFound(path: checkpoint.path, name: name)
                }
                candidates.append((view, .requested))
            }
        }
        let aliases = TensorNames.aliases(in: checkpoint)
        var results: [Result] = []
        for (view, role) in candidates {
            guard view.shape.count == 2 else {
                notes.append("\(view.name) is not a matrix (shape \(view.shape)): skipped")
                continue
            }
            guard padID >= 0 && padID < view.rowCount else {
                notes.append("\(view.name) has \(view.rowCount) rows: pad id \(padID) is out of range (0..<\(view.rowCount)), skipped")
                continue
            }
            guard let moments = known[view.name] ?? view.rowMoments() else {
                notes.append("\(view.name): \(view.statisticsUnavailableReason ?? "no statistics"), skipped")
                continue
            }
            results.append(result(view, role: role, moments: moments, padID: padID, source: source,
                                  checkpoint: checkpoint, aliases: aliases))
        }
        return Report(results: results, notes: notes)
    }

    /// Names of the matrices `analyze` reads without `tensors`: their row moments are what a
    /// caller may pass in.
    public static func candidateNames(_ checkpoint: Checkpoint) -> Set<String> {
        Set(matrices(checkpoint).map { $0.0.name })
    }

    /// Embedding matrices by name, 2-D tensors of shape [vocab_size, hidden_size] by config,
    /// and output projections by name, each once, in file order.
    static func matrices(_ checkpoint: Checkpoint) -> [(TensorView, Role)] {
        let config = checkpoint.config
        return checkpoint.tensors.compactMap { view -> (TensorView, Role)? in
            guard view.shape.count == 2 else { return nil }
            if TensorNames.isOutputProjection(view.name) { return (view, .outputProjection) }
            if TensorNames.isEmbedding(view.name) { return (view, .embedding) }
            if let vocab = config?.vocabSize.flatMap(UInt64.init(exactly:)),
               let hidden = config?.hiddenSize.flatMap(UInt64.init(exactly:)), view.shape == [vocab, hidden] {
                return (view, .embedding)
            }
            return nil
        }
    }

    static func result(_ view: TensorView, role: Role, moments: [RowMoments], padID: Int, source: PadIDSource,
                       checkpoint: Checkpoint, aliases: [String: String]) -> Result {
        let norms = moments.map(\.l2Norm)
        let padNorm = norms[padID]
        var rank: Int?
        if !padNorm.isNaN {
            var smaller = 0
            for (i, n) in norms.enumerated() where n < padNorm || (n == padNorm && i < padID) { smaller += 1 }
            rank = smaller + 1
        }
        let finite = norms.indices.filter { norms[$0].isFinite }
        let distribution = Distribution(values: finite.map { norms[$0] }, positions: finite)
        // Same dtype, shape and bytes: candidates are only tensors of the same shape.
        var tied = checkpoint.tensors.filter {
            $0.name != view.name && $0.elementType == view.elementType && $0.shape == view.shape && $0.hasSameBytes(as: view)
        }.map(\.name)
        tied += aliases.filter { $0.value == view.name || $0.key == view.name }.map { $0.key == view.name ? $0.value : $0.key }
        tied = Array(Set(tied)).sorted()
        let declared = checkpoint.config.map(\.embeddingsTied)
        var result = Result(tensor: view.name, role: role, padID: padID, padIDSource: source, rows: view.rowCount,
                            padRow: moments[padID], rank: rank, norms: distribution, tiedWith: tied,
                            configDeclaresTied: declared, explanation: "")
        result.explanation = explanation(result, checkpoint: checkpoint, aliases: aliases)
        return result
    }

    static func explanation(_ r: Result, checkpoint: Checkpoint, aliases: [String: String]) -> String {
        if r.isZeroBits { return "the pad row is all zeros, as padding_idx initialisation leaves it" }
        if r.isZero { return "the pad row is zero by value (it holds -0.0), as padding_idx initialisation leaves it" }
        let copies = r.tiedWith.filter { checkpoint.tensor(named: $0) != nil }
        let aliased = r.tiedWith.filter { checkpoint.tensor(named: $0) == nil || aliases[$0] != nil }
        let configText: String
        switch (r.configDeclaresTied, checkpoint.config?.tieWordEmbeddings) {
        case (true?, nil): configText = "config.json ties input and output embeddings (tie_word_embeddings defaults to true)"
        case (true?, _): configText = "config.json sets tie_word_embeddings: true"
        case (false?, _): configText = "config.json sets tie_word_embeddings: false"
        case (nil, _): configText = "there is no config.json"
        }
        var reasons: [String] = []
        let outputCopies = copies.filter(TensorNames.isOutputProjection)
        let otherCopies = copies.filter { !TensorNames.isOutputProjection($0) }
        if !outputCopies.isEmpty {
            reasons.append("the matrix is byte-identical to the output projection \(outputCopies.joined(separator: ", ")) (tied weights saved twice)")
        }
        if !otherCopies.isEmpty {
            reasons.append("the matrix is byte-identical to \(otherCopies.joined(separator: ", "))")
        }
        if !aliased.isEmpty {
            reasons.append("__metadata__ names \(aliased.joined(separator: ", ")) as an alias of the same storage")
        }
        if r.role == .outputProjection {
            return "the pad row is non-zero: this is an output projection, whose every row is trained by the softmax; " + configText
        }
        if !reasons.isEmpty || r.configDeclaresTied == true {
            let why = reasons.isEmpty ? configText : reasons.joined(separator: "; ") + "; " + configText
            return "the pad row is non-zero, explained by tying: " + why
                + ". The output layer's gradient reaches every row, the padding row included"
        }
        return "the pad row is non-zero and nothing ties this matrix to an output projection (" + configText
            + "): the model was trained without padding_idx, or the row was changed after training"
    }

    /// Rule `padding-row-nonzero`: a warning when unexplained, info when tying explains it.
    public static func findings(_ report: Report) -> [Finding] {
        report.results.compactMap { r -> Finding? in
            guard !r.isZero, r.role != .outputProjection else { return nil }
            let explained = !r.tiedWith.isEmpty || r.configDeclaresTied == true
            let rankText = r.rank.map { "rank \($0) of \(r.rows) by norm" } ?? "norm is NaN"
            let median = r.norms.map { RowSummary.short($0.median) } ?? "n/a"
            var evidence: [String: Evidence] = [
                "pad_id": .int(Int64(r.padID)), "row_norm": .double(r.rowNorm), "rows": .int(Int64(r.rows)),
                "tied_with": .strings(r.tiedWith), "pad_id_source": .string(r.padIDSource.rawValue),
            ]
            if let rank = r.rank { evidence["rank"] = .int(Int64(rank)) }
            if let d = r.norms { evidence["norm_median"] = .double(d.median) }
            return Finding(.paddingRowNonzero, severity: explained ? .info : nil, tensors: [r.tensor],
                           message: "\(r.tensor): pad row \(r.padID) has norm \(RowSummary.short(r.rowNorm)) (\(rankText), median \(median)); "
                               + (explained ? "explained by tied weights" : "not explained by tying"),
                           evidence: evidence)
        }
    }
}
