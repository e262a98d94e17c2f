/// Token text → id, keyed by the text's UTF-8 bytes (code-point equality, as `TokenText`): an
/// open-addressing table of 4-byte slots over packed key texts.
///
/// Why not `[TokenText: Int]`: on the 262,144-token Gemma 3 vocabulary that dictionary took
/// 12.6 MB (24 bytes a bucket, half a million buckets) and hashing through `TokenText.hash(into:)`
/// fed `Hasher` a byte at a time, 18% of an audit's CPU. Here a slot is 4 bytes, the hash is one
/// `Hasher.combine(bytes:)` per text (SipHash with the process's random seed, so a hostile
/// vocabulary cannot force collisions), and a GGUF vocabulary's keys are its token texts themselves.
struct TokenIDTable: Sendable {
    /// The key texts; entry `e`'s key is `keys` text `e`.
    private(set) var keys: PackedTokenTexts
    /// Entry `e`'s id; empty when every entry's id is `e` itself (keys are the token list).
    private var ids: [Int]
    /// 0 for an empty slot, else entry + 1. The count is a power of two, at most half full.
    /// Entries fit: a GGUF token list is bounded by `GGUFLimits.maximumArrayElements` (2^24 by
    /// default) and `PackedTokenTexts` refuses more than `UInt32.max - 1` texts.
    private var slots: [UInt32]
    /// Number of keys held.
    private(set) var count = 0

    /// A table for the texts appended to it later (`updateValue`), with slots for `capacity` of
    /// them before it rehashes (growing from 8 slots was a fifth of reading a 30,522-token
    /// vocabulary).
    init(capacity: Int = 0) {
        keys = PackedTokenTexts()
        ids = []
        ids.reserveCapacity(capacity)
        slots = [UInt32](repeating: 0, count: Self.slotCount(for: capacity))
    }

    /// The table of a GGUF token list as llama.cpp builds it (`llama_vocab::impl::load` in
    /// llama-vocab.cpp, llama-cpp-python 0.3.36: `token_to_id[word] = i` for each id in order,
    /// an empty token renamed `[EMPTY_<id>]`): the last id of a text wins, and an empty token
    /// repeats none. Its keys are `tokens` themselves, shared, not copied. Returns each earlier id
    /// of a repeated text with the id that wins, as `shadowed` maps them.
    ///
    /// Why the last: llama.cpp's tokenizers look text up in that map, so it is the earlier ids
    /// that text never produces (this once kept the first and called the wrong id unused).
    /// `skipping`: ids whose text here is not their text in the file (a GGUF token of invalid
    /// UTF-8, shown repaired): they are neither keys nor duplicates, as holes are.
    static func lastIDs(of tokens: PackedTokenTexts, skipping: Set<Int> = []) -> (table: TokenIDTable, duplicates: [Int: Int]) {
        var table = TokenIDTable(keys: tokens, capacityFor: tokens.count)
        var earlier: [Int] = []
        for id in 0 ..< tokens.count where !tokens.isHole(id) && !skipping.contains(id) && !tokens.byteRange(of: id).isEmpty {
            tokens.withBytes(of: id) { bytes in
                switch table.find(bytes) {
                case .found(let entry, let slot):
                    earlier.append(table.id(ofEntry: entry))
                    table.slots[slot] = UInt32(id + 1)
                case .empty(let slot):
                    table.slots[slot] = UInt32(id + 1)
                    table.count += 1
                }
            }
        }
        var duplicates: [Int: Int] = [:]
        for id in earlier {
            let winner: Int? = tokens.withBytes(of: id) { bytes in
                if case .found(let entry, _) = table.find(bytes) { return table.id(ofEntry: entry) }
                return nil
            }
            if let winner { duplicates[id] = winner }
        }
        return (table, duplicates)
    }

    private init(keys: PackedTokenTexts, capacityFor count: Int) {
        self.keys = keys
        ids = []
        slots = [UInt32](repeating: 0, count: Self.slotCount(for: count))
    }

    /// The smallest power of two at least twice `count` (and at least 8).
    private static func slotCount(for count: Int) -> Int {
        var n = 8
        while n < 2 * count { n *= 2 }
        return n
    }

    private func id(ofEntry entry: Int) -> Int { ids.isEmpty ? entry : ids[entry] }

    private enum Probe { case found(entry: Int, slot: Int), empty(slot: Int) }

    /// The entry whose key is `bytes` and its slot, or the empty slot where it would go.
    private func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Probe {
        var hasher = Hasher()
        hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        let mask = slots.count - 1
        var slot = hasher.finalize() & mask
        while true {
            let stored = Int(slots[slot])
            if stored == 0 { return .empty(slot: slot) }
            if keys.text(of: stored - 1, equals: bytes) { return .found(entry: stored - 1, slot: slot) }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `text`, or nil when it is no key.
    func id(for text: String) -> Int? {
        var text = text
        return text.withUTF8 { bytes in
            if case .found(let entry, _) = find(bytes) { return id(ofEntry: entry) }
            return nil
        }
    }

    /// Sets `text`'s id and returns the id it had (as `Dictionary.updateValue` does).
    mutating func updateValue(_ id: Int, forKey text: String) -> Int? {
        if ids.isEmpty && keys.count > 0 { ids = Array(0 ..< keys.count) }
        var text = text
        let probe = text.withUTF8 { find($0) }
        switch probe {
        case .found(let entry, _):
            let old = ids[entry]
            ids[entry] = id
            return old
        case .empty(let slot):
            let entry = keys.count
            keys.append(text)
            ids.append(id)
            slots[slot] = UInt32(entry + 1)
            count += 1
            if 2 * count > slots.count { rehash() }
            return nil
        }
    }

    /// Adds `text` as a key whose id `setID(_:ofEntry:)` gives later, and returns its entry;
    /// nil when `text` is a key already. For a reader that must refuse a repeated text before
    /// it reads the id beside it (tokenizer.json's `model.vocab`), in one probe.
    mutating func insertKey(_ text: String) -> Int? {
        if ids.isEmpty && keys.count > 0 { ids = Array(0 ..< keys.count) }
        var text = text
        guard case .empty(let slot) = text.withUTF8({ find($0) }) else { return nil }
        let entry = keys.count
        keys.append(text)
        ids.append(-1)
        slots[slot] = UInt32(entry + 1)
        count += 1
        if 2 * count > slots.count { rehash() }
        return entry
    }

    /// Sets the id of the key `insertKey(_:)` added as `entry`.
    mutating func setID(_ id: Int, ofEntry entry: Int) { ids[entry] = id }

    /// Doubles the slots and places every entry again.
    private mutating func rehash() {
        let old = slots
        slots = [UInt32](repeating: 0, count: old.count * 2)
        for stored in old where stored != 0 {
            let entry = Int(stored) - 1
            let probe = keys.withBytes(of: entry) { find($0) }
            if case .empty(let slot) = probe { slots[slot] = stored }
        }
    }

    /// Every (key entry, id) pair held, in slot order.
    private var pairs: [(entry: Int, id: Int)] {
        slots.compactMap { $0 == 0 ? nil : (Int($0) - 1, id(ofEntry: Int($0) - 1)) }
    }
}

extension TokenIDTable: Equatable {
    /// Equal as maps: the same keys with the same ids, whatever the slot order.
    static func == (a: TokenIDTable, b: TokenIDTable) -> Bool {
        guard a.count == b.count else { return false }
        for (entry, id) in a.pairs {
            let other: Int? = a.keys.withBytes(of: entry) { bytes in
                if case .found(let e, _) = b.find(bytes) { return b.id(ofEntry: e) }
                return nil
            }
            guard other == id else { return false }
        }
        return true
    }
}
