/// One check `audit` can report: its stable identifier, default severity and what it means.
///
/// Every rule is a static member (`Rule.nanValues`), so an analysis names its rule as a symbol
/// the compiler checks and a reader can grep; `RuleCatalog.all` lists them in report order. The
/// identifiers are an API (policies, `--fail-on`, SARIF rule ids, JUnit test names and JSON
/// reports refer to them); a rule may be added, never renamed.
public struct Rule: Sendable, Hashable, CustomStringConvertible {
    public let id: String
    /// The severity a finding of this rule has unless the analysis grades it (a few rules
    /// state a lower level when the evidence explains the finding) or a policy overrides it.
    public let defaultSeverity: Severity
    /// One sentence for people: what the rule checks.
    public let summary: String
    /// Why it matters and what to do.
    public let help: String

    /// The identifier, so text reports print rules as they always did.
    public var description: String { id }

    public static func == (a: Rule, b: Rule) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

extension Rule {
    public static let paddingRowNonzero = Rule(
        id: "padding-row-nonzero", defaultSeverity: .warning,
        summary: "The padding token's embedding row is not zero (info when the evidence says the matrix is tied).",
        help: "padding_idx zeroes the row when the embedding is built and keeps the embedding's own gradient for it at zero; a tied output head (its gradient reaches every row), a conversion or a later edit can still move the row. Check whether the model relies on a zero pad row.")
    public static let tiedWeightsDuplicated = Rule(
        id: "tied-weights-duplicated", defaultSeverity: .warning,
        summary: "A tied weight (input embedding and output projection) is saved twice.",
        help: "The copy wastes space and can silently untie the weights when loaded; save one and record the alias in __metadata__.")
    public static let identicalLayers = Rule(
        id: "identical-layers", defaultSeverity: .warning,
        summary: "Two layers hold byte-identical weights.",
        help: "Distinct trained layers are never bit-identical; this usually means a merge or export copied one layer over another.")
    public static let duplicateTensors = Rule(
        id: "duplicate-tensors", defaultSeverity: .warning,
        summary: "Tensors with identical bytes and no known reason (repeated buffers, constant and empty tensors are not reported).",
        help: "Repeated buffers such as causal masks and position ids are expected; other copies waste space.")
    public static let nanValues = Rule(
        id: "nan-values", defaultSeverity: .error,
        summary: "A tensor contains NaN values.",
        help: "NaN weights poison every output they touch; find the step of training or conversion that produced them.")
    public static let infValues = Rule(
        id: "inf-values", defaultSeverity: .error,
        summary: "A tensor contains infinite values.",
        help: "Infinities usually come from an overflow in a lower-precision conversion.")
    public static let allZeroRows = Rule(
        id: "all-zero-rows", defaultSeverity: .warning,
        summary: "A matrix has rows that are entirely zero (info when only some rows are: padding and reserved rows often are; and for I-BERT's quantization buffers, zero until the model is quantized).",
        help: "Zero rows in embeddings are tokens that never trained or were reset; elsewhere they may be pruned units.")
    public static let duplicateRows = Rule(
        id: "duplicate-rows", defaultSeverity: .warning,
        summary: "A matrix has identical rows.",
        help: "Identical embedding rows are typically tokens that never received a gradient since initialization.")
    public static let outlierRows = Rule(
        id: "outlier-rows", defaultSeverity: .info,
        summary: "Rows of a token matrix (embedding, output projection) or of a matrix chosen with --tensor whose norm is far from the median (robust z-score on median/MAD).",
        help: "Outlier rows are worth a look: special tokens, reset rows, or corrupted data. Other matrices are not checked: their rows are not tokens, and outlying rows are normal there.")
    public static let untrainedTokens = Rule(
        id: "untrained-tokens", defaultSeverity: .info,
        summary: "Input-embedding rows with norms far below the median: tokens that likely barely trained (an indicator, not proof).",
        help: "A token that never occurs in training gets no gradient through an untied input embedding, so its row keeps a small norm (Land & Bartolo 2024). Prompts that contain such tokens can make a model misbehave; `tensoraudit padding` compares the pad row with them.")
    public static let statisticsSkipped = Rule(
        id: "statistics-skipped", defaultSeverity: .info,
        summary: "Tensors without row statistics (past the scan's row budget, C64, or a quantized type that is not decoded): no row rule, pad-row or untrained-token check looked at them.",
        help: "Row statistics are computed for at most max(1,048,576, data bytes / 16) rows per audit, in file order, and not for C64 or undecoded ggml types; the finding names each such tensor, so a report without row findings is not mistaken for rows that were checked.")
    public static let paddingUnchecked = Rule(
        id: "padding-unchecked", defaultSeverity: .info,
        summary: "The pad-row check looked at no pad row of a token matrix: no pad token was found, no token matrix was found, or the pad id is no row of the matrix.",
        help: "Without this finding a report without padding-row-nonzero could mean a zero pad row or a pad row nobody looked at. Give the pad id (--pad-id, the policy's pad_id) or the matrix (--tensor, the policy's tensor); `--fail-on padding-unchecked` makes a CI job insist that the pad row is checked. Matrices without row statistics are statistics-skipped's.")
    public static let padIDSourceIgnored = Rule(
        id: "pad-id-source-ignored", defaultSeverity: .info,
        summary: "A source of the pad token id was not used: it declares no pad token (pad_token_id null), names no usable id, or names another id than the one used.",
        help: "The pad id is taken from --pad-id or the policy's pad_id, then config.json's pad_token_id, then the tokenizer's pad token. A config and a tokenizer that name different pad ids usually mean one of them belongs to another model; padded inputs then use a row that is not padding_idx.")
    public static let configVocabMismatch = Rule(
        id: "config-vocab-mismatch", defaultSeverity: .warning,
        summary: "A token matrix (input embedding or output projection, found by name) has another row count than config.json's vocab_size.",
        help: "transformers builds these matrices with vocab_size rows, so from_pretrained fails with a size mismatch: save config.json with the model after resize_token_embeddings, or drop a stale one. A GGUF file's vocabulary is checked by `gguf-vocabulary-mismatch`.")
    public static let tokenizerBeyondRows = Rule(
        id: "tokenizer-beyond-rows", defaultSeverity: .warning,
        summary: "The tokenizer beside the checkpoint has token ids past the last row of a token matrix (tokens added without resizing it, or another model's tokenizer).",
        help: "An input holding such a token indexes past the input embedding (transformers raises IndexError) and the output projection gives it no logit: resize the embeddings (`resize_token_embeddings`) or save the model's own tokenizer. A GGUF file's own vocabulary is checked by `gguf-vocabulary-mismatch`.")
    public static let rowsBeyondTokenizer = Rule(
        id: "rows-beyond-tokenizer", defaultSeverity: .info,
        summary: "A token matrix has rows past the last token id of the tokenizer beside the checkpoint (a vocabulary padded to a round size): no token selects them (warning when such rows of an output projection have norms far above the others': generate can emit them).",
        help: "Vocabularies are often padded to a multiple of 64 or 128 for speed. No input reaches those rows, and an all-zero or outlying row there comes from the padding, not from training. As output logits they name no token, yet transformers' generate does not mask them: padded rows of an output projection that score high make the model emit ids its tokenizer cannot decode (`tensoraudit rows --tensor NAME --rows A..B` shows their norms). `tensoraudit tokens` lists the range.")
    public static let indexMismatch = Rule(
        id: "index-mismatch", defaultSeverity: .error,
        summary: "The sharded index disagrees with the shard files.",
        help: "A tensor is missing from its shard, present in two shards, not indexed, or total_size is inconsistent; loaders may fail or pick a stale copy.")
    public static let missingShard = Rule(
        id: "missing-shard", defaultSeverity: .error,
        summary: "A shard named by the index is missing.",
        help: "The checkpoint cannot be loaded completely.")
    public static let tensorInTwoShards = Rule(
        id: "tensor-in-two-shards", defaultSeverity: .error,
        summary: "A tensor name is present in two shards.",
        help: "Loaders keep one of the copies, which one depends on the loader; remove the stale copy.")
    public static let unindexedTensor = Rule(
        id: "unindexed-tensor", defaultSeverity: .warning,
        summary: "A shard holds a tensor that the index does not list.",
        help: "Usually a stale index or an overlay shard; index-driven loaders never see the tensor.")
    public static let strayShard = Rule(
        id: "stray-shard", defaultSeverity: .warning,
        summary: "A shard file in the folder (.safetensors, or .bin beside a pytorch_model.bin index) is not named by the index.",
        help: "Leftover from another export, or a shard the index forgot.")
    public static let indexDuplicateKey = Rule(
        id: "index-duplicate-key", defaultSeverity: .error,
        summary: "A tensor key appears twice in the index's weight_map.",
        help: "JSON parsers disagree on duplicate keys; most keep the last one silently.")
    public static let indexInvalidPath = Rule(
        id: "index-invalid-path", defaultSeverity: .error,
        summary: "The index names a shard by an absolute path, a path with '..', or a file of another format than the index's shards.",
        help: "Such names are never followed; a loader that follows them reads outside the model folder.")
    public static let indexTotalSize = Rule(
        id: "index-total-size", defaultSeverity: .error,
        summary: "The index's metadata.total_size is not an integer or is impossible, or (a warning) differs from the shards' data bytes.",
        help: "An impossible value is an error; a difference from the data bytes is a warning (shared storage is counted once).")
    public static let indexEmpty = Rule(
        id: "index-empty", defaultSeverity: .warning,
        summary: "The index's weight_map is empty: no tensor was checked.",
        help: "An audit of an empty index checks nothing; a policy can make this fail (severity error).")
    public static let noTensors = Rule(
        id: "no-tensors", defaultSeverity: .warning,
        summary: "The checkpoint holds no tensors: no weight was checked.",
        help: "A safetensors file with an empty header, a vocabulary-only GGUF file or a torch file without tensors is valid, but an audit of it checks no weight: point it at the weights. A policy can make this fail (severity error).")
    public static let partialCheckpoint = Rule(
        id: "partial-checkpoint", defaultSeverity: .warning,
        summary: "The checkpoint read is one part of a larger one: a file named as shard i of n, or a GGUF split whose split.count is above 1; the other parts were not checked.",
        help: "Audit the folder or the shard index (safetensors, torch) so that every shard is read, or a split GGUF model's first part or folder, from which every part is read. A policy can make this fail (severity error).")
    public static let configInvalidValue = Rule(
        id: "config-invalid-value", defaultSeverity: .warning,
        summary: "A config.json value the audit uses (model_type, pad_token_id, vocab_size, hidden_size, tie_word_embeddings, architectures) does not have the type it needs.",
        help: "The value is not used: 1.5, true, \"3\", a negative number or one beyond 64 bits is no row index, and 1 or \"true\" is no boolean.")
    public static let tokenizerUnreadable = Rule(
        id: "tokenizer-unreadable", defaultSeverity: .warning,
        summary: "A tokenizer file beside the checkpoint cannot be read: the pad token, token names and unused tokens are concluded without the tokenizer.",
        help: "Fix or remove the file named. Until then the pad id comes only from --pad-id or config.json, and rows are not named by token.")
    public static let ignoredIndex = Rule(
        id: "ignored-index", defaultSeverity: .warning,
        summary: "A folder holds both model.safetensors and an index; the single file is used.",
        help: "transformers prefers model.safetensors too; the index and its shards are probably stale.")
    public static let ignoredCompressedCopy = Rule(
        id: "ignored-compressed-copy", defaultSeverity: .info,
        summary: "A folder holds a safetensors file and, by its name, its zstd copy (X.safetensors.zst); the uncompressed file is read.",
        help: "The .zst file is not checked: whether it holds the same tensors, the folder cannot show. Name it to check it.")
    public static let metadataAlias = Rule(
        id: "metadata-alias", defaultSeverity: .info,
        summary: "__metadata__ records an alias: a tensor removed because it shared storage with a kept one.",
        help: "Written by safetensors' save_model and the Hub convert bot; loaders must restore the alias.")
    public static let dtypeMixed = Rule(
        id: "dtype-mixed", defaultSeverity: .info,
        summary: "Floating-point weights are stored in more than one dtype; in a GGUF file, a mix its general.file_type does not explain (F32 norms beside quantized matrices are by design).",
        help: "Mixed precision is sometimes intended (e.g. F32 norms with BF16 matrices), sometimes an export mistake; the finding names the GGUF tensors stored in an unexpected type.")
    public static let suspiciousName = Rule(
        id: "suspicious-name", defaultSeverity: .warning,
        summary: "A tensor name contains NUL, control, bidirectional-control, line-separator or invisible (default-ignorable or format: U+200B, U+00AD, U+FFF9, …) characters, or path segments, or reads alike another name (canonically equivalent Unicode, other code points).",
        help: "Such names break tools that print or use names as paths or compare them as Unicode text; safetensors 0.8 loads them anyway.")
    public static let pickleUnsafeGlobal = Rule(
        id: "pickle-unsafe-global", defaultSeverity: .error,
        summary: "A torch file's pickle names a global torch.load(weights_only=True) refuses (e.g. os.system, builtins.eval, an nn.Module class); it is not analysed.",
        help: "torch.load(weights_only=False) or pickle.load would import and may call it. tensoraudit never executes it; only load such a file if you trust its source.")
    public static let torchWeightsOnlyRefuses = Rule(
        id: "torch-weights-only-refuses", defaultSeverity: .warning,
        summary: "A torch file's pickle uses opcodes torch.load's default (weights_only=True) does not run, or names torch's TorchVersion, outside its list, so torch.load(path) refuses the file.",
        help: "torch.save(..., pickle_protocol=4) writes such opcodes (FRAME, MEMOIZE, STACK_GLOBAL); loading then needs weights_only=False, which executes the pickle. Re-save with the default protocol, or as safetensors.")
    public static let torchDeviceStorage = Rule(
        id: "torch-device-storage", defaultSeverity: .info,
        summary: "A torch file's storages were saved from a device other than the CPU (cuda:0, mps): torch.load puts them back there, and fails on a machine without that device.",
        help: "Load it with torch.load(path, map_location=\"cpu\") (transformers' from_pretrained does), or re-save it from CPU tensors (model.cpu() before torch.save) so that torch.load(path) works anywhere.")
    public static let ggufProblem = Rule(
        id: "gguf-problem", defaultSeverity: .warning,
        summary: "A GGUF file reads, with a problem: a tensor name of 64 bytes or more (llama.cpp refuses it; the spec, over 64), a bool byte other than 0 or 1, a string that is not UTF-8, tokenizer keys of the wrong type, an output.weight the architecture's llama.cpp loader never reads, token_embd.weight and output.weight of different row counts, tensor data out of llama.cpp's contiguous order, stacked expert tensors whose expert count is not the file's expert_count, an expert_count above llama.cpp's limit.",
        help: "gguf-py reads such a file; llama.cpp refuses names of 64 bytes or more, a file holding a tensor its loader does not take, and tensor data that does not follow the previous tensor's (padded) bytes. Rewrite the file with a conforming writer.")
    public static let ggufVocabularyMismatch = Rule(
        id: "gguf-vocabulary-mismatch", defaultSeverity: .error,
        summary: "The GGUF tokenizer's vocabulary size differs from the rows of token_embd.weight or output.weight.",
        help: "llama.cpp checks the embedding's shape against the vocabulary and refuses the file; the tokenizer or the tensor is from another model.")
    public static let headerDeviation = Rule(
        id: "header-deviation", defaultSeverity: .info,
        summary: "The header deviates from the format README while the reference still accepts it.",
        help: "Leading whitespace or non-space padding is accepted by safetensors 0.8 (PR #686) but not by older readers.")
}
