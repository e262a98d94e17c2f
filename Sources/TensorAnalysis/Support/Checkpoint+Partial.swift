import CheckpointIO

extension Checkpoint {
    /// Why this checkpoint may be only part of a model, or nil: one file (named directly,
    /// compressed with zstd, or alone in its folder) whose name says it is one shard of several
    /// as the Hub and llama.cpp's gguf-split name them (`NAME-iiiii-of-nnnnn.EXT`, n > 1), or an
    /// index naming shards the folder lacks. A matrix missing from such a checkpoint may be
    /// stored in the part not read, so what the whole model's config.json (or llama.cpp's rule
    /// for a missing `output.weight`) says of it is no evidence about these files
    /// (`TyingQuestion.partialCheckpoint`). Why: one shard of an untied GPT-2 was "tied … stores
    /// no separate output projection", its `lm_head` in another shard; then the same through
    /// `.zst`, a folder holding one shard, an index whose shard was missing, a shard holding
    /// only the head, and the first of two GGUF splits (adversarial reviews, 2026-12-05).
    var partialDescription: String? {
        if source.kind == .sharded {
            let missing = sourceIssues.compactMap { issue -> String? in
                if case .missingShard(let shard, _, _) = issue.kind { return shard }
                return nil
            }
            guard !missing.isEmpty else { return nil }
            let shown = missing.prefix(3).joined(separator: ", ") + (missing.count > 3 ? ", …" : "")
            return "the index names \(missing.count) shard\(missing.count == 1 ? "" : "s") the folder lacks (\(shown))"
        }
        guard files.count == 1, let file = files.first else { return nil }
        let path = file.path
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        if let (index, total) = Self.shardNumbers(in: name), total > 1, index >= 1, index <= total {
            return "\(name) is shard \(index) of \(total) by its name"
        }
        // gguf-split writes `split.count` (and `split.no`, from 0) into every part, whatever
        // the file is called later (a renamed part passed as a whole model; review, 2026-12-05).
        if case .gguf(let gguf) = file.format, let total = gguf.metadata["split.count"]?.integer, total > 1 {
            let part = gguf.metadata["split.no"]?.integer.flatMap { (0 ..< total).contains($0) ? "split \($0 + 1) of \(total)" : nil }
                ?? "one of \(total) splits"
            return "\(name) is \(part) by its split.count metadata"
        }
        return nil
    }

    /// The `i` and `n` of a name holding `-iiiii-of-nnnnn.` (digits only, each at most 9), or nil.
    static func shardNumbers(in name: String) -> (Int, Int)? {
        let bytes = Array(name.utf8)
        let marker = Array("-of-".utf8)
        guard bytes.count > marker.count else { return nil }
        for start in stride(from: bytes.count - marker.count, through: 1, by: -1) where Array(bytes[start ..< start + marker.count]) == marker {
            var before = start
            while before > 0, bytes[before - 1] >= 0x30, bytes[before - 1] <= 0x39 { before -= 1 }
            var after = start + marker.count
            while after < bytes.count, bytes[after] >= 0x30, bytes[after] <= 0x39 { after += 1 }
            let first = bytes[before ..< start], second = bytes[(start + marker.count) ..< after]
            guard before > 0, bytes[before - 1] == UInt8(ascii: "-"), after < bytes.count, bytes[after] == UInt8(ascii: "."),
                  (1 ... 9).contains(first.count), (1 ... 9).contains(second.count),
                  let index = Int(String(decoding: first, as: UTF8.self)), let total = Int(String(decoding: second, as: UTF8.self))
            else { continue }
            return (index, total)
        }
        return nil
    }
}
