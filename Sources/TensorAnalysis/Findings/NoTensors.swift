import CheckpointIO

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
