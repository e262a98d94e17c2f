import CheckpointIO
import StrictJSON

/// Turns the source problems `CheckpointIO` reports as plain values into findings: the rule,
/// its severity, the message and the evidence are decided here, next to the catalog, so the
/// loader never writes a rule id.
///
/// | issue | rule | level |
/// |---|---|---|
/// | `missingShard` | `missing-shard` | error |
/// | `indexMismatch` | `index-mismatch` | error |
/// | `metadataAlias` | `metadata-alias` | info |
/// | `tensorInTwoShards` | `tensor-in-two-shards` | error |
/// | `unindexedTensor` | `unindexed-tensor` | warning |
/// | `strayShard` | `stray-shard` | warning |
/// | `indexDuplicateKey` | `index-duplicate-key` | error |
/// | `indexInvalidPath` | `index-invalid-path` | error |
/// | `totalSizeInvalid`, `totalSizeExceedsShards` / `totalSizeDiffers` | `index-total-size` | error / warning |
/// | `indexEmpty` | `index-empty` | warning |
/// | `configInvalidValue` | `config-invalid-value` | warning |
/// | `ignoredIndex` | `ignored-index` | warning |
/// | `ignoredCompressedCopy` | `ignored-compressed-copy` | info |
/// | `torchWeightsOnlyRefuses`, `torchSafeLoaderRefusesGlobals` | `torch-weights-only-refuses` | warning |
/// | `torchDeviceStorages` | `torch-device-storage` | info |
public enum SourceRules {
    /// The findings of every source issue of `checkpoint`, in the order they were found.
    public static func findings(_ checkpoint: Checkpoint) -> [Finding] {
        checkpoint.sourceIssues.map(finding)
    }

    public static func finding(_ issue: SourceIssue) -> Finding {
        let file = issue.file
        switch issue.kind {
        case .ignoredIndex(let indexes):
            return Finding(.ignoredIndex,
                           message: "the folder holds both model.safetensors and \(indexes.first ?? ""); model.safetensors is used, as transformers does",
                           evidence: ["indexes": .strings(indexes)], file: file)
        case .ignoredCompressedCopy(let read, let copy):
            return Finding(.ignoredCompressedCopy,
                           message: "the folder holds \(quotedName(read)) and \(quotedName(copy)), by its name a zstd copy of it; "
                               + "\(quotedName(read)) is read, \(quotedName(copy)) is not (name it to check it)",
                           evidence: ["read": .string(read), "copy": .string(copy)], file: file)
        case .indexDuplicateKey(let tensor, let offsets, let shards):
            let first = offsets.first ?? 0, second = offsets.last ?? 0
            return Finding(.indexDuplicateKey, tensors: [tensor],
                           message: "weight_map lists \(quotedName(tensor)) twice (bytes \(first) and \(second)); "
                               + "JSON readers keep the last value, \(quotedName(shards.last ?? ""))",
                           evidence: ["offsets": .unsignedIntegers(offsets.map { UInt64($0) }), "shards": .strings(shards)],
                           file: file)
        case .indexInvalidPath(let shard, let problem, let tensors):
            return Finding(.indexInvalidPath, tensors: tensors,
                           message: "weight_map shard name \(quotedName(shard)) \(problem); it is not opened",
                           evidence: ["shard": .string(shard), "tensors": .int(Int64(tensors.count))], file: file)
        case .missingShard(let shard, let tensors, let elsewhere):
            var message = "shard \(quotedName(shard)) named by the index is missing; "
            let unread = tensors.count - elsewhere.count
            if elsewhere.isEmpty {
                message += "its \(counted(tensors.count, "tensor")) cannot be checked"
            } else {
                // Read from the shard that holds them: say so, or "cannot be checked" contradicts
                // a `diff` that compared them.
                message += "\(elsewhere.count) of its \(counted(tensors.count, "tensor")) \(elsewhere.count == 1 ? "is" : "are") in another shard, "
                    + "where the index does not place \(elsewhere.count == 1 ? "it" : "them"), and \(elsewhere.count == 1 ? "is" : "are") read from there "
                    + "(a loader that follows the index fails)" + (unread > 0 ? "; \(unread) cannot be checked" : "")
            }
            return Finding(.missingShard, tensors: tensors, message: message,
                           evidence: ["shard": .string(shard), "tensors": .int(Int64(tensors.count)),
                                      "found_elsewhere": .strings(elsewhere)], file: file)
        case .totalSizeInvalid(let text):
            return Finding(.indexTotalSize,
                           message: "metadata.total_size is \(text), not a non-negative integer byte count",
                           evidence: ["total_size": .string(text)], file: file)
        case .totalSizeExceedsShards(let declared, let data, let capacity):
            return Finding(.indexTotalSize,
                           message: "metadata.total_size \(declared) exceeds the \(capacity) bytes the shards can hold",
                           evidence: totalSizeEvidence(declared, data, capacity), file: file)
        case .totalSizeDiffers(let declared, let data, let capacity):
            // Shared storage is counted once by huggingface_hub: a difference is only a warning.
            return Finding(.indexTotalSize, severity: .warning,
                           message: "metadata.total_size \(declared) differs from the \(data) data bytes in the shards",
                           evidence: totalSizeEvidence(declared, data, capacity), file: file)
        case .tensorInTwoShards(let tensors, let shards):
            // transformers 5.25 merges the index's shards in name order, a later copy replacing an
            // earlier one: the copy used is the last shard's by name (`Checkpoint`'s `loadOrder`),
            // which every command reads. "which copy a loader uses depends on the loader" left
            // open which copy `diff` had compared (hunt-52a D9).
            let loaded = shards.max { ExactText.precedes($0, $1) } ?? ""
            return Finding(.tensorInTwoShards, tensors: tensors,
                           message: "\(tensors.count) tensor(s) present in \(shards.count) shards (\(shards.joined(separator: ", "))); "
                               + "transformers reads the index's shards in name order, a later copy replacing an earlier one, so it loads "
                               + "the copy in \(loaded), the one analysed here; another loader may read another",
                           evidence: ["shards": .strings(shards), "loaded_from": .string(loaded)], file: file)
        case .metadataAlias(let removed, let kept, let shard):
            return Finding(.metadataAlias, tensors: [removed, kept],
                           message: "\(quotedName(removed)) is indexed but not stored; __metadata__ records it as an alias of \(quotedName(kept))",
                           // `kept`/`removed` as the single-file alias has them (TieAnalysis); `alias_of`
                           // (= `kept`) stays for schema version 2's readers.
                           evidence: ["alias_of": .string(kept), "shard": .string(shard),
                                      "kept": .string(kept), "removed": .string(removed)], file: file)
        case .indexMismatch(let shard, let tensors, let elsewhere):
            var message = "\(tensors.count) tensor(s) the index maps to \(quotedName(shard)) are not in that shard"
            if !elsewhere.isEmpty { message += " (\(elsewhere.count) found in another shard)" }
            return Finding(.indexMismatch, tensors: tensors, message: message,
                           evidence: ["shard": .string(shard), "found_elsewhere": .strings(elsewhere)], file: file)
        case .unindexedTensor(let shard, let tensors):
            return Finding(.unindexedTensor, tensors: tensors,
                           message: "\(tensors.count) tensor(s) in \(quotedName(shard)) are not listed in the index "
                               + "(a stale index, or an overlay shard); transformers would not load them",
                           evidence: ["shard": .string(shard)], file: file)
        case .indexEmpty:
            return Finding(.indexEmpty, message: "weight_map is empty: the index names no tensor, so nothing was checked",
                           evidence: ["entries": .int(0)], file: file)
        case .configInvalidValue(let key, let text, let expected, let use):
            return Finding(.configInvalidValue,
                           message: "config.json \(key) is \(text), not \(expected); \(use ?? "it is not used")",
                           // `use` too when the value is used anyway (README; it was in the message only).
                           evidence: ["key": .string(key), "value": .string(text)].merging(use.map { ["use": .string($0)] } ?? [:]) { a, _ in a },
                           file: file)
        case .ggufProblem(let description, let tensor):
            return Finding(.ggufProblem, tensors: tensor.map { [$0] } ?? [], message: description,
                           evidence: ["problem": .string(description)], file: file)
        case .ggufVocabularyMismatch(let tokens, let tensor, let rows):
            return Finding(.ggufVocabularyMismatch, tensors: [tensor],
                           message: "tokenizer.ggml.tokens holds \(tokens) tokens but \(quotedName(tensor)) has \(rows) rows; llama.cpp refuses the file",
                           evidence: ["tokens": .int(Int64(tokens)), "rows": .int(Int64(rows))], file: file)
        case .torchWeightsOnlyRefuses(let opcodes, let pickleProtocol, let torchVersion):
            return Finding(.torchWeightsOnlyRefuses,
                           message: "torch.load's default (weights_only=True, torch \(torchVersion)) refuses this file: its pickle "
                               + "(protocol \(pickleProtocol)) uses \(opcodes.joined(separator: ", ")), which the weights-only unpickler does not run; "
                               + "it loads only with weights_only=False, which runs the pickle (re-save it with torch.save's default protocol 2)",
                           evidence: ["opcodes": .strings(opcodes), "pickle_protocol": .int(Int64(pickleProtocol)),
                                      "torch_version": .string(torchVersion)], file: file)
        case .torchSafeLoaderRefusesGlobals(let globals, let torchVersion):
            return Finding(.torchWeightsOnlyRefuses,
                           message: "torch.load's default (weights_only=True, torch \(torchVersion)) refuses this file: its pickle names "
                               + "\(globals.joined(separator: ", ")), outside the safe loader's list, which only records torch's version as text; "
                               + "it loads with weights_only=True after torch.serialization.add_safe_globals of it. The tensors were read here (nothing was executed)",
                           evidence: ["globals": .strings(globals), "torch_version": .string(torchVersion)], file: file)
        case .torchDeviceStorages(let locations, let storages, let total):
            let shown = locations.map(quotedName).joined(separator: ", ")
            return Finding(.torchDeviceStorage,
                           message: "\(storages) of \(total) storages \(storages == 1 ? "was" : "were") saved from \(shown): torch.load(path) puts "
                               + "\(storages == 1 ? "it" : "them") back there, which fails where \(locations.count == 1 ? "that device is" : "those devices are") missing; "
                               + "torch.load(path, map_location=\"cpu\") reads \(storages == 1 ? "it" : "them") (the tensors were read here)",
                           evidence: ["locations": .strings(locations), "storages": .int(Int64(storages)), "total": .int(Int64(total))], file: file)
        case .strayShard(let name):
            return Finding(.strayShard,
                           message: "\(quotedName(name)) sits beside the index but is not named by it; it is not loaded",
                           evidence: ["shard": .string(name)], file: file)
        }
    }

    /// "1 tensor", "2 tensors".
    private static func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    private static func totalSizeEvidence(_ declared: UInt64, _ data: UInt64, _ capacity: UInt64) -> [String: Evidence] {
        ["total_size": .int(Int64(clamping: declared)), "data_bytes": .int(Int64(clamping: data)),
         "capacity_bytes": .int(Int64(clamping: capacity))]
    }
}
