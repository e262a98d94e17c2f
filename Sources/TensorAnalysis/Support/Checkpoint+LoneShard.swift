import CheckpointIO

extension Checkpoint {
    /// "model-00006-of-00007.safetensors is shard 6 of 7 by its name" when this checkpoint is
    /// one file named as the Hub names one shard of several (`NAME-iiiii-of-nnnnn.EXT`, n > 1,
    /// 1 ≤ i ≤ n), else nil. A tensor missing from such a file may be stored in another shard,
    /// so what the whole model's config.json says of a missing output projection is not
    /// evidence about this file (`TyingQuestion.loneShard`). Only a file named directly: a
    /// folder or an index reads every shard.
    var loneShardDescription: String? {
        guard source.kind == .file, files.count == 1, let path = files.first?.path else { return nil }
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let (index, total) = Self.shardNumbers(in: name), total > 1, index >= 1, index <= total else { return nil }
        return "\(name) is shard \(index) of \(total) by its name"
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
