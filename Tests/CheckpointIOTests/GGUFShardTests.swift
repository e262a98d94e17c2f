import Testing
import CheckpointIO
import TestSupport

/// `TensorlessGGUFShard`: a GGUF shard without tensors whose data offset lies past its end.
@Suite struct GGUFShardTests {
    @Test("a GGUF shard without tensors whose data offset lies past its end opens: capacity 0, total_size checked")
    func tensorlessGGUFShard() throws {
        #expect(TensorlessGGUFShard.gguf.count == 48)
        let checkpoint = try Checkpoint.open(path: try TensorlessGGUFShard.folder())
        #expect(checkpoint.tensors.map(\.name) == ["a"])
        let shard = try #require(checkpoint.files.last)
        #expect(shard.fileSize == 48)
        #expect(shard.dataStart == 64)
        #expect(shard.dataCapacity == 0)
        // By hand: shard 1 holds 8 bytes of data in a file of `firstShard.count` bytes (its
        // capacity is that less the 8-byte length prefix); shard 2 holds none.
        let capacity = UInt64(TensorlessGGUFShard.firstShard.count - 8)
        #expect(checkpoint.sourceIssues.map(\.kind).contains(.totalSizeDiffers(declared: 16, dataBytes: 8, capacityBytes: capacity)),
                "\(checkpoint.sourceIssues)")
    }
}
