/// A problem with how a checkpoint is put together (its index, its shards, its folder) that
/// does not stop the tensors from being read: the checkpoint still opens and the issue is
/// reported next to the analysis findings.
///
/// Reported as `Finding`s with these rules (stable identifiers, documented in the
/// README under "Checkpoint sources"):
///
/// | rule | level | when |
/// |---|---|---|
/// | `missing-shard` | error | a shard named by the index is not on disk |
/// | `index-mismatch` | error | the index maps a tensor to a shard whose header lacks it |
/// | `metadata-alias` | info | such a tensor is explained by a `__metadata__` alias |
/// | `tensor-in-two-shards` | error | a tensor name is present in two shards |
/// | `unindexed-tensor` | warning | a shard holds a tensor the index does not list |
/// | `stray-shard` | warning | a `.safetensors` file in the folder that the index does not name |
/// | `index-duplicate-key` | error | a tensor key twice in `weight_map` (the last one is used) |
/// | `index-invalid-path` | error | a shard name that is absolute, has `..`, a drive, or is not `.safetensors` |
/// | `index-total-size` | error / warning | `total_size` not an integer or larger than the shards (error), or ≠ their data bytes (warning) |
/// | `ignored-index` | warning | a folder holds both `model.safetensors` and an index; the single file is used |
public typealias SourceIssue = Finding

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
