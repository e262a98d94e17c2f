// libFuzzer entry point over whole commands: the library paths behind `audit`, `rows`,
// `ties`, `padding` and `diff`, run in-process on a mutated file inside a folder.
//
// Built only by `make fuzz` (see Package.swift: the target exists when TENSORAUDIT_FUZZ is
// set). The first input byte picks which file of a small checkpoint folder the rest of the
// input replaces; the other files are fixed and valid:
//   0: model.safetensors (config.json beside it: pad 1, vocab 4, hidden 2)
//   1: the second shard of a two-shard folder with a fixed index
//   2: the index of that folder
//   3: config.json beside a fixed model.safetensors
// Then every analysis runs on what opened: `AuditPipeline.run` (all rules and the policy),
// `RowSummary.summaries` (rows), `TieAnalysis` (ties), `PaddingAnalysis` (padding) and
// `CheckpointDiff` against the fixed model (diff). A thrown error is the expected outcome
// for most inputs; only a trap, a hang (libFuzzer's -timeout) or a sanitizer report is a
// finding.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SafetensorsFormat
import TensorAnalysis
import CheckpointIO
import TensorScan
import FuzzDriver

/// A safetensors file from its header JSON and data (header padded with spaces to 8 bytes).
func safetensors(_ header: String, _ data: [UInt8]) -> [UInt8] {
    var json = Array(header.utf8)
    while json.count % 8 != 0 { json.append(0x20) }
    let length = UInt64(json.count)
    return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + data
}

func float32(_ values: [Float]) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        let bits = value.bitPattern
        return (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt32($0))) }
    }
}

/// A 4x2 F32 embedding (row 1 zero), its tied copy as lm_head, and a U8 vector: every analysis
/// has something to do.
let embedding = float32([1, 2, 0, 0, 3, 4, 1, 2])
let model: [UInt8] = safetensors(
    #"{"embed_tokens.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[0,32]},"#
        + #""lm_head.weight":{"dtype":"F32","shape":[4,2],"data_offsets":[32,64]},"#
        + #""bias":{"dtype":"U8","shape":[3],"data_offsets":[64,67]}}"#,
    embedding + embedding + [1, 2, 3])
let shard1: [UInt8] = safetensors(#"{"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}"#,
                                  [0, 0x3F, 0, 0x40, 0, 0, 0, 0])
let index = Array(#"{"metadata": {"total_size": 16}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}"#.utf8)
let config = Array(#"{"model_type": "bert", "pad_token_id": 1, "vocab_size": 4, "hidden_size": 2}"#.utf8)

let root = NSTemporaryDirectory() + "tensoraudit-fuzz-\(getpid())"
let single = root + "/single", sharded = root + "/sharded", reference = root + "/reference.safetensors"

func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
    unlink(path)  // a fresh inode: earlier mappings keep the old bytes
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return }
    if let base = bytes.baseAddress { _ = Glibc.write(fd, base, bytes.count) }
    close(fd)
}

func write(_ bytes: [UInt8], to path: String) { bytes.withUnsafeBytes { write($0, to: path) } }

func prepare() {
    for folder in [single, sharded] { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    write(model, to: reference)
    write(model, to: single + "/model.safetensors")
    write(config, to: single + "/config.json")
    write(shard1, to: sharded + "/model-00001-of-00002.safetensors")
    write(shard1, to: sharded + "/model-00002-of-00002.safetensors")
    write(index, to: sharded + "/model.safetensors.index.json")
    write(config, to: sharded + "/config.json")
}

/// Every command's library path on the checkpoint at `path`.
func runCommands(_ path: String, against other: Checkpoint?) {
    guard let checkpoint = try? Checkpoint.open(path: path, limits: SourceLimits(maxDecompressedBytes: 64 << 20)) else { return }
    _ = try? AuditPipeline.run(checkpoint)
    let matrices = checkpoint.tensors.filter { $0.shape.count == 2 }
    _ = RowSummary.summaries(of: matrices).map { $0?.findings() }
    if let first = matrices.first, first.rowCount > 0 {
        _ = RowSummary(view: first)
        _ = first.rowMoments(in: 0..<min(first.rowCount, 3))
    }
    _ = TieAnalysis.findings(TieAnalysis.analyze(checkpoint))
    _ = try? PaddingAnalysis.findings(PaddingAnalysis.analyze(checkpoint))
    _ = try? PaddingAnalysis.analyze(checkpoint, padID: Int.max, tensors: [])
    if let other {
        _ = CheckpointDiff(a: checkpoint, b: other, topRows: Int.max)
        _ = CheckpointDiff(a: other, b: checkpoint, topRows: 0)
    }
}

nonisolated(unsafe) var referenceCheckpoint: Checkpoint?

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if referenceCheckpoint == nil {
        prepare()
        referenceCheckpoint = try? Checkpoint.open(path: reference, limits: .builtIn)
    }
    guard size >= 1, let data else { return 0 }
    let mode = data[0] % 4
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch mode {
    case 0:
        write(body, to: single + "/model.safetensors")
        runCommands(single, against: referenceCheckpoint)
        write(model, to: single + "/model.safetensors")
    case 1:
        write(body, to: sharded + "/model-00002-of-00002.safetensors")
        runCommands(sharded, against: referenceCheckpoint)
        write(shard1, to: sharded + "/model-00002-of-00002.safetensors")
    case 2:
        write(body, to: sharded + "/model.safetensors.index.json")
        runCommands(sharded, against: referenceCheckpoint)
        write(index, to: sharded + "/model.safetensors.index.json")
    default:
        write(body, to: single + "/config.json")
        runCommands(single, against: referenceCheckpoint)
        write(config, to: single + "/config.json")
    }
    return 0
}

runLibFuzzer(fuzzOneInput)
