import CheckpointIO

// Findings about what an audit covered: nothing (`no-tensors`), or one part of a model
// (`partial-checkpoint`).

/// Rule `no-tensors`: a checkpoint that holds no tensor at all.
///
/// Why: a safetensors file with an empty header, a vocabulary-only GGUF file (llama.cpp ships
/// them for tokenizer tests) or a torch file without tensors is valid, and an audit of it found
/// nothing because it checked nothing; a CI job pointed at the wrong file must not read that
/// as a pass. Not added when another finding already says why nothing was read: an empty
/// index (`index-empty`) or an error (missing shards, an unsafe pickle).
enum NoTensors {
    static func findings(_ checkpoint: Checkpoint, alongside others: [Finding]) -> [Finding] {
        guard checkpoint.tensors.isEmpty,
              !others.contains(where: { $0.severity == .error || $0.rule == .indexEmpty }) else { return [] }
        return [Finding(.noTensors, message: "the checkpoint holds no tensors, so no weight was checked",
                        evidence: ["tensors": .int(0)], file: checkpoint.path)]
    }
}

/// Rule `partial-checkpoint`: the checkpoint is one part of a larger one
/// (`Checkpoint.partialDescription`: a file named as shard i of n, alone; a GGUF split). An index
/// missing shards is `missing-shard`'s, an error already.
///
/// Why: `audit model-00001-of-00002.safetensors` (or the first gguf-split part) passed with no
/// finding, having checked half the model (adversarial review, 2026-12-05).
enum PartialCheckpoint {
    static func findings(_ checkpoint: Checkpoint) -> [Finding] {
        guard checkpoint.source.kind != .sharded, let why = checkpoint.partialDescription, let file = checkpoint.files.first else { return [] }
        // A split GGUF model is read whole from its first part, as llama.cpp loads it;
        // safetensors and torch shards have an index.
        let advice = if case .gguf = file.format { "name the first part (PREFIX-00001-of-N.gguf) or the folder to read every part" }
            else { "audit the folder or its index to read every shard" }
        return [Finding(.partialCheckpoint, message: "\(why): the other parts were not read, so this audit checked only part of the model; \(advice)",
                        evidence: ["reason": .string(why)], file: file.path)]
    }
}
