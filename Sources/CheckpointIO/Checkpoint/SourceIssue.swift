/// A problem with how a checkpoint is put together (its index, its shards, its folder) that
/// does not stop the tensors from being read: the checkpoint still opens and the issue is
/// reported next to the analysis findings.
///
/// A plain value: what was found, with the names and numbers behind it. This layer knows no
/// rule ids or severities; `TensorAnalysis.SourceRules` maps each kind to its rule (documented
/// in the README under "Checkpoint sources"), its message and its evidence.
public struct SourceIssue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A folder holds both `model.safetensors` and shard indexes; the single file is used.
        case ignoredIndex(indexes: [String])
        /// A folder holds `read` and `copy` = `read` + `.zst`; `read` is opened, `copy` is not.
        case ignoredCompressedCopy(read: String, copy: String)
        /// A tensor key twice in `weight_map` (JSON readers keep the last value).
        case indexDuplicateKey(tensor: String, offsets: [Int], shards: [String])
        /// A shard name that is absolute, has `..`, a drive, is not `.safetensors`, or resolves
        /// (through a link) outside the folder.
        case indexInvalidPath(shard: String, problem: String, tensors: [String])
        /// A shard named by the index is not on disk. `foundElsewhere`: those of its `tensors`
        /// that an opened shard holds (read from there, though the index does not place them).
        case missingShard(shard: String, tensors: [String], foundElsewhere: [String] = [])
        /// `metadata.total_size` is not a non-negative integer.
        case totalSizeInvalid(text: String)
        /// `metadata.total_size` is larger than the shards can hold.
        case totalSizeExceedsShards(declared: UInt64, dataBytes: UInt64, capacityBytes: UInt64)
        /// `metadata.total_size` differs from the shards' data bytes.
        case totalSizeDiffers(declared: UInt64, dataBytes: UInt64, capacityBytes: UInt64)
        /// Tensor names present in every one of `shards`.
        case tensorInTwoShards(tensors: [String], shards: [String])
        /// An indexed tensor that is not stored, explained by a `__metadata__` alias.
        case metadataAlias(removed: String, kept: String, shard: String)
        /// Tensors the index maps to `shard` that its header lacks (`foundElsewhere` of them
        /// are in another shard).
        case indexMismatch(shard: String, tensors: [String], foundElsewhere: [String])
        /// Tensors in `shard` that the index does not list.
        case unindexedTensor(shard: String, tensors: [String])
        /// A `.safetensors` file beside the index that the index does not name.
        case strayShard(name: String)
        /// The index's `weight_map` is empty: nothing was checked.
        case indexEmpty
        /// A GGUF file that reads, with a problem the reader noted (`GGUFProblem`: a tensor name
        /// over 64 bytes, a bool byte other than 0/1, a string value that is not UTF-8).
        case ggufProblem(description: String, tensor: String?)
        /// The GGUF tokenizer's vocabulary (`tokenizer.ggml.tokens`) and the rows of the token
        /// embedding disagree (llama.cpp refuses such a file: the tensor's shape is checked
        /// against the vocabulary).
        case ggufVocabularyMismatch(tokens: Int, tensor: String, rows: Int)
        /// A config.json value the audit would use is not what `expected` says; it is not used.
        /// `use`: what is done with it instead (nil: nothing).
        case configInvalidValue(key: String, text: String, expected: String, use: String?)
        /// A torch file whose pickle uses opcodes torch's weights-only unpickler lacks:
        /// `torch.load` with its default `weights_only=True` refuses it.
        /// `torchVersion` is the torch whose unpickler the opcode table was read from.
        case torchWeightsOnlyRefuses(opcodes: [String], pickleProtocol: Int, torchVersion: String)
        /// A torch file read although its pickle names globals torch's safe loader refuses,
        /// because they only build a value nothing reads (`RecognisedGlobals.harmlessOutsideSafeList`):
        /// `torch.load` with its default `weights_only=True` refuses it.
        case torchSafeLoaderRefusesGlobals(globals: [String], torchVersion: String)
        /// A torch file whose storages were saved from devices other than the CPU (`cuda:0`):
        /// `torch.load` puts each back there unless given `map_location`, and fails where that
        /// device is missing. `storages` of `total` storages name one of `locations`.
        case torchDeviceStorages(locations: [String], storages: Int, total: Int)
    }

    public var kind: Kind
    /// The file the issue is about, when it concerns one file of several.
    public var file: String?

    public init(_ kind: Kind, file: String? = nil) {
        self.kind = kind
        self.file = file
    }
}

/// What kind of source a checkpoint was opened from, and the files behind it.
public struct CheckpointSource: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// A `.safetensors` file named directly.
        case file
        /// A folder holding one safetensors file (`model.safetensors` or the only one).
        case directory
        /// An index and its shards (the index named directly, or found in a folder).
        case sharded
        /// A zstd-compressed safetensors file, decompressed into memory.
        case zstd
        /// Every part of a llama.cpp split GGUF model (`PREFIX-00001-of-0000N.gguf` …), read from
        /// its first part, as llama.cpp loads it.
        case ggufSplit = "gguf-split"
    }

    public var kind: Kind
    /// The `*.index.json` read, for sharded checkpoints.
    public var indexPath: String?
    /// `config.json` read beside the checkpoint.
    public var configPath: String?
    /// For zstd: the compressed size on disk and the decompressed size in memory.
    public var compressedBytes: UInt64?
    public var decompressedBytes: UInt64?

    public init(kind: Kind, indexPath: String? = nil, configPath: String? = nil,
                compressedBytes: UInt64? = nil, decompressedBytes: UInt64? = nil) {
        self.kind = kind
        self.indexPath = indexPath
        self.configPath = configPath
        self.compressedBytes = compressedBytes
        self.decompressedBytes = decompressedBytes
    }
}
