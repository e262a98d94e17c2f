import CheckpointIO
import StrictJSON

/// Where a tensor named in a finding lives: the file that holds it (a shard of a sharded
/// checkpoint) and its bytes in that file. Reports point at it, so a code-scanning dashboard
/// opens the shard that holds the tensor, not the folder.
public struct TensorLocation: Sendable, Equatable {
    /// The file as the checkpoint opened it (the `.zst` file for a compressed checkpoint).
    public var file: String
    /// Byte offsets in `file`, `[start, end)`; `nil` for decompressed bytes, which sit at no
    /// offset of the compressed file.
    public var byteRange: Range<UInt64>?

    public init(file: String, byteRange: Range<UInt64>?) {
        self.file = file
        self.byteRange = byteRange
    }

    /// The locations of the tensors `findings` name, looked up once per name (a checkpoint's
    /// first copy of a name held by two shards), keyed by code points: keyed by `String`, the
    /// finding on one spelling of `café.weight` was located in the shard of the other.
    static func of(tensorsIn findings: [Finding], in checkpoint: Checkpoint) -> [ExactText: TensorLocation] {
        var locations: [ExactText: TensorLocation] = [:]
        for finding in findings {
            for name in finding.tensors where locations[ExactText(name)] == nil {
                guard let view = checkpoint.tensor(named: name) else { continue }
                locations[ExactText(name)] = TensorLocation(file: view.path, byteRange: view.fileByteRange)
            }
        }
        return locations
    }
}
