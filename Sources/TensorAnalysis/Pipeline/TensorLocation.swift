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

    /// The locations of the tensors `findings` name, every copy of a name in checkpoint order
    /// (a name two shards hold has two), keyed by code points: keyed by `String`, the finding on
    /// one spelling of `café.weight` was located in the shard of the other. A finding naming
    /// a name twice means its copies in that order; both were located in the first shard before
    /// (helper review, 2026-12-05). A sharded checkpoint now holds one copy of each name, the
    /// one transformers loads (`Checkpoint`'s `loadOrder`), so its findings are located there.
    static func of(tensorsIn findings: [Finding], in checkpoint: Checkpoint) -> [ExactText: [TensorLocation]] {
        var locations: [ExactText: [TensorLocation]] = [:]
        // Names a finding repeats: only these need every copy (a walk over all tensors); the
        // others are looked up once (a 50,000-tensor audit names few).
        var repeated = Set<ExactText>()
        for finding in findings where finding.tensors.count > 1 {
            var seen = Set<ExactText>()
            for name in finding.tensors where !seen.insert(ExactText(name)).inserted { repeated.insert(ExactText(name)) }
        }
        if !repeated.isEmpty {
            for view in checkpoint.tensors where repeated.contains(ExactText(view.name)) {
                locations[ExactText(view.name), default: []].append(TensorLocation(file: view.path, byteRange: view.fileByteRange))
            }
        }
        for finding in findings {
            for name in finding.tensors where locations[ExactText(name)] == nil {
                guard let view = checkpoint.tensor(named: name) else { continue }
                locations[ExactText(name)] = [TensorLocation(file: view.path, byteRange: view.fileByteRange)]
            }
        }
        return locations
    }
}
