/// The bytes of one file and the path to name in messages. Readers never open files: the
/// caller reads them (bounded, inside the folder asked for) and hands the bytes over.
public struct NamedBytes: Sendable, Equatable {
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// The tokenizer files found beside a checkpoint; any may be missing.
public struct TokenizerFiles: Sendable, Equatable {
    public var tokenizerJSON: NamedBytes?
    public var vocabText: NamedBytes?
    public var specialTokensMap: NamedBytes?
    public var tokenizerConfig: NamedBytes?
    /// added_tokens.json: transformers reads it when tokenizer_config.json has no
    /// `added_tokens_decoder` (hunt-62a M3).
    public var addedTokensJSON: NamedBytes?

    /// The file names looked for, in the order `Tokenizer.read` applies them.
    public static let fileNames = ["tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"]

    public init(tokenizerJSON: NamedBytes? = nil, vocabText: NamedBytes? = nil,
                specialTokensMap: NamedBytes? = nil, tokenizerConfig: NamedBytes? = nil, addedTokensJSON: NamedBytes? = nil) {
        self.tokenizerJSON = tokenizerJSON
        self.vocabText = vocabText
        self.specialTokensMap = specialTokensMap
        self.tokenizerConfig = tokenizerConfig
        self.addedTokensJSON = addedTokensJSON
    }

    public var isEmpty: Bool {
        tokenizerJSON == nil && vocabText == nil && specialTokensMap == nil && tokenizerConfig == nil && addedTokensJSON == nil
    }
}
