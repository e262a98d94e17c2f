// In-process micro-benchmark of header parsing and validation, run by `make bench`.
//
// Why in-process: the goal (issue 2) is parse + validate of a 50,000-tensor header under 40 ms;
// a subprocess timing would mostly measure process start-up and page faults. Best of N runs
// is reported because the machine is shared; the median is printed beside it for honesty.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SafetensorsFormat

/// A header shaped like a large transformer checkpoint: realistic names, mixed dtypes,
/// 2-D and 1-D shapes, offsets in file order. Only the header bytes exist; the file size
/// passed to the parser declares a data section of the matching length.
func makeHeader(tensorCount: Int) -> (bytes: [UInt8], fileSize: UInt64) {
    var json = "{\"__metadata__\":{\"format\":\"pt\"}"
    var offset: UInt64 = 0
    let kinds = ["self_attn.q_proj.weight", "self_attn.k_proj.weight", "self_attn.v_proj.weight",
                 "self_attn.o_proj.weight", "mlp.gate_proj.weight", "mlp.up_proj.weight",
                 "mlp.down_proj.weight", "input_layernorm.weight", "post_attention_layernorm.weight",
                 "self_attn.q_proj.bias"]
    for i in 0..<tensorCount {
        let kind = kinds[i % kinds.count]
        let oneD = kind.hasSuffix("norm.weight") || kind.hasSuffix("bias")
        let shape: [UInt64] = oneD ? [4096] : [UInt64(1024 + (i % 7) * 512), 4096]
        let dtype = i % 3 == 0 ? "F32" : "BF16"
        let size = shape.reduce(1, *) * (dtype == "F32" ? 4 : 2)
        json += ",\"model.layers.\(i / kinds.count).\(kind)\":{\"dtype\":\"\(dtype)\",\"shape\":["
            + shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(offset + size)]}"
        offset += size
    }
    json += "}"
    var header = Array(json.utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes += header
    return (bytes, UInt64(bytes.count) + offset)
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
let tensorCount = arguments.count > 1 ? Int(arguments[1]) ?? 50_000 : 50_000
let runs = arguments.count > 2 ? Int(arguments[2]) ?? 20 : 20
let (bytes, fileSize) = makeHeader(tensorCount: tensorCount)
var times: [Double] = []
var parsedTensors = 0
for _ in 0..<runs {
    let start = now()
    let header = bytes.withUnsafeBytes { prefix in
        try? SafetensorsHeader.parse(prefix: prefix, fileSize: fileSize)
    }
    times.append(now() - start)
    guard let header else {
        print("header-parse: FAILED to parse the generated header")
        exit(1)
    }
    parsedTensors = header.tensors.count
}
times.sort()
let header = String(format: "%.1f", Double(bytes.count - 8) / 1e6)
print("header-parse \(parsedTensors) tensors, \(header) MB header: best \(String(format: "%.1f", times[0] * 1000)) ms, "
    + "median \(String(format: "%.1f", times[times.count / 2] * 1000)) ms over \(runs) runs")
