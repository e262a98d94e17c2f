import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// `diff` text groups q/k tensors by their row-order statement; with a statement per layer
/// (a per-layer head-count list of zeros: "head_count[i] is 0") the grouping must stay linear
/// in the tensors (a search of the groups per tensor took 0.2 s for 5,000 layers, 2.0 s for 20,000).
@Suite struct DiffRowOrderScaleTests {
    /// A GGUF v3 llama file: `llama.attention.head_count` an int32 list of `layers` zeros, and
    /// one 2x2 F32 `blk.N.attn_q.weight` per layer (GGUF spec layout, little-endian, data
    /// aligned to 32 bytes, each tensor's offset too).
    static func gguf(layers: Int) -> [UInt8] {
        var bytes = Array("GGUF".utf8)
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        func string(_ s: String) { u64(UInt64(s.utf8.count)); bytes += Array(s.utf8) }
        u32(3); u64(UInt64(layers)); u64(2)
        string("general.architecture"); u32(8); string("llama")
        string("llama.attention.head_count"); u32(9); u32(5); u64(UInt64(layers))
        for _ in 0 ..< layers { u32(0) }
        for layer in 0 ..< layers {
            string("blk.\(layer).attn_q.weight"); u32(2); u64(2); u64(2); u32(0); u64(UInt64(layer * 32))
        }
        bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
        for _ in 0 ..< layers {  // 16 bytes of data, padded to the 32-byte alignment
            for _ in 0 ..< 4 { withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { bytes += $0 } }
            bytes += [UInt8](repeating: 0, count: 16)
        }
        return bytes
    }

    static func hub(layers: Int) -> [UInt8] {
        let one = withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { Array($0) }
        let entries = (0 ..< layers).map {
            SafetensorsWriter.Entry(name: "model.layers.\($0).self_attn.q_proj.weight", dtype: .f32, shape: [2, 2],
                                    bytes: Array([[UInt8]](repeating: one, count: 4).joined()))
        }
        return SafetensorsWriter(entries: entries).serialize()
    }

    @Test("a row-order statement per layer: diff's text report stays linear in the layers")
    func groupingIsLinear() throws {
        let dir = try Fixtures.temporaryDirectory()
        var paths: [Int: (String, String)] = [:]
        for n in [2000, 8000] {
            let a = dir.appendingPathComponent("hub-\(n).safetensors"), b = dir.appendingPathComponent("llama-\(n).gguf")
            try Data(Self.hub(layers: n)).write(to: a)
            try Data(Self.gguf(layers: n)).write(to: b)
            paths[n] = (a.path, b.path)
        }
        let small = try #require(paths[2000])
        let first = try CLI.run(["diff", small.0, small.1])
        #expect(first.stdout.contains("row order: 1 tensor (\"model.layers.7.self_attn.q_proj.weight\"): head counts unknown "
                                      + "(GGUF metadata llama.attention.head_count[7] is 0"), "\(first.stdout.suffix(600))")
        let ratio = try LinearTime.ratio(2000, clock: .wall) { n in  // the work is a child process
            let (a, b) = try #require(paths[n])
            _ = try CLI.run(["diff", a, b])
        }
        #expect(ratio < LinearTime.bound, "4x the layers took \(ratio)x the time")
    }
}
