import CheckpointIO
import StrictJSON
import TensorScan

/// The matrices whose rows are tokens: input embeddings and output projections, found by name
/// and config.json shape (`PaddingAnalysis.matrices`), or the tensors the user named
/// (`--tensor`, the policy's `tensor`). Row rules that only make sense per token
/// (`outlier-rows`, `untrained-tokens`) run on these alone.
struct TokenMatrices: Sendable {
    let matrices: [(TensorView, PaddingAnalysis.Role)]
    /// By the name's UTF-8 bytes: a tensor whose name is canonically equivalent to a token
    /// matrix's is another tensor, not a token matrix.
    let roles: [ExactText: PaddingAnalysis.Role]
    /// A model2vec matrix whose rows tokens share through `mapping`: its rows are not token ids.
    let mappedMatrix: String?
    /// The token matrix of a static embedding layout (model2vec, StaticEmbedding), if any.
    public let staticMatrix: String?
    /// `TokenReport.staticIndicatorNote` of that layout, for `untrained-tokens` in `audit`.
    let staticIndicatorNote: String?
    /// The token matrices (indices into the checkpoint's tensors) every row check of an audit
    /// reads, whatever the scan's row budget (`readable(in:)`), found once for the stages.
    let readable: Set<Int>
    /// `--tensor` choices whose rows are not tokens: named like neither an input embedding nor
    /// an output projection (`Role.isNamedTokenMatrix`), nor found as a token matrix by
    /// config.json shape or static layout. A position embedding or a query projection pinned
    /// with `--tensor` had its rows named by tokens (`row 0 "[PAD]"`), its low rows called
    /// `untrained-tokens` and sorted into 104 "named unused" tokens: claims its bytes never made.
    /// Each such choice → what its report says (`plainRowsNote`).
    let plainRows: [ExactText: String]
    /// Whether tokenizer files sit beside the checkpoint (rows could be named by token).
    let tokenizerBeside: Bool
    /// The input embeddings found by name and config.json shape (`PaddingAnalysis.matrices`),
    /// whatever `--tensor` chose: the matrices a model type builds with its input embedding's
    /// `padding_idx`.
    let detectedInputEmbeddings: Set<ExactText>
    /// Every matrix found by name and shape, whatever `--tensor` chose.
    let detected: Set<ExactText>

    init(_ checkpoint: Checkpoint, requested: [String]) throws(CheckpointError) {
        var plain: [ExactText: String] = [:]
        let vocabulary = checkpoint.config?.vocabSize
        let found = PaddingAnalysis.matrices(checkpoint)
        let detected = Set(found.map { ExactText($0.0.name) })
        self.detected = detected
        detectedInputEmbeddings = Set(found.filter { $0.1 == .embedding }.map { ExactText($0.0.name) })
        if requested.isEmpty {
            matrices = found
        } else {
            var chosen: [(TensorView, PaddingAnalysis.Role)] = []
            // A name given twice (`--tensor X --tensor X`) is one matrix: it was analysed twice,
            // and its findings counted twice against a policy. Compared as bytes: canonically
            // equivalent spellings (é precomposed or with a combining accent) are two tensors.
            var seen = Set<ExactText>()
            for name in requested where seen.insert(ExactText(name)).inserted {
                guard let view = checkpoint.tensor(named: name) else { throw .tensorNotFound(path: checkpoint.path, name: name) }
                chosen.append((view, .requested))
                if Self.rowsArePlain(view, detected: detected, vocabulary: vocabulary) {
                    plain[ExactText(name)] = Self.plainRowsNote(name, rows: view.rowCount, vocabulary: vocabulary)
                }
            }
            matrices = chosen
        }
        plainRows = plain
        tokenizerBeside = !checkpoint.tokenizerFiles.isEmpty
        roles = Dictionary(matrices.map { (ExactText($0.0.name), $0.1) }, uniquingKeysWith: { first, _ in first })
        let layout = PaddingAnalysis.staticLayout(checkpoint)
        mappedMatrix = layout.flatMap { $0.mapping == nil ? nil : $0.embeddings }
        staticMatrix = layout?.embeddings
        staticIndicatorNote = layout.map(TokenReport.staticIndicatorNote)
        readable = Self.readable(in: checkpoint.tensors, roles: roles)
    }

    /// The token matrices among `views` (by index, `roles` naming them) that every row check of an audit reads,
    /// whatever the scan's row budget: those with statistics, in file order, while their rows
    /// add up to at most a budget of their own, as large as the scan's (`TensorView.rowBudget`).
    ///
    /// Why a budget of their own: a vocabulary is one or two matrices, far below it, and its pad
    /// row, untrained tokens and row findings need it read; but a name is all that makes a
    /// matrix a token matrix, and a file of 24 U8 [1048576, 1] tensors named `m{i}.embed_tokens.weight`
    /// was read whole: 4.8 s and 325 MB where the budget held it to 2.2 s (adversarial review).
    static func readable(in views: [TensorView], roles: [ExactText: PaddingAnalysis.Role]) -> Set<Int> {
        let budget = TensorView.rowBudget(views)
        var used = 0
        var chosen = Set<Int>()
        for i in views.indices where roles[ExactText(views[i].name)] != nil && views[i].hasStatistics {
            let (total, overflow) = used.addingReportingOverflow(views[i].rowCount)
            guard !overflow, total <= budget else { continue }
            used = total
            chosen.insert(i)
        }
        return chosen
    }

    /// Whether row i of `name` is token i (false for a model2vec matrix with a mapping).
    /// Also false for a `--tensor` choice whose rows are not tokens (`plainRows`).
    func rowsAreTokenIDs(_ name: String) -> Bool {
        !rowsAreNotTokens(name) && (mappedMatrix.map { !ExactText.same($0, name) } ?? true)
    }

    func contains(_ name: String) -> Bool { roles[ExactText(name)] != nil }

    /// A `--tensor` choice whose rows are not tokens by its name (`plainRows`): its rows get
    /// plain statistics, no token names and no token categories.
    func rowsAreNotTokens(_ name: String) -> Bool { plainRows[ExactText(name)] != nil }

    /// Whether the rows of `view`, chosen with `--tensor`, are not tokens: it is named like no
    /// input embedding or output projection, is not among the `detected` token matrices (config
    /// shape, static layout), and has fewer rows than config.json's `vocabulary` size when one is
    /// stated. A choice with at least that many rows may be a custom-named embedding, the very
    /// reason to pin one: its rows stay tokens. One rule for `audit`, `tokens`, `rows` and
    /// `padding` (which named a position embedding's row 0 "[PAD]").
    static func rowsArePlain(_ view: TensorView, detected: Set<ExactText>, vocabulary: Int?) -> Bool {
        !PaddingAnalysis.Role.requested.isNamedTokenMatrix(view.name) && !detected.contains(ExactText(view.name))
            && !(vocabulary.map { view.rowCount >= $0 } ?? false)
    }

    /// What a report says of a `--tensor` choice whose rows are not tokens (`rowsAreNotTokens`),
    /// or "" when no tokenizer file sits beside the checkpoint: no row could have been named by
    /// a token then, and `rows`' README example grew a note about tokens on a file with none.
    func plainRowsNote(_ name: String) -> String { tokenizerBeside ? plainRows[ExactText(name)] ?? "" : "" }

    static func plainRowsNote(_ name: String, rows: Int, vocabulary: Int?) -> String {
        let count = vocabulary.map { ", and its \(rows) rows are fewer than config.json's vocab_size \($0)" } ?? ""
        return "rows of \(name) are not tokens by its name (not an input embedding or output projection)\(count): "
            + "not named by token, and no untrained-token or known-unused analysis"
    }

    /// Found as a token matrix by name and shape, whatever `--tensor` chose.
    func isDetected(_ name: String) -> Bool { detected.contains(ExactText(name)) }

    /// Found as an input embedding by name and shape, whatever `--tensor` chose.
    func isDetectedInputEmbedding(_ name: String) -> Bool { detectedInputEmbeddings.contains(ExactText(name)) }

    /// An input embedding: found as one, or named by the user, with rows that are tokens, and
    /// not an output projection by name.
    func isInputEmbedding(_ name: String) -> Bool {
        switch roles[ExactText(name)] {
        case .embedding?: true
        case .requested?: !rowsAreNotTokens(name) && !TensorNames.isOutputProjection(name)
        default: false
        }
    }
}
