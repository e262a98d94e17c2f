/// The result of a symbolic unpickling: the root value, the objects, and every global named.
public struct PickleProgram: Sendable {
    public let root: PickleValue
    /// Every global the stream names, in first-seen order, without duplicates.
    public let globals: [PickleGlobal]
    /// The last `PROTO` seen, as Python's unpickler keeps it (0 when the stream has none).
    public let proto: Int
    /// Offset just after `STOP`.
    public let endOffset: Int
    /// Every opcode the stream ran.
    public let opcodes: PickleOpcodeSet
    /// Shared by every `PickleValues` read from the program (one reference, not the store's
    /// dozen arrays, per object read).
    let box: StoreBox

    final class StoreBox: Sendable {
        let store: PickleStore
        init(_ store: PickleStore) { self.store = store }
    }

    var store: PickleStore { box.store }

    init(root: PickleValue, store: PickleStore, proto: Int, endOffset: Int, opcodes: PickleOpcodeSet) {
        self.root = root
        self.globals = store.globals
        self.proto = proto
        self.endOffset = endOffset
        self.opcodes = opcodes
        self.box = StoreBox(store)
    }

    /// How many lists, tuples, dicts, sets, persistent ids and call results the stream built.
    public var nodeCount: Int { store.recordCount }

    /// The object `value` refers to, read in place: its values are decoded as they are read.
    public func object(_ value: PickleValue) -> PickleObject? {
        // Read through `box.store` in place: the computed `store` returned a copy of the struct
        // (a retain and release of each of its arrays), which made walking shared containers
        // several times slower per object than the node graph this replaced.
        guard case .node(let index) = value, index >= 0, index < box.store.recordCount else { return nil }
        let record = box.store.records[index]
        let fixed = box.store.pool[Int(record.first) ..< Int(record.first) + Int(record.count)]
        let added = record.extra < 0 ? PickleStore.Contents() : box.store.contents[Int(record.extra)]
        let kind: PickleNode.Kind
        var elements = PickleValues(box: box, first: fixed, second: added.elements[...])
        switch record.kind {
        case .list: kind = .list
        case .tuple: kind = .tuple
        case .dict: kind = .dict
        case .set: kind = .set
        case .persistentID: kind = .persistentID
        case .reduce, .newObject:
            // The fixed part is (callee, arguments); the elements are only what was appended.
            kind = .call(callee: box.store.value(fixed[fixed.startIndex]), arguments: box.store.value(fixed[fixed.startIndex + 1]),
                         isNewObject: record.kind == .newObject)
            elements = PickleValues(box: box, first: [], second: added.elements[...])
        }
        return PickleObject(kind: kind, elements: elements, entries: PickleValues(box: box, first: [], second: added.entries[...]),
                            state: added.state.map { box.store.value($0) }, buildCount: Int(added.buildCount),
                            earlierStates: PickleValues(box: box, first: [], second: added.earlierStates[...]), lastChange: added.lastChange)
    }

    /// The object `value` refers to, copied out whole.
    public func node(_ value: PickleValue) -> PickleNode? {
        guard let object = object(value) else { return nil }
        var node = PickleNode(kind: object.kind)
        node.elements = Array(object.elements)
        node.entries = Array(object.entries)
        node.state = object.state
        return node
    }
}

/// An object of a `PickleProgram` read in place (see `PickleNode` for what each part holds).
/// Why not `PickleNode`: copying an object out decodes all its values into a new array, and
/// walking a state dict of 50,000 tensors did that for the dict's 100,000 entries (4 MB) and
/// for every tuple.
public struct PickleObject: Sendable {
    public let kind: PickleNode.Kind
    public let elements: PickleValues
    public let entries: PickleValues
    public let state: PickleValue?
    /// How many `BUILD`s ran on the object (`state` is the last one's).
    public let buildCount: Int
    /// The states of the `BUILD`s before the last, in the order they ran: torch.load applies
    /// each in turn (a Parameter's `__setstate__` twice; hunt-63a H1).
    public let earlierStates: PickleValues
    /// When an opcode last changed the object, as `PickleStore.Contents.lastChange` (0: never
    /// after it was built): changed after the object at node index `r` was built iff above `r`.
    public let lastChange: Int
}

/// Values of a stored object, decoded one at a time as they are read; indexed from 0.
public struct PickleValues: RandomAccessCollection, Sendable {
    let box: PickleProgram.StoreBox
    let first: ArraySlice<PickleStore.Slot>
    let second: ArraySlice<PickleStore.Slot>

    public var startIndex: Int { 0 }
    public var endIndex: Int { first.count + second.count }

    public subscript(position: Int) -> PickleValue { box.store.value(slot(position)) }

    /// The value at `position` as stored, not decoded (a string key stays an index, not a copy).
    func slot(_ position: Int) -> PickleStore.Slot {
        position < first.count ? first[first.startIndex + position] : second[second.startIndex + position - first.count]
    }
}
