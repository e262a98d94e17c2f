import CheckpointIO
import GGUFFormat
import ModelKnowledge

/// What the files beside a checkpoint say about the model: the config.json facts conclusions
/// rest on, and the tokenizer (its vocabulary, special tokens and pad token).
///
/// Why a tokenizer that cannot be read is a note and not an error: the weights can still be
/// audited, and every conclusion that needed the tokenizer says it had none. A half-read
/// tokenizer is never used (one unreadable file drops them all): special_tokens_map.json
/// overrides tokenizer_config.json, so a subset of the files can name a different pad token.
public struct CheckpointKnowledge: Sendable {
    public var config: ModelConfigFacts?
    public var tokenizer: Tokenizer? {
        didSet { unusedTokens = tokenizer.map(UnusedTokens.find) ?? [] }
    }
    /// `UnusedTokens.find(in: tokenizer)`, found once: padding and the token analysis both need
    /// it, and on a 262,144-token vocabulary each search took tens of milliseconds.
    public private(set) var unusedTokens: [UnusedToken] = []
    /// Files that could not be read or parsed, one sentence each naming the file, then what the
    /// tokenizer noted while reading (`Tokenizer.notes`: files that disagree, a pad token that
    /// is no token, …), of tokenizer files and of a GGUF file's own tokenizer alike.
    public var notes: [String]
    /// The tokenizer file that could not be read, and why (the error, naming the file).
    public var unreadable: (file: String, problem: String)?

    public init(config: ModelConfigFacts? = nil, tokenizer: Tokenizer? = nil, notes: [String] = []) {
        self.config = config
        self.tokenizer = tokenizer
        self.notes = notes
        unusedTokens = tokenizer.map(UnusedTokens.find) ?? []
    }

    /// Rule `tokenizer-unreadable`: the audit's word that its token conclusions lack the tokenizer.
    public var findings: [Finding] {
        guard let unreadable else { return [] }
        return [Finding(.tokenizerUnreadable, tensors: [],
                        message: "\(unreadable.problem); the tokenizer files are not used: no pad token from the tokenizer, rows not named by token",
                        evidence: ["file": .string(unreadable.file)])]
    }

    /// Whether `read(checkpoint)` can find a pad token id (`PadIDResolver`'s sources besides
    /// the flag): a config.json, tokenizer files, or a GGUF file (its metadata may carry a
    /// tokenizer). False lets an audit skip what only a pad row would need.
    public static func mayDeclarePadID(_ checkpoint: Checkpoint) -> Bool {
        checkpoint.config != nil || !checkpoint.tokenizerFiles.isEmpty
            || checkpoint.files.contains { if case .gguf = $0.format { true } else { false } }
    }

    /// Reads the tokenizer files the checkpoint recorded (bounded by `limits`, confined to its
    /// folder) and takes the config facts from the config.json the checkpoint already read.
    public static func read(_ checkpoint: Checkpoint, limits: KnowledgeLimits = .default) -> CheckpointKnowledge {
        var knowledge = CheckpointKnowledge(config: checkpoint.config.map(ModelConfigFacts.init))
        let recorded = checkpoint.tokenizerFiles
        guard !recorded.isEmpty else {
            knowledge.tokenizer = ggufTokenizer(checkpoint)
            knowledge.notes += knowledge.tokenizer?.notes ?? []
            return knowledge
        }
        func bytes(_ path: String?, limit: Int) throws(CheckpointError) -> NamedBytes? {
            guard let path else { return nil }
            return NamedBytes(path: path, bytes: try CheckpointIO.TokenizerFiles.contents(of: path, limit: UInt64(max(0, limit))))
        }
        let files: ModelKnowledge.TokenizerFiles
        do {
            files = ModelKnowledge.TokenizerFiles(
                tokenizerJSON: try bytes(recorded.tokenizer, limit: limits.maxTokenizerJSONBytes),
                vocabText: try bytes(recorded.vocabulary, limit: limits.maxVocabTextBytes),
                specialTokensMap: try bytes(recorded.specialTokensMap, limit: limits.maxSmallJSONBytes),
                tokenizerConfig: try bytes(recorded.tokenizerConfig, limit: limits.maxSmallJSONBytes),
                addedTokensJSON: try bytes(recorded.addedTokens, limit: limits.maxSmallJSONBytes))
        } catch {
            knowledge.notes.append("\(error.description); the tokenizer files are not used")
            knowledge.unreadable = (error.path, error.description)
            return knowledge
        }
        do {
            // AutoConfig reads `model_type` at the top level only: one ModelConfig takes from
            // `text_config` is no model type AutoTokenizer sees.
            let topModelType = checkpoint.config.flatMap { $0.fieldsFromTextConfig.contains("model_type") ? nil : $0.modelType }
            knowledge.tokenizer = try Tokenizer.read(files, modelType: topModelType,
                                                     configTokenizerClass: checkpoint.config?.tokenizerClass, limits: limits)
            // Only the GGUF path above copied these before: tokenizer_config.json and
            // special_tokens_map.json naming different pad tokens was noted by the reader and
            // shown by no command (review, 2026-12-04).
            knowledge.notes += knowledge.tokenizer?.notes ?? []
            if let tokenizer = knowledge.tokenizer, tokenizer.kind == .vocabList, let vocabText = recorded.vocabulary,
               let note = TokenizerVocabFiles.vocabTextNote(builtClass: tokenizer.builtClass, vocabText: vocabText) {
                knowledge.notes.append(note)
            }
        } catch {
            knowledge.notes.append("\(error.description); the tokenizer files are not used")
            knowledge.unreadable = (error.file, error.description)
        }
        return knowledge
    }
}

extension CheckpointKnowledge {
    /// The tokenizer a GGUF file carries in its metadata (`tokenizer.ggml.*`), used when no
    /// tokenizer files sit beside it.
    static func ggufTokenizer(_ checkpoint: Checkpoint) -> Tokenizer? {
        for file in checkpoint.files {
            guard case .gguf(let gguf) = file.format, let metadata = GGUFTokenizerMetadata(gguf.metadata) else { continue }
            // The reader's packed buffers are adopted as they are (no copy, no String per token).
            let tokens = PackedTokenTexts(utf8: metadata.tokens.utf8, ends: metadata.tokens.ends)
                ?? PackedTokenTexts(metadata.tokens.lazy.map { Optional($0) })
            return Tokenizer.fromGGUFMetadata(packedTokens: tokens, tokenTypes: metadata.tokenTypes,
                                              padTokenID: metadata.paddingTokenID, model: metadata.model, source: file.path,
                                              roleIDs: metadata.roleIDs.map { ($0.key, $0.role, $0.id) },
                                              unusableIDs: metadata.unusableIDs.map { ($0.key, $0.text) },
                                              repairedIDs: Set(metadata.tokens.repaired))
        }
        return nil
    }
}

extension ModelConfigFacts {
    /// The facts of a config.json the checkpoint source already read, so both layers agree on
    /// every value (ids only as JSON integers; an unusable value stays unusable).
    init(_ config: ModelConfig) {
        func invalid(_ key: String) -> String? { config.invalidValues.first { $0.key == key }?.text }
        let padTokenID = Self.value(config.padToken)
        let tie: Value<Bool> = if let tied = config.tieWordEmbeddings { .value(tied) }
            else if let text = invalid("tie_word_embeddings") { text == "null" ? .null : .unusable(text) }
            else { .absent }
        let vocab: Value<Int> = if let size = config.vocabSize { .value(size) }
            else if let text = invalid("vocab_size") { .unusable(text) }
            else { .absent }
        self.init(path: config.path, modelType: config.modelType, tieWordEmbeddings: tie,
                  padTokenID: padTokenID, vocabSize: vocab, fieldsFromTextConfig: config.fieldsFromTextConfig)
        unusableModelType = invalid("model_type")
        padTokenIDIsList = config.padTokenIsList
        architectures = config.architectures.map { .value($0) } ?? .absent
        textConfigTie = Self.value(config.textConfigTie)
        textConfigModelType = config.textConfigModelType
        shareEncoderDecoderEmbeddings = config.shareEncoderDecoderEmbeddings.map { .value($0) } ?? .absent
        if let type = config.modelType, Self.decoderWrapperTypes.contains(type) {
            let decoder = config.decoder
            wrappedDecoder = WrappedDecoder(isObject: decoder?.isObject ?? false, modelType: decoder?.modelType,
                                            tieWordEmbeddings: Self.value(decoder?.tie))
        }
        hasTextConfig = config.hasTextConfig
        textConfigNotObject = config.textConfigNotObject
        self = settingTextConfigTieAside().readingPadFromTextConfig(config.textConfigPadToken.map(Self.value),
                                                                     nestedIsList: config.textConfigPadTokenIsList)
            .readingPadFromWrappedDecoder(decoder: config.decoder?.padToken.map(Self.value), encoder: config.decoder?.encoderPadToken.map(Self.value))
    }

    /// A nested `tie_word_embeddings` as read (a text_config's, a wrapper decoder's).
    private static func value(_ nested: ModelConfig.NestedValue?) -> Value<Bool> {
        switch nested {
        case .bool(let flag)?: .value(flag)
        case .notBoolean(let text)?: text == "null" ? .null : .unusable(text)
        case nil: .absent
        }
    }

    private static func value(_ token: ModelConfig.PadToken) -> Value<Int> {
        switch token {
        case .absent: .absent
        case .none: .null
        case .id(let id): .value(id)
        case .invalid(let text): .unusable(text)
        }
    }
}
