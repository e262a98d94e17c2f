/// The tokenizer files found beside a checkpoint, by path; none is read here.
///
/// Recorded when the checkpoint is opened so that a tokenizer reader (and the analyses that
/// compare a vocabulary with an embedding matrix) find them without looking at the folder
/// again. Only these names, only in the checkpoint's own folder: nothing outside the folder
/// asked for is looked at.
public struct TokenizerFiles: Sendable, Equatable {
    /// `tokenizer.json` (the `tokenizers` library's single-file format).
    public var tokenizer: String?
    /// `tokenizer_config.json` (transformers: special tokens, padding side, model max length).
    public var tokenizerConfig: String?
    /// `special_tokens_map.json`.
    public var specialTokensMap: String?
    /// `vocab.txt` (WordPiece vocabularies, one token per line).
    public var vocabulary: String?
    /// `added_tokens.json` (the legacy list of added tokens, text → id).
    public var addedTokens: String?

    public init(tokenizer: String? = nil, tokenizerConfig: String? = nil, specialTokensMap: String? = nil,
                vocabulary: String? = nil, addedTokens: String? = nil) {
        self.tokenizer = tokenizer
        self.tokenizerConfig = tokenizerConfig
        self.specialTokensMap = specialTokensMap
        self.vocabulary = vocabulary
        self.addedTokens = addedTokens
    }

    /// True when the folder held none of the files.
    public var isEmpty: Bool { self == TokenizerFiles() }

    /// The file names read beside a checkpoint, in the order of the properties.
    static let fileNames = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt", "added_tokens.json"]

    /// The files of this kind in `folder` (regular files only).
    static func find(in folder: String) -> TokenizerFiles {
        func path(_ name: String) -> String? {
            let path = CheckpointLoader.join(folder, name)
            return !MappedFile.isAbsent(path) ? path : nil
        }
        let found = fileNames.map(path)
        return TokenizerFiles(tokenizer: found[0], tokenizerConfig: found[1], specialTokensMap: found[2], vocabulary: found[3],
                              addedTokens: found[4])
    }

    /// Every recorded path, in the order of the properties.
    public var paths: [String] { [tokenizer, tokenizerConfig, specialTokensMap, vocabulary, addedTokens].compactMap { $0 } }

    /// The bytes of one of these files (at most `limit` bytes), refusing a path whose real
    /// path lies outside its folder, as config.json is refused: a tokenizer file is read only
    /// from the folder the user named (or its Hugging Face cache blobs).
    public static func contents(of path: String, limit: UInt64) throws(CheckpointError) -> [UInt8] {
        let boundary = try CheckpointLoader.boundary(of: CheckpointLoader.folder(of: path))
        try CheckpointLoader.confine(path, to: boundary)
        return try MappedFile.contents(of: path, limit: limit, what: "the tokenizer file", confinedTo: boundary)
    }
}
