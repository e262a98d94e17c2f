extension PickleStore {
    /// A value as stored, in 8 bytes: a 4-bit tag and a 60-bit payload — an index into one of the
    /// store's tables, a small integer, a byte count. Why 8 and not an enum: a `Slot` is what
    /// the pool, the memo, the stack and every container hold (~30 per tensor of a state dict),
    /// and an enum with an `Int64` payload takes 9 bytes, 16 in an array. Integers outside
    /// ±2^59 and floats, rare in a checkpoint, go to side tables.
    struct Slot: Sendable, Equatable {
        let bits: UInt64

        enum Tag: UInt64 {
            case none, bool, int, wideInt, bigInt, float, string, bytes, global, node
        }

        private init(_ tag: Tag, _ payload: UInt64) { bits = payload << 4 | tag.rawValue }

        /// Only this file writes tags, so every stored tag is a `Tag`.
        var tag: Tag { Tag(rawValue: bits & 0xF) ?? .none }
        /// The payload as an index or count (always written non-negative).
        var index: Int { Int(truncatingIfNeeded: bits >> 4) }

        static let none = Slot(.none, 0)
        static func bool(_ value: Bool) -> Slot { Slot(.bool, value ? 1 : 0) }
        static func bigInt(byteCount: Int) -> Slot { Slot(.bigInt, UInt64(byteCount)) }
        static func string(_ index: Int) -> Slot { Slot(.string, UInt64(index)) }
        static func bytes(_ index: Int) -> Slot { Slot(.bytes, UInt64(index)) }
        static func global(_ index: Int) -> Slot { Slot(.global, UInt64(index)) }
        static func node(_ index: Int) -> Slot { Slot(.node, UInt64(index)) }
        static func float(_ index: Int) -> Slot { Slot(.float, UInt64(index)) }
        static func wideInt(_ index: Int) -> Slot { Slot(.wideInt, UInt64(index)) }

        /// An integer kept in the slot itself, when it fits in 60 bits.
        static func int(_ value: Int64) -> Slot? {
            guard value >= -(1 << 59), value < 1 << 59 else { return nil }
            return Slot(bits: UInt64(bitPattern: value) << 4 | Tag.int.rawValue)
        }

        private init(bits: UInt64) { self.bits = bits }

        /// The value of an `.int` slot (sign-extended from 60 bits).
        var smallInt: Int64 { Int64(bitPattern: bits) >> 4 }

        /// The object index, when this is an object.
        var node: Int? { tag == .node ? index : nil }
        /// The string index, when this is a string.
        var string: Int? { tag == .string ? index : nil }
    }
}
