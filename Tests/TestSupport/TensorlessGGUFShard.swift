import Foundation

/// A two-shard safetensors folder whose second shard holds a GGUF file without tensors (`make
/// fuzz-commands` found it, 2026-12-04: every command trapped on it). The GGUF reader, like
/// gguf-py, accepts such a file even when it ends before its aligned data offset; the index's
/// `total_size` check then subtracted that offset from the file size in unsigned arithmetic.
public enum TensorlessGGUFShard {
    /// GGUF version 3, no tensors, one key "k" = false: 38 bytes of header, then 10 zero bytes,
    /// 48 in all. The data section would start at the next multiple of 32 (the default
    /// `general.alignment`), byte 64: past the end of the file.
    public static let gguf: [UInt8] = {
        var bytes = Array("GGUF".utf8)
        func little<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        little(UInt32(3))            // version
        little(UInt64(0))            // tensors
        little(UInt64(1))            // key-value pairs
        little(UInt64(1))            // key length
        bytes += Array("k".utf8)
        little(UInt32(7))            // GGUF_TYPE_BOOL
        bytes.append(0)              // false
        return bytes + [UInt8](repeating: 0, count: 48 - bytes.count)
    }()

    /// The first shard: tensor "a", BF16 [2, 2] (8 data bytes, the second row zero).
    public static let firstShard: [UInt8] = SafetensorsWriter(entries: [
        .init(name: "a", dtype: .bf16, shape: [2, 2], bytes: [0, 0x3F, 0, 0x40, 0, 0, 0, 0]),
    ]).serialize()

    /// Writes the folder (the two shards and an index declaring `total_size` 16 and a tensor
    /// "b" in the GGUF shard) and returns its path.
    public static func folder() throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        try Data(firstShard).write(to: folder.appendingPathComponent("model-00001-of-00002.safetensors"))
        try Data(gguf).write(to: folder.appendingPathComponent("model-00002-of-00002.safetensors"))
        let index = #"{"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors", "#
            + #""b": "model-00002-of-00002.safetensors"}}"#
        try Data(index.utf8).write(to: folder.appendingPathComponent("model.safetensors.index.json"))
        return folder.path
    }
}
