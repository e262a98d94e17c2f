import StrictJSON

/// A sharded checkpoint's `*.safetensors.index.json`: which shard file holds each tensor.
///
/// Not part of the safetensors format but a Hugging Face convention (docs/FORMAT.md §8):
/// `{"metadata": {"total_size": INT, ...}, "weight_map": {"tensor": "shard file", ...}}`.
/// Parsing is strict about the JSON and the structure; problems with the *content* (a
/// duplicate tensor key, a shard path that leaves the folder, an impossible `total_size`)
/// are kept as data so the audit can report all of them instead of stopping at the first.
public struct ShardIndex: Sendable, Equatable {
    /// One `"tensor": "shard"` member of `weight_map`.
    public struct Entry: Sendable, Equatable {
        public let tensor: String
        public let shard: String
        /// Byte offset of the tensor key in the index file.
        public let offset: Int
    }

    /// What `metadata.total_size` holds.
    public enum TotalSize: Sendable, Equatable {
        case absent
        case bytes(UInt64)
        /// Present but not a non-negative integer that fits in 64 bits; `text` is as written.
        case invalid(text: String)
    }

    /// `weight_map` members in document order, duplicates included.
    public let entries: [Entry]
    public let totalSize: TotalSize

    /// The shard of every tensor, resolving a duplicate key the way Python's `json` (and so
    /// transformers) does: the last occurrence wins. Keys are compared as code points, as
    /// Python's are (`ExactText`): `café` precomposed and decomposed are two tensors.
    public var shardByTensor: [ExactText: String] {
        var map: [ExactText: String] = [:]
        map.reserveCapacity(entries.count)
        for entry in entries { map[ExactText(entry.tensor)] = entry.shard }
        return map
    }

    /// Keys that appear more than once in `weight_map` (the same code points): every occurrence
    /// after the first.
    public var duplicateEntries: [(first: Entry, duplicate: Entry)] {
        var first: [ExactText: Entry] = [:]
        first.reserveCapacity(entries.count)
        var result: [(Entry, Entry)] = []
        for entry in entries {
            if let earlier = first[ExactText(entry.tensor)] { result.append((earlier, entry)) } else { first[ExactText(entry.tensor)] = entry }
        }
        return result
    }

    /// Shard file names in order of first mention; names are files, so two spellings of one
    /// name in other code points are two files.
    public var shardNames: [String] {
        var seen = Set<ExactText>()
        return entries.compactMap { seen.insert(ExactText($0.shard)).inserted ? $0.shard : nil }
    }

    public init(entries: [Entry], totalSize: TotalSize) {
        self.entries = entries
        self.totalSize = totalSize
    }

    /// Parses index bytes. Throws for invalid JSON, a duplicate top-level or `metadata` key,
    /// and a wrong structure (no `weight_map` object, a shard name that is not a string).
    /// More than `maxEntries` `weight_map` members is an error (the documented bound keeps
    /// the checks that follow, which touch every entry, proportional to a real index).
    public static func parse(_ bytes: [UInt8], limits: HeaderLimits = .default,
                             maxEntries: Int = .max) throws(ShardIndexError) -> ShardIndex {
        let root: JSONNode
        do {
            root = try JSONDocument.parse(bytes, limits: limits.json)
        } catch {
            throw ShardIndexError(error)
        }
        guard case .object(let members) = root else {
            throw ShardIndexError(offset: 0, reason: "the index must be a JSON object, found \(root.typeName)")
        }
        try rejectDuplicates(members)
        guard let weightMap = root["weight_map"] else {
            // A config.json named on the command line is read as an index (both are JSON beside
            // the weights): say what it is rather than only what an index lacks.
            let what: String? = if root["model_type"] != nil || root["architectures"] != nil {
                "a model config (it has \"model_type\" or \"architectures\")"
            } else if root["model"] != nil && (root["added_tokens"] != nil || root["normalizer"] != nil || root["pre_tokenizer"] != nil) {
                "a tokenizer.json (it has \"model\" and \"added_tokens\", \"normalizer\" or \"pre_tokenizer\")"
            } else {
                nil
            }
            throw ShardIndexError(offset: nil, reason: what.map {
                "no \"weight_map\" object: this is \($0), not a shard index; name the weights file or their folder"
            } ?? "no \"weight_map\" object")
        }
        guard case .object(let mapMembers) = weightMap else {
            throw ShardIndexError(offset: nil, reason: "\"weight_map\" must be an object, found \(weightMap.typeName)")
        }
        guard mapMembers.count <= maxEntries else {
            throw ShardIndexError(offset: nil, reason: "weight_map has \(mapMembers.count) entries, over the limit of \(maxEntries)")
        }
        var entries: [Entry] = []
        entries.reserveCapacity(mapMembers.count)
        for member in mapMembers {
            guard case .string(let shard) = member.value else {
                throw ShardIndexError(offset: member.keyOffset,
                                      reason: "weight_map value of \(quoted(member.key)) must be a file name, found \(member.value.typeName)")
            }
            entries.append(Entry(tensor: member.key, shard: shard, offset: member.keyOffset))
        }
        var totalSize = TotalSize.absent
        switch root["metadata"] {
        case nil, .null?:
            break
        case .object(let metadata)?:
            try rejectDuplicates(metadata)
            if let value = root["metadata"]?["total_size"] {
                if case .number(let number) = value, let bytes = number.unsignedValue {
                    totalSize = .bytes(bytes)
                } else if case .number(let number) = value {
                    totalSize = .invalid(text: number.text)
                } else if case .string(let text) = value {
                    totalSize = .invalid(text: quoted(text))
                } else {
                    totalSize = .invalid(text: value.typeName)
                }
            }
        case let other?:
            throw ShardIndexError(offset: nil, reason: "\"metadata\" must be an object, found \(other.typeName)")
        }
        return ShardIndex(entries: entries, totalSize: totalSize)
    }

    private static func rejectDuplicates(_ members: [JSONMember]) throws(ShardIndexError) {
        var seen: [ExactText: Int] = [:]
        for member in members {
            if let first = seen.updateValue(member.keyOffset, forKey: ExactText(member.key)) {
                throw ShardIndexError(FormatError.duplicateKey(key: member.key, firstOffset: first, secondOffset: member.keyOffset))
            }
        }
    }

    /// Why `shard` cannot be opened as a shard of this folder, or `nil` when it is acceptable:
    /// the name must be relative, stay inside the folder (no `..` segment), contain no NUL,
    /// backslash or drive letter, and end in `.safetensors`. A weight map is untrusted input:
    /// a name is never followed outside the checkpoint's folder.
    /// `suffix` is what a shard's name must end in (`.bin` for a torch index).
    public static func problem(withShardName shard: String, suffix: String = ".safetensors") -> String? {
        if shard.isEmpty { return "is empty" }
        if shard.utf8.contains(0) { return "contains a NUL character" }
        if shard.hasPrefix("/") { return "is an absolute path" }
        if shard.utf8.contains(UInt8(ascii: "\\")) { return "contains a backslash" }
        let bytes = Array(shard.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
           (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[0] & 0xDF) {
            return "names a drive"
        }
        if shard.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) {
            return "leaves the checkpoint folder (\"..\")"
        }
        if !shard.hasSuffix(suffix) { return "does not end in \(suffix)" }
        return nil
    }
}

/// An index that cannot be used at all: not JSON, or not shaped like an index.
public struct ShardIndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Byte offset in the index file, when one position is to blame.
    public let offset: Int?
    public let reason: String

    public init(offset: Int?, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    init(_ error: JSONError) {
        switch error {
        case .invalidJSON(let offset, let reason): self.init(offset: offset, reason: "invalid JSON: \(reason)")
        case .invalidUTF8(let offset): self.init(offset: offset, reason: "not valid UTF-8")
        case .limitExceeded(let what, let limit, let offset):
            self.init(offset: offset, reason: "\(what) exceeds the limit of \(limit)")
        }
    }

    init(_ error: FormatError) {
        switch error {
        case .invalidJSON(let offset, let reason): self.init(offset: offset, reason: "invalid JSON: \(reason)")
        case .invalidUTF8(let offset): self.init(offset: offset, reason: "not valid UTF-8")
        case .duplicateKey(let key, let first, let second):
            self.init(offset: second, reason: "duplicate key \(quoted(key)) (first at byte \(first))")
        case .limitExceeded(let what, let limit, let offset):
            self.init(offset: offset, reason: "\(what) exceeds the limit of \(limit)")
        default: self.init(offset: nil, reason: error.description)
        }
    }

    public var description: String {
        offset.map { "index at byte \($0): \(reason)" } ?? "index: \(reason)"
    }
}
