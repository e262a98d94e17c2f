import CheckpointIO

extension Checkpoint {
    /// Runs `body` as one read of the checkpoint's bytes and returns its result only when those
    /// bytes were final: with `advisingSequentialScan`, the kernel is told first that the data
    /// sections are about to be read once; afterwards a `.zst` still being decoded is waited
    /// for (its decoding failure is thrown), and every file is checked to have kept the size it
    /// had when mapped (a file truncated under us is an error, not a report).
    ///
    /// Every command that reads tensor bytes goes through here or through `AuditPipeline`, so
    /// commands make no lifecycle calls of their own.
    public func read<Result>(advisingSequentialScan: Bool = false,
                             _ body: () throws(CheckpointError) -> Result) throws(CheckpointError) -> Result {
        if advisingSequentialScan {
            for file in files { file.adviseSequentialScan() }
        }
        let result = try body()
        try waitUntilLoaded()
        for file in files { try file.checkUnchanged() }
        return result
    }
}
