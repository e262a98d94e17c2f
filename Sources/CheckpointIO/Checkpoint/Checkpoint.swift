import SafetensorsFormat
import StrictJSON

/// What the user pointed at, opened: one or more checkpoint files forming one namespace of
/// tensors. Every command works on a `Checkpoint`, so single files, model folders, sharded
/// checkpoints and compressed files, in every format read, behave the same downstream.
public struct Checkpoint: Sendable {
    /// The path as given on the command line.
    public let path: String
    /// The files, in the order they were opened (index order for shards).
    public let files: [CheckpointFile]
    /// Every tensor in file order, shard after shard; of a name stored in several shards, only
    /// the copy a loader uses (`init`'s `loadOrder`).
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
    /// For several files: each name's position in `tensors` (the loader's copy). Asking
    /// each header in turn cost O(files) per lookup, so a diff or alias pass over a
    /// 30,000-shard checkpoint was quadratic. Keyed by code points (`ExactText`): keyed by
    /// `String`, a shard's `cafe\u{301}.weight` was found as another shard's `café.weight`.
    private let positionOfName: [ExactText: Int]?

    public init(path: String, files: [SafetensorsFile], config: ModelConfig? = nil,
                tokenizerFiles: TokenizerFiles = TokenizerFiles(),
                source: CheckpointSource = CheckpointSource(kind: .file), sourceIssues: [SourceIssue] = []) {
        self.init(path: path, files: files.map(CheckpointFile.init), config: config, tokenizerFiles: tokenizerFiles,
                  source: source, sourceIssues: sourceIssues)
    }

    /// `loadOrder`: indices into `files` in the order a loader reads them, each file's copy of a
    /// name replacing an earlier file's. transformers 5.25 reads the shards an index names sorted
    /// by name and merges their keys in that order (`ShardedLoader`), so a name stored in two
    /// shards is the copy in the shard that sorts last: `tensors` and `tensor(named:)` hold that
    /// copy only, and every command analyses, compares and lists the same one. Why: `diff`
    /// compared the first shard's copy (the index's order) where transformers loads the other
    /// (hunt-52a D9; `TestData/sharded-duplicate`). nil: the first file's copy, the others kept.
    public init(path: String, files: [CheckpointFile], config: ModelConfig? = nil,
                tokenizerFiles: TokenizerFiles = TokenizerFiles(),
                source: CheckpointSource = CheckpointSource(kind: .file), sourceIssues: [SourceIssue] = [],
                loadOrder: [Int]? = nil) {
        self.path = path
        self.files = files
        self.config = config
        self.tokenizerFiles = tokenizerFiles
        self.source = source
        // Unusable config.json values are reported with the source problems.
        self.sourceIssues = sourceIssues + (config?.sourceIssues ?? []) + files.flatMap(\.formatIssues)
        // One file's table is shared, not copied (5 MB for 50,000 tensors).
        var tensors = files.count == 1 ? files[0].tensors : files.flatMap(\.tensors)
        var starts: [Int] = []
        var count = 0
        for file in files {
            starts.append(count)
            count += file.tensors.count
        }
        if files.count > 1 {
            var positions: [ExactText: Int] = [:]
            positions.reserveCapacity(tensors.count)
            var repeated = false
            for (i, view) in tensors.enumerated() {
                let key = ExactText(view.name)
                if positions[key] == nil { positions[key] = i } else { repeated = true }
            }
            // Only a checkpoint with a name stored twice pays for the second pass.
            if repeated, let loadOrder {
                var rank = Array(repeating: -1, count: files.count)
                for (position, file) in loadOrder.enumerated() where files.indices.contains(file) { rank[file] = position }
                var fileOfPosition: [Int] = []
                fileOfPosition.reserveCapacity(tensors.count)
                for (file, contents) in files.enumerated() { fileOfPosition += repeatElement(file, count: contents.tensors.count) }
                func fileIndex(_ position: Int) -> Int { fileOfPosition[position] }
                var kept: [ExactText: Int] = [:]
                for (i, view) in tensors.enumerated() {
                    let key = ExactText(view.name)
                    if let other = kept[key], rank[fileIndex(other)] >= rank[fileIndex(i)] { continue }
                    kept[key] = i
                }
                let keep = Set(kept.values)
                tensors = tensors.indices.filter(keep.contains).map { tensors[$0] }
                positions = [:]
                for (i, view) in tensors.enumerated() { positions[ExactText(view.name)] = i }
                // File starts no longer index `tensors`; with several files only `positionOfName` is used.
                starts = []
            }
            positionOfName = positions
        } else {
            positionOfName = nil
        }
        self.tensors = tensors
        self.firstTensorOfFile = starts
    }

    /// The most entries `slicing` splits a tensor into: a tensor with a longer first dimension
    /// stays whole. llama.cpp's own limit on experts (`LLAMA_MAX_EXPERTS`, 1,024, in
    /// `src/llama-hparams.h` as vendored by llama-cpp-python 0.3.36; its loader asserts it), far
    /// above any model's (DeepSeek-V3 has 256, Qwen3-Next 512).
    package static let maximumEntries = 1_024

    /// The most entries `slicing` makes in all, across tensors, whatever its `budget`: each is
    /// a tensor of its own in every later step (~800 bytes). A conversion of Qwen3-Next, 48
    /// layers × 3 stacks × 512 experts, makes 73,728.
    package static let maximumEntriesInAll = 262_144

    /// This checkpoint with each tensor named in `slices` replaced, in place, by its entries
    /// along dimension 0 (`TensorView.slice(at:)`, named `name[index]`), then each tensor or entry
    /// named in `rowRanges` replaced by those rows (`TensorView.rows(_:)`, named `name[a:b]`) when
    /// the ranges cover its rows exactly, each once, in order; files, config and source unchanged.
    /// A tensor that cannot be cut so, or whose pieces' names another tensor already has, stays
    /// whole. Why: `diff` pairs a Hub checkpoint's per-expert matrices with the entries of the
    /// GGUF tensor llama.cpp stacks them into (`StackedSlices`), and the halves of a merged
    /// matrix with the two the converter splits it into; every check of pairs, "only in" lists
    /// included, then sees each piece as a tensor. `budget`: the most pieces made in all (capped
    /// by `maximumEntriesInAll`); tensors past it stay whole, in this checkpoint's order.
    package func slicing(_ slices: Set<ExactText>, rowRanges: [ExactText: [Range<Int>]] = [:],
                         budget: Int = maximumEntriesInAll) -> Checkpoint {
        let budget = min(budget, Self.maximumEntriesInAll)
        // hunt-55a A1: a 17 MB file declaring 2^22 entries took 2 minutes and 3.2 GB.
        guard !slices.isEmpty || !rowRanges.isEmpty else { return self }
        var replaced: [TensorView] = []
        var changed = false
        var made = 0
        // Names of this checkpoint and of the pieces made so far: a piece must not take a name
        // either has.
        var taken = Set(tensors.lazy.map { ExactText($0.name) })
        func cut(_ view: TensorView, into pieces: (TensorView) -> [TensorView]) -> [TensorView]? {
            let made = pieces(view)
            guard !made.isEmpty, made.allSatisfy({ !taken.contains(ExactText($0.name)) }) else { return nil }
            for piece in made { taken.insert(ExactText(piece.name)) }
            return made
        }
        func rowPieces(_ view: TensorView) -> [TensorView]? {
            guard let ranges = rowRanges[ExactText(view.name)], made + ranges.count <= budget,
                  Self.partition(ranges, rows: view.rowCount, shape: view.info.shape) else { return nil }
            return cut(view) { whole in
                let pieces = ranges.compactMap { whole.rows($0) }
                return pieces.count == ranges.count ? pieces : []
            }
        }
        for view in tensors {
            if slices.contains(ExactText(view.name)), view.info.shape.count >= 2, view.info.shape[0] <= UInt64(Self.maximumEntries),
               made + Int(view.info.shape[0]) <= budget,
               let entries = cut(view, into: { whole in
                   let entries = (0 ..< Int(clamping: whole.info.shape[0])).compactMap { whole.slice(at: $0) }
                   return entries.count == Int(whole.info.shape[0]) ? entries : []
               }) {
                made += entries.count
                changed = true
                for entry in entries {
                    if let pieces = rowPieces(entry) {
                        replaced += pieces
                        made += pieces.count
                    } else {
                        replaced.append(entry)
                    }
                }
            } else if let pieces = rowPieces(view) {
                replaced += pieces
                made += pieces.count
                changed = true
            } else {
                replaced.append(view)
            }
        }
        guard changed else { return self }
        var positions: [ExactText: Int] = [:]
        positions.reserveCapacity(replaced.count)
        for (i, view) in replaced.enumerated() where positions[ExactText(view.name)] == nil { positions[ExactText(view.name)] = i }
        return Checkpoint(path: path, files: files, tensors: replaced, config: config, tokenizerFiles: tokenizerFiles, source: source,
                          sourceIssues: sourceIssues, positionOfName: positions)
    }

    /// Whether `ranges`, in order, cover `0 ..< rows` exactly, each row once, of a tensor of rank
    /// ≥ 2 (`shape`).
    static func partition(_ ranges: [Range<Int>], rows: Int, shape: [UInt64]) -> Bool {
        guard shape.count >= 2, !ranges.isEmpty else { return false }
        var next = 0
        for range in ranges {
            guard range.lowerBound == next, !range.isEmpty else { return false }
            next = range.upperBound
        }
        return next == rows
    }

    /// Every stored property as given: `slicing`'s copy, whose tensors are no file's table.
    private init(path: String, files: [CheckpointFile], tensors: [TensorView], config: ModelConfig?, tokenizerFiles: TokenizerFiles,
                 source: CheckpointSource, sourceIssues: [SourceIssue], positionOfName: [ExactText: Int]) {
        self.path = path
        self.files = files
        self.tensors = tensors
        self.config = config
        self.tokenizerFiles = tokenizerFiles
        self.source = source
        self.sourceIssues = sourceIssues
        self.firstTensorOfFile = []
        self.positionOfName = positionOfName
    }

    /// Opens whatever `path` names: a `.safetensors` file, a `.safetensors.zst` file, a
    /// `*.safetensors.index.json` with its shards, or a model folder. `config.json` beside
    /// it is read when present; tokenizer files beside it are recorded (`tokenizerFiles`). Throws only when nothing sensible can be analysed; shard and
    /// index inconsistencies are returned in `sourceIssues` instead.
    /// Limits come from `SourceLimits.fromEnvironment()`: an invalid
    /// `TENSORAUDIT_MAX_DECOMPRESSED_BYTES` is an error.
    public static func open(path: String) throws(CheckpointError) -> Checkpoint {
        try open(path: path, limits: SourceLimits.fromEnvironment())
    }

    /// `open(path:)` with explicit limits (decompression cap, index size).
    ///
    /// With `overlappingDecompression`, a single-frame `.zst` file whose frame declares its
    /// size is decoded on a thread of its own and `open` returns as soon as the header is
    /// decoded: reading a tensor's bytes waits for them, so a scan in file order runs alongside
    /// the decoder instead of after it. Call `waitUntilLoaded()` before trusting results: it
    /// throws when the rest of the file failed to decode (the bytes past the failure read as
    /// zeros).
    /// `limits` defaults to `SourceLimits.fromEnvironment()`.
    public static func open(path: String, limits: SourceLimits? = nil,
                            overlappingDecompression: Bool) throws(CheckpointError) -> Checkpoint {
        let chosen: SourceLimits
        if let limits { chosen = limits } else { chosen = try SourceLimits.fromEnvironment() }
        return try CheckpointLoader(limits: chosen, overlapDecompression: overlappingDecompression).open(path)
    }

    /// `open(path:)` for a caller that reads headers only (`inspect`): a single-frame `.zst`
    /// whose frame declares its size is decoded only through its safetensors header, not whole
    /// (a 5 KB header at the start of a 0.5 GB frame took the full 0.4 s decode). Tensor bytes
    /// of such a checkpoint are not available: `waitUntilLoaded()` throws, and reading them
    /// gives zeros. Everything else opens as `open(path:)` does.
    public static func openHeaderOnly(path: String) throws(CheckpointError) -> Checkpoint {
        var loader = CheckpointLoader(limits: try SourceLimits.fromEnvironment())
        loader.headerOnly = true
        return try loader.open(path)
    }

    /// `open(path:)` with explicit limits (decompression cap, index size).
    public static func open(path: String, limits: SourceLimits) throws(CheckpointError) -> Checkpoint {
        try CheckpointLoader(limits: limits).open(path)
    }

    /// Every file this checkpoint was read from, or may be read from: the checkpoint files (or
    /// the `.zst` file), the index, config.json and the tokenizer files beside it (`tokens`,
    /// `padding`, `rows` and `audit` read them). The CLI refuses to write a report over any of
    /// them: `--output tokenizer.json` once replaced the tokenizer a run had just read.
    public var inputPaths: [String] {
        files.map(\.path) + [source.indexPath, source.configPath].compactMap { $0 } + tokenizerFiles.paths
    }

    /// Waits until every byte of the checkpoint is available and throws when decoding a
    /// compressed file failed; immediate for files on disk and fully decoded inputs.
    public func waitUntilLoaded() throws(CheckpointError) {
        for file in files { try file.mapping.waitUntilComplete() }
    }

    /// The tensor called `name` (the same code points), or `nil`. With a name in two shards,
    /// the copy a loader uses (`init`'s `loadOrder`).
    public func tensor(named name: String) -> TensorView? {
        if let positionOfName { return positionOfName[ExactText(name)].map { tensors[$0] } }
        for (i, file) in files.enumerated() {
            if let position = file.position(of: name) { return tensors[firstTensorOfFile[i] + position] }
        }
        return nil
    }

    /// Merged `__metadata__` of all files (first file wins on conflicting keys).
    public var metadata: [ExactText: String] {
        var merged: [ExactText: String] = [:]
        for file in files {
            for (key, value) in file.metadata ?? [:] where merged[key] == nil { merged[key] = value }
        }
        return merged
    }
}

extension Checkpoint {
    /// Whether a file named `name` in a checkpoint's folder is one tensoraudit may read when the
    /// folder is audited (weights, shard index, config.json, tokenizer files): `--output` does
    /// not create or replace such a file there (`ReportWriter.outputProblem`).
    public static func isReadInFolder(fileName name: String) -> Bool {
        CheckpointLoader.isReadInFolder(fileName: name)
    }
}
