import ArgumentParser
import CheckpointIO

/// Shell completion of `--tensor`: the names in the checkpoint already typed on the line.
///
/// The shell calls the binary back with the words typed so far; the checkpoint is the first
/// word after the command that is neither an option nor an option's value. Opening reads
/// headers only (milliseconds even for a sharded checkpoint; a `.zst` decoded only through its
/// header, as `inspect` opens it: opened whole, a 132 KB frame of 4 GiB took 6.4 s and 4.2 GB on
/// every Tab, helper-144); any failure completes nothing.
enum TensorNameCompletion {
    /// Options whose value is the next word (so that word is not the checkpoint).
    static let optionsWithValues: Set = ["--tensor", "--rows", "--format", "--output", "--pad-id", "--policy",
                                         "--fail-on", "--tolerance", "--top-rows"]

    static let kind = CompletionKind.custom { words, _, prefix in names(words: words, prefix: prefix) }

    static func names(words: [String], prefix: String) -> [String] {
        guard let path = checkpointPath(in: words), let checkpoint = try? Checkpoint.openHeaderOnly(path: path) else { return [] }
        return checkpoint.tensors.map(\.name).filter { $0.hasPrefix(prefix) }
    }

    /// `words` starts with the program and the command (`tensoraudit rows …`).
    static func checkpointPath(in words: [String]) -> String? {
        var skipNext = false
        for word in words.dropFirst(2) {
            if skipNext { skipNext = false; continue }
            if word.hasPrefix("-") {
                skipNext = optionsWithValues.contains(word)
                continue
            }
            return word
        }
        return nil
    }
}
