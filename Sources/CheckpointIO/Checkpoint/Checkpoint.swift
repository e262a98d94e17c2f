import SafetensorsFormat

/// What the user pointed at, opened: one or more safetensors files forming one namespace of
/// tensors. Every command works on a `Checkpoint`, so single files, model folders, sharded
/// checkpoints and compressed files behave the same downstream.
public struct Checkpoint: Sendable {
    /// The path as given on the command line.
    public let path: String
    /// The safetensors files, in the order they were opened (index order for shards).
    public let files: [SafetensorsFile]
    /// Every tensor in file order, shard after shard.
    public let tensors: [TensorView]
    /// `config.json` beside the checkpoint, when there is one.
    public let config: ModelConfig?
    /// Tokenizer files beside the checkpoint, by path (not read).
    public let tokenizerFiles: TokenizerFiles
    /// Where the tensors came from (file, folder, index and shards, zstd).
    public let source: CheckpointSource
    /// Problems with the index, shards or folder that did not stop the checkpoint from
    /// opening (see `SourceIssue` for the rules); empty for a sound checkpoint.
    public let sourceIssues: [SourceIssue]
    /// Index in `tensors` of each file's first tensor. Name lookups go through the headers'
    /// own indexes, so opening a 50,000-tensor checkpoint hashes every name once, not twice.
    private let firstTensorOfFile: [Int]

    public init(path: String, files: [SafetensorsFile], config: ModelConfig? = nil,
                tokenizerFiles: TokenizerFiles = TokenizerFiles(),
                source: CheckpointSource = CheckpointSource(kind: .file), sourceIssues: [SourceIssue] = []) {
        self.path = path
        self.files = files
        self.config = config
        self.tokenizerFiles = tokenizerFiles
        self.source = source
        self.sourceIssues = sourceIssues
        self.tensors = files.flatMap(\.tensors)
        var starts: [Int] = []
        var count = 0
        for file in files {
            starts.append(count)
            count += file.header.tensors.count
        }
        self.firstTensorOfFile = starts
    }

    /// Opens whatever `path` names: a `.safetensors` file, a `.safetensors.zst` file, a
    /// `*.safetensors.index.json` with its shards, or a model folder. `config.json` beside
    /// it is read when present; tokenizer files beside it are recorded (`tokenizerFiles`). Throws only when nothing sensible can be analysed; shard and
    /// index inconsistencies are returned in `sourceIssues` instead.
    public static func open(path: String) throws(CheckpointError) -> Checkpoint {
        try open(path: path, limits: .default)
    }

    /// `open(path:)` with explicit limits (decompression cap, index size).
    ///
    /// With `overlappingDecompression`, a single-frame `.zst` file whose frame declares its
    /// size is decoded on a thread of its own and `open` returns as soon as the header is
    /// decoded: reading a tensor's bytes waits for them, so a scan in file order runs alongside
    /// the decoder instead of after it. Call `waitUntilLoaded()` before trusting results: it
    /// throws when the rest of the file failed to decode (the bytes past the failure read as
    /// zeros).
    public static func open(path: String, limits: SourceLimits = .default,
                            overlappingDecompression: Bool) throws(CheckpointError) -> Checkpoint {
        try CheckpointLoader(limits: limits, overlapDecompression: overlappingDecompression).open(path)
    }

    /// `open(path:)` with explicit limits (decompression cap, index size).
    public static func open(path: String, limits: SourceLimits) throws(CheckpointError) -> Checkpoint {
        try CheckpointLoader(limits: limits).open(path)
    }

    /// Waits until every byte of the checkpoint is available and throws when decoding a
    /// compressed file failed; immediate for files on disk and fully decoded inputs.
    public func waitUntilLoaded() throws(CheckpointError) {
        for file in files { try file.mapping.waitUntilComplete() }
    }

    /// The tensor called `name`, or `nil`. With a name in two shards, the first shard's copy.
    public func tensor(named name: String) -> TensorView? {
        for (i, file) in files.enumerated() {
            if let position = file.header.position(of: name) { return tensors[firstTensorOfFile[i] + position] }
        }
        return nil
    }

    /// Merged `__metadata__` of all files (first file wins on conflicting keys).
    public var metadata: [String: String] {
        var merged: [String: String] = [:]
        for file in files {
            for (key, value) in file.header.metadata ?? [:] where merged[key] == nil { merged[key] = value }
        }
        return merged
    }
}
