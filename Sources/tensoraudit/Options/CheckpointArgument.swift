import ArgumentParser
import CheckpointIO
import TensorScan

/// The checkpoint argument every analysing command takes: one definition, so every command
/// documents (and accepts) the same sources.
struct CheckpointArgument: ParsableArguments {
    @Argument(help: ArgumentHelp(
        "A .safetensors file, a .safetensors.zst file, a *.safetensors.index.json, a torch .bin/.pt/.pth/.ckpt file, a pytorch_model.bin.index.json, a .gguf file, or a model folder.",
        discussion: "The format is decided by the content, not the name; a torch pickle is never executed. config.json beside the checkpoint is read when present."),
              completion: .file())
    var path: String

    /// An empty path names no file: a usage error (64), not "`: cannot open`" with no name.
    func validate() throws {
        if path.isEmpty { throw ValidationError("the checkpoint path is empty") }
    }

    /// Opens what `path` names; with `overlappingDecompression` (audit), a `.zst` file is
    /// analysed while it is decoded (the caller must `waitUntilLoaded()`).
    func open(overlappingDecompression: Bool = false) throws(CheckpointError) -> Checkpoint {
        try Checkpoint.open(path: path, overlappingDecompression: overlappingDecompression)
    }

    /// Opens what `path` names for reading headers only (`inspect`): a `.zst` file is decoded
    /// only through its header (`Checkpoint.openHeaderOnly`).
    func openHeaderOnly() throws(CheckpointError) -> Checkpoint {
        try Checkpoint.openHeaderOnly(path: path)
    }
}
