/// Token texts by id: every text's UTF-8 bytes in one buffer, the end offset of each, and the
/// ids that have no token (holes).
///
/// Why not `[String?]`: a 262,144-token vocabulary (Gemma 3) as `String`s took 16 bytes a token
/// plus a heap object for each text over 15 bytes, and GGUF files hand the texts over packed
/// already (`GGUFStringArray`): adopting its two buffers costs no copy. Texts are compared as
/// bytes, which is code-point equality (see `TokenText`), and read as `String` only on demand.
public struct PackedTokenTexts: Sendable, Equatable {
    /// Every text's UTF-8 bytes, back to back (a hole adds none).
    public private(set) var utf8: [UInt8] = []
    /// `ends[id]` is the offset in `utf8` just past the text of `id`.
    public private(set) var ends: [Int] = []
    /// One bit per id, set for a hole; empty when there is none.
    private var holes: [UInt64] = []

    public init() {}

    /// Texts packed by a reader (`GGUFStringArray.utf8` and `.ends`), adopted without a copy;
    /// nil when the offsets do not describe `utf8` (one decreases or passes its end) or there
    /// are more texts than `TokenIDTable`'s 4-byte slots can name.
    public init?(utf8: [UInt8], ends: [Int]) {
        guard ends.count < Int(UInt32.max) else { return nil }
        var previous = 0
        for end in ends {
            guard end >= previous else { return nil }
            previous = end
        }
        guard previous <= utf8.count else { return nil }
        self.utf8 = utf8
        self.ends = ends
    }

    /// Texts by id, nil for a hole.
    public init(_ texts: some Sequence<String?>) {
        for text in texts { append(text) }
    }

    /// Adds the text of the next id (nil: a hole).
    mutating func append(_ text: String?) {
        if let text {
            utf8.append(contentsOf: text.utf8)
        } else {
            let id = ends.count
            if holes.count <= id >> 6 { holes.append(contentsOf: repeatElement(0, count: (id >> 6) + 1 - holes.count)) }
            holes[id >> 6] |= 1 << UInt64(id & 63)
        }
        ends.append(utf8.count)
    }

    /// Number of ids, holes included.
    public var count: Int { ends.count }

    /// Whether `id` is a hole (an id inside the range that no token uses).
    func isHole(_ id: Int) -> Bool {
        id >> 6 < holes.count && holes[id >> 6] & (1 << UInt64(id & 63)) != 0
    }

    /// The byte range of `id`'s text in `utf8` (empty for a hole); `id` must be below `count`.
    func byteRange(of id: Int) -> Range<Int> { (id == 0 ? 0 : ends[id - 1]) ..< ends[id] }

    /// The text of `id`, or nil for a hole or an id out of range.
    public subscript(id: Int) -> String? {
        guard id >= 0, id < ends.count, !isHole(id) else { return nil }
        return withBytes(of: id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of `id`'s text; `id` must be below `count` and not a hole.
    func withBytes<R>(of id: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = byteRange(of: id)
        return try utf8.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Whether `id`'s text is exactly `bytes`; `id` must be below `count`.
    func text(of id: Int, equals bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let range = byteRange(of: id)
        guard range.count == bytes.count, !isHole(id) else { return false }
        return utf8.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[range]).elementsEqual(bytes) }
    }

    /// Equal when every id holds the same text (or both a hole): the holes' bits are compared
    /// up to the last set one, so a trailing run of zero words does not matter.
    public static func == (a: PackedTokenTexts, b: PackedTokenTexts) -> Bool {
        guard a.utf8 == b.utf8, a.ends == b.ends else { return false }
        let words = max(a.holes.count, b.holes.count)
        for i in 0 ..< words where (i < a.holes.count ? a.holes[i] : 0) != (i < b.holes.count ? b.holes[i] : 0) {
            return false
        }
        return true
    }
}
