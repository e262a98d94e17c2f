import Foundation
import Testing
import CheckpointIO
import TestSupport

/// `TensorView.fileByteRange`: where reports locate a tensor in its file.
@Suite struct FileByteRangeTests {
    @Test("a file on disk: 8 + header length + data_offsets, as the format defines them")
    func onDisk() throws {
        let path = Fixtures.path("toy-bert/model.safetensors")
        let checkpoint = try Checkpoint.open(path: path)
        let data = try Fixtures.data("toy-bert/model.safetensors")
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        for view in checkpoint.tensors {
            let offsets = try #require((header[view.name] as? [String: Any])?["data_offsets"] as? [Int])
            let range = try #require(view.fileByteRange)
            #expect(range == UInt64(8 + headerLength + offsets[0])..<UInt64(8 + headerLength + offsets[1]))
        }
    }

    @Test("a .zst checkpoint: no range (the bytes sit at no offset of the compressed file)")
    func decompressed() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("sources/zstd/model.safetensors.zst"))
        #expect(!checkpoint.tensors.isEmpty)
        #expect(checkpoint.tensors.allSatisfy { $0.fileByteRange == nil })
    }
}
