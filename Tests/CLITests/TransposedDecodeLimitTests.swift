import Foundation
import Testing
import TestSupport

/// A GPT-2 Conv1D weight whose GGUF side is quantized is dequantized whole to be read
/// transposed; a file may declare any size, so past `transposedDecodeLimit` (2^26 values) the
/// pair is compared as stored and the report says why, instead of allocating without bound.
@Suite struct TransposedDecodeLimitTests {
    static let rows = 8_192, columns = 8_224  // 67,371,008 values, past 2^26

    /// A GGUF v3 file of architecture `gpt2` with one Q8_0 `blk.0.attn_qkv.weight` of
    /// [columns, rows] (row-major), its data a hole of zeros (sparse).
    static func gguf(_ path: String) throws {
        var bytes = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        u32(3); u64(1); u64(1)
        string("general.architecture"); u32(8); string("gpt2")
        string("blk.0.attn_qkv.weight"); u32(2); u64(UInt64(rows)); u64(UInt64(columns)); u32(8); u64(0)
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        let data = columns * (rows / 32 * 34)
        try Self.sparse(path, header: bytes, size: bytes.count + data)
    }

    /// A safetensors file with one F32 `transformer.h.0.attn.c_attn.weight` of [rows, columns],
    /// its data a hole of zeros.
    static func hub(_ path: String) throws {
        let size = rows * columns * 4
        var header = Array(#"{"transformer.h.0.attn.c_attn.weight":{"dtype":"F32","shape":[\#(rows),\#(columns)],"data_offsets":[0,\#(size)]}}"#.utf8)
        header += [UInt8](repeating: UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        let prefix = withUnsafeBytes(of: UInt64(header.count).littleEndian) { Array($0) } + header
        try Self.sparse(path, header: prefix, size: prefix.count + size)
    }

    static func sparse(_ path: String, header: [UInt8], size: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(header)) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    @Test("a quantized GPT-2 matrix past 2^26 values: compared as stored, and transpose says why")
    func largeQuantizedSide() throws {
        let folder = try Fixtures.temporaryDirectory().path
        let a = folder + "/hub.safetensors", b = folder + "/model.gguf"
        try Self.hub(a)
        try Self.gguf(b)
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensor = try #require((report["tensors"] as? [[String: Any]])?.first)
        let transpose = try #require(tensor["transpose"] as? [String: Any])
        #expect(transpose["transposed"] as? Bool == false)
        #expect((transpose["evidence"] as? String)?.contains("B's 67371008 quantized values are more than the 67108864 tensoraudit dequantizes whole") == true,
                "\(transpose)")
        #expect(tensor["comparable"] as? Bool == false)
    }
}
