/// Tensor names → their ordinal in the header, compared byte for byte.
///
/// Why not `[String: Int]`: Swift's `String` equality is Unicode canonical equivalence, so a
/// precomposed `café` and a decomposed `cafe\u{301}` were one key, and a file that the reference
/// implementation writes and reads (its names are byte strings) was rejected as having a
/// duplicate key. (Byte keys also spare a retain and a release of every name; on the 50,000-tensor
/// header bench that was within the noise: −1% instructions.) Names are hashed with the standard library's per-process
/// seeded `Hasher`, so a hostile header cannot force collisions to slow the parse down.
struct NameIndex: Sendable {
    /// Ordinal + 1 per slot, 0 for empty; open addressing with linear probing.
    private var ordinals: [Int32]
    /// The full hash of each slot's name, to skip most comparisons and to grow without rehashing.
    private var hashes: [UInt64]
    private(set) var count = 0

    init(expectedCount: Int) {
        var size = 16
        while size < expectedCount * 2 { size *= 2 }
        ordinals = [Int32](repeating: 0, count: size)
        hashes = [UInt64](repeating: 0, count: size)
    }

    /// Adds `name` with `ordinal`, unless a name with the same bytes is already present: then
    /// nothing changes and that name's ordinal is returned. `nameOf` gives the name of an
    /// ordinal already added.
    mutating func insert(_ name: String, ordinal: Int, nameOf: (Int) -> String) -> Int? {
        let hash = Self.hash(name)
        if let existing = find(name, hash: hash, nameOf: nameOf) { return existing }
        if (count + 1) * 2 > ordinals.count { grow() }
        var slot = Int(truncatingIfNeeded: hash) & (ordinals.count - 1)
        while ordinals[slot] != 0 { slot = (slot + 1) & (ordinals.count - 1) }
        ordinals[slot] = Int32(truncatingIfNeeded: ordinal + 1)
        hashes[slot] = hash
        count += 1
        return nil
    }

    /// The ordinal of the name with the same bytes as `name`, or `nil`.
    func find(_ name: String, nameOf: (Int) -> String) -> Int? {
        find(name, hash: Self.hash(name), nameOf: nameOf)
    }

    private func find(_ name: String, hash: UInt64, nameOf: (Int) -> String) -> Int? {
        let mask = ordinals.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while ordinals[slot] != 0 {
            let ordinal = Int(ordinals[slot]) - 1
            if hashes[slot] == hash && Self.sameBytes(nameOf(ordinal), name) { return ordinal }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func grow() {
        let oldOrdinals = ordinals, oldHashes = hashes
        let size = ordinals.count * 2
        ordinals = [Int32](repeating: 0, count: size)
        hashes = [UInt64](repeating: 0, count: size)
        for (k, ordinal) in oldOrdinals.enumerated() where ordinal != 0 {
            var slot = Int(truncatingIfNeeded: oldHashes[k]) & (size - 1)
            while ordinals[slot] != 0 { slot = (slot + 1) & (size - 1) }
            ordinals[slot] = ordinal
            hashes[slot] = oldHashes[k]
        }
    }

    static func hash(_ name: String) -> UInt64 {
        var hasher = Hasher()
        let done: Void? = name.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(name.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
        return UInt64(UInt(bitPattern: hasher.finalize()))
    }

    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
    }
}
