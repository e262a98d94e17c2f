// GB/s of the GGUF row kernels (moments per row) per ggml type, release build:
//   swift build -c release --product gguf-kernel-bench && .build/release/gguf-kernel-bench
// Input: 64 MiB of random blocks per type (finite scales), rows of 4096 values, so the data
// comes from memory, not cache; plus a 256 KiB working set (in L2) to show the kernel's own
// speed. Best of 5 passes (the machine is shared); GB/s counts the bytes read, not the values.
import Foundation
import GGUFFormat

/// `narrowScales`: every f16 scale of a row within one binade (exponent field 8, random sign and
/// mantissa) and no Q8_0 code −128, as in files quantized from real weights by gguf-py or
/// llama.cpp, where the AVX-512 Q8_0/Q4_0 kernels' any-order check passes; otherwise exponent
/// fields spread over 0–14 and random codes, which fail it (the ordered path).
func randomRow(_ type: GGMLType, bytes count: Int, seed: UInt64, narrowScales: Bool = true) -> [UInt8] {
    var state = seed
    var out = [UInt8](repeating: 0, count: count)
    for i in 0 ..< count {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        out[i] = UInt8(truncatingIfNeeded: state >> 33)
    }
    // Keep every f16 scale field and float value finite (the fast path), as real files are.
    let fields: [Int]
    switch type.name {
    case "Q8_0", "Q4_0", "Q5_0": fields = [0]
    case "Q4_1", "Q5_1", "Q4_K", "Q5_K": fields = [0, 2]
    case "Q6_K": fields = [208]
    case "F16": fields = Array(stride(from: 0, to: type.typeSize, by: 2))
    default: fields = []
    }
    for block in stride(from: 0, to: count, by: type.typeSize) {
        for field in fields {
            out[block + field + 1] = narrowScales && type.isQuantized ? 0x20 | (out[block + field + 1] & 0x83) : out[block + field + 1] & 0x3B
        }
    }
    if narrowScales && type.name == "Q8_0" {
        for i in 0 ..< count where i % type.typeSize >= 2 && out[i] == 0x80 { out[i] = 0x81 }
    }
    if type.name == "F32" || type.name == "BF16" {
        for i in stride(from: type.typeSize - 1, to: count, by: type.typeSize) { out[i] &= 0x3F }
    }
    return out
}

func measure(_ type: GGMLType, totalBytes: Int, passes: Int, portable: Bool = false, narrowScales: Bool = true) -> (best: Double, sink: Double) {
    let rowValues = 4096
    let rowBytes = rowValues / type.blockSize * type.typeSize
    let rows = max(1, totalBytes / rowBytes)
    let data = randomRow(type, bytes: rows * rowBytes, seed: UInt64(type.id) + 1, narrowScales: narrowScales)
    var best = 0.0, sink = 0.0
    data.withUnsafeBytes { raw in
        for _ in 0 ..< passes {
            let start = DispatchTime.now().uptimeNanoseconds
            for r in 0 ..< rows {
                let row = UnsafeRawBufferPointer(rebasing: raw[r * rowBytes ..< (r + 1) * rowBytes])
                sink += (try? GGUFRowDecoding.moments(ofRow: row, type: type, portable: portable).sumOfSquares) ?? 0
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = max(best, Double(rows * rowBytes) / seconds / 1e9)
        }
    }
    return (best, sink)
}

/// GB/s of the plainest read of the same kind of buffer on one core: 64-bit words summed, best of
/// `passes`. What "dequantization at memory speed" is measured against: a kernel at 1.0× this
/// reads its rows as fast as a loop that does nothing with the bytes.
func wordSum(totalBytes: Int, passes: Int) -> (best: Double, sink: Double) {
    let data = randomRow(.f32, bytes: totalBytes, seed: 7)
    var best = 0.0, sink: UInt64 = 0
    data.withUnsafeBytes { raw in
        let words = raw.count / 8
        for _ in 0 ..< passes {
            let start = DispatchTime.now().uptimeNanoseconds
            var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
            var i = 0
            while i + 4 <= words {
                s0 &+= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                s1 &+= raw.loadUnaligned(fromByteOffset: i * 8 + 8, as: UInt64.self)
                s2 &+= raw.loadUnaligned(fromByteOffset: i * 8 + 16, as: UInt64.self)
                s3 &+= raw.loadUnaligned(fromByteOffset: i * 8 + 24, as: UInt64.self)
                i += 4
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            sink &+= s0 &+ s1 &+ s2 &+ s3
            best = max(best, Double(words * 8) / seconds / 1e9)
        }
    }
    return (best, Double(sink & 1))
}

// Default path (AVX2 kernels where the CPU and type have one) and the portable Swift kernels.
// Last column: quantized rows whose scales span 15 binades (the AVX-512 kernels' check fails on
// Q8_0/Q4_0 and they sum in order).
let reference = wordSum(totalBytes: 64 << 20, passes: 9)
print(String(format: "one-core word sum of 64 MiB: %.2f GB/s (memory speed; ratio column = GB/s(64MiB) / this)", reference.best))
print("type    GB/s(64MiB)  ratio  Gvalues/s  GB/s(256KiB)  portable GB/s(64MiB)  wide-scale GB/s(64MiB)")
var sink = reference.sink
for type in GGMLType.all where GGUFRowDecoding.isDecodable(type) {
    let memory = measure(type, totalBytes: 64 << 20, passes: 5)
    let cache = measure(type, totalBytes: 256 << 10, passes: 50)
    let portable = measure(type, totalBytes: 64 << 20, passes: 5, portable: true)
    let wide = type.isQuantized ? measure(type, totalBytes: 64 << 20, passes: 5, narrowScales: false) : (best: Double.nan, sink: 0)
    sink += memory.sink + cache.sink + portable.sink + wide.sink
    let valuesPerByte = Double(type.blockSize) / Double(type.typeSize)
    print(type.name.padding(toLength: 8, withPad: " ", startingAt: 0),
          String(format: "%8.2f     %5.2fx  %6.2f     %8.2f      %8.2f              %8.2f", memory.best, memory.best / reference.best,
                 memory.best * valuesPerByte,
                 cache.best, portable.best, wide.best))
}
if sink == 42 { print(sink) }
