/// The unpickler's object graph in a few flat arrays, decoded into `PickleValue`/`PickleNode`
/// only when asked.
///
/// Why: a `torch.save` state dict is ~8 objects and ~20 stored values per tensor (the storage
/// tuple, its persistent id, size, stride, the hooks `OrderedDict()`, the argument tuple, the
/// rebuild call, the dict entry). Kept as `PickleNode`s — a 136-byte struct with an element array
/// of 40-byte `PickleValue`s each — 50,000 tensors took 120 MB (measured with `malloc_stats`),
/// ~2.4 KB per tensor, and peak RSS was 161 MB. Here an object is one 16-byte `Record`, every
/// value one 8-byte `Slot` (strings, byte ranges, globals and floats are indices into side
/// tables), and a tuple's elements lie in one shared pool instead of an array of their own:
/// 8 × 16 + 22 × 8 bytes plus its two strings per such tensor, and no allocation per object.
struct PickleStore: Sendable {
    enum Kind: UInt8, Sendable {
        case list, tuple, dict, set, persistentID, reduce, newObject
    }

    /// One object. Its fixed part — a tuple's elements, a persistent id's id, a call's callee and
    /// arguments — is `pool[first ..< first + count]`; what later opcodes add (`APPEND`,
    /// `SETITEM`, `BUILD`, and every item of a list, dict or set) is in `contents[extra]`, made
    /// on first use (`extra < 0`: none), since most objects (tuples) never grow.
    struct Record: Sendable {
        var first: UInt32
        var count: UInt32
        var extra: Int32
        var kind: Kind
    }

    /// What opcodes add to an object after it is built.
    struct Contents: Sendable {
        var elements: [Slot] = []
        /// Key, value, key, value, …
        var entries: [Slot] = []
        var state: Slot?
        /// How many `BUILD`s ran on this object; `state` is the last one's. torch.load applies
        /// each in turn, so a tensor's earlier states matter too (hunt-63a H1: BUILD twice).
        var buildCount: UInt32 = 0
        /// The states of the `BUILD`s before the last, in order (most objects have none).
        var earlierStates: [Slot] = []
        /// The record count when an opcode last changed this object: it was changed after the
        /// object of record `r` was built exactly when this is above `r` (no record is made
        /// between an opcode's change and the next object). `OrderedDict(items)` reads its items
        /// when called, so a later change to them is not in the dict torch.load returns.
        var lastChange = 0
    }

    private(set) var records: [Record] = []
    private(set) var pool: [Slot] = []
    private(set) var contents: [Contents] = []
    /// Every string's UTF-8 bytes, back to back; string `i` ends at `stringEnds[i]`.
    private(set) var stringBytes: [UInt8] = []
    private(set) var stringEnds: [Int] = []
    private(set) var byteRanges: [Range<Int>] = []
    /// Integers that do not fit in a slot, and floats.
    private(set) var wideInts: [Int64] = []
    private(set) var floats: [Double] = []
    private(set) var globals: [PickleGlobal] = []
    private var globalIndex: [PickleGlobal: Int] = [:]

    // MARK: - Building

    /// The most objects (records index `contents` with an `Int32`) and pooled values (`UInt32`).
    static let maxRecords = Int(Int32.max)
    static let maxPool = Int(UInt32.max)

    var recordCount: Int { records.count }

    /// Appends an object whose fixed part is `fixed`; `nil` when the pool would overflow its
    /// 32-bit offsets (the caller reports the limit).
    mutating func append<C: Collection>(_ kind: Kind, fixed: C) -> Int? where C.Element == Slot {
        guard records.count < Self.maxRecords, fixed.count <= Self.maxPool - pool.count else { return nil }
        records.append(Record(first: UInt32(pool.count), count: UInt32(fixed.count), extra: -1, kind: kind))
        pool.append(contentsOf: fixed)
        return records.count - 1
    }

    func kind(of index: Int) -> Kind { records[index].kind }

    /// The growable part of object `index`, made on first use.
    mutating func withContents<R>(of index: Int, _ body: (inout Contents) -> R) -> R {
        if records[index].extra < 0 {
            records[index].extra = Int32(contents.count)  // contents.count <= records.count <= Int32.max
            contents.append(Contents())
        }
        let slot = Int(records[index].extra)
        contents[slot].lastChange = records.count
        return body(&contents[slot])
    }

    mutating func appendString(_ utf8: UnsafeRawBufferPointer) -> Slot {
        stringBytes.append(contentsOf: utf8)
        stringEnds.append(stringBytes.count)
        return .string(stringEnds.count - 1)
    }

    mutating func appendBytes(_ range: Range<Int>) -> Slot {
        byteRanges.append(range)
        return .bytes(byteRanges.count - 1)
    }

    mutating func integer(_ value: Int64) -> Slot {
        if let slot = Slot.int(value) { return slot }
        wideInts.append(value)
        return .wideInt(wideInts.count - 1)
    }

    mutating func float(_ value: Double) -> Slot {
        floats.append(value)
        return .float(floats.count - 1)
    }

    /// The global's slot; `isNew` when the stream names it for the first time.
    mutating func intern(_ global: PickleGlobal) -> (slot: Slot, isNew: Bool) {
        if let index = globalIndex[global] { return (.global(index), false) }
        globals.append(global)
        globalIndex[global] = globals.count - 1
        return (.global(globals.count - 1), true)
    }

    // MARK: - Reading

    func text(_ index: Int) -> String {
        let start = index == 0 ? 0 : stringEnds[index - 1]
        return String(decoding: stringBytes[start ..< stringEnds[index]], as: UTF8.self)
    }

    /// The bytes of string `index` as stored (UTF-8), without decoding them: two strings are
    /// equal in Python exactly when these are.
    func textBytes(_ index: Int) -> ArraySlice<UInt8> {
        stringBytes[(index == 0 ? 0 : stringEnds[index - 1]) ..< stringEnds[index]]
    }

    /// The UTF-8 byte count of string `index`, without decoding it.
    func textByteCount(_ index: Int) -> Int {
        stringEnds[index] - (index == 0 ? 0 : stringEnds[index - 1])
    }

    func value(_ slot: Slot) -> PickleValue {
        switch slot.tag {
        case .none: .none
        case .bool: .bool(slot.index != 0)
        case .int: .int(slot.smallInt)
        case .wideInt: .int(wideInts[slot.index])
        case .bigInt: .bigInt(byteCount: slot.index)
        case .float: .float(floats[slot.index])
        case .string: .string(text(slot.index))
        case .bytes: .bytes(byteRanges[slot.index])
        case .global: .global(globals[slot.index])
        case .node: .node(slot.index)
        }
    }
}
