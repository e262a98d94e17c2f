/// The opcodes a pickle stream used, as a 256-bit set: `Machine` records each one it runs.
public struct PickleOpcodeSet: Sendable, Equatable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    mutating func insert(_ opcode: UInt8) {
        let bit = UInt64(1) << UInt64(opcode & 63)
        switch opcode >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    public func contains(_ opcode: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(opcode & 63)
        switch opcode >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    /// Adds every opcode of `other` (a legacy torch file's opcodes are those of its five pickles).
    mutating func formUnion(_ other: Self) {
        words = (words.0 | other.words.0, words.1 | other.words.1, words.2 | other.words.2, words.3 | other.words.3)
    }

    /// The opcodes in the set, ascending.
    public var members: [UInt8] { (0...255).map(UInt8.init).filter(contains) }

    public static func == (a: Self, b: Self) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }
}
