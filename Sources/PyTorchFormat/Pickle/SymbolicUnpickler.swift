import StrictJSON
/// Interprets a pickle stream (protocols 2–5, the binary opcodes) without calling anything.
///
/// A pickle is a program for a stack machine whose `GLOBAL` imports any module attribute and
/// whose `REDUCE` calls it: loading an untrusted checkpoint with `pickle`/`torch.load` runs
/// whatever it names. Here every opcode builds a *description* instead: `GLOBAL` yields a
/// `PickleGlobal` (module and name as text, never looked up), `REDUCE`/`NEWOBJ` yield a `.call`
/// node recording callee and arguments, `BUILD` records the state. The torch layer recognises
/// the few callees torch.save uses by name; no code path evaluates anything.
///
/// Work is linear in the stream (each opcode does O(1) work plus the items it pops), and every
/// structure that could grow is capped by `PickleLimits`.
public enum SymbolicUnpickler {
    /// Runs the stream and nothing else: on failure the globals are not looked for.
    ///
    /// Why not `run(_:limits:globalsSeen:)` with the globals dropped: that scan steps on past
    /// the failing opcode, and every opened file is sniffed through here for a legacy torch
    /// stream (`LegacyMagic.startsStream`): a safetensors file whose header length's first byte
    /// reads as a line opcode (0x50, `PERSID`) was scanned to its first newline, through every
    /// zero of its data (a sparse 1 TB file: `inspect` ran minutes and mapped 10 GB).
    public static func run(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits = .default) throws(PickleError) -> PickleProgram {
        var machine = Machine(bytes: bytes, limits: limits)
        return try machine.run()
    }

    /// Like `run`, and on failure `globalsSeen` still lists the globals named before the error and
    /// after it (`PickleGlobalScan`), so a scanner can report `os.system` in a stream it cannot
    /// fully interpret (e.g. protocol 0).
    public static func run(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits,
                           globalsSeen: inout [PickleGlobal]) throws(PickleError) -> PickleProgram {
        var machine = Machine(bytes: bytes, limits: limits)
        do {
            let program = try machine.run()
            globalsSeen = machine.store.globals
            return program
        } catch {
            // The globals named before the failing opcode, and those named after it as far as
            // the opcodes can still be stepped over (`PickleGlobalScan`): a payload after an
            // opcode this reader does not run is named too.
            var seen = machine.store.globals
            var known = Set(seen)
            for global in PickleGlobalScan.globals(in: bytes, from: machine.opcodeOffset, limit: PickleGlobalScan.limit)
            where known.insert(global).inserted {
                seen.append(global)
            }
            globalsSeen = seen
            throw error
        }
    }
}

struct Machine {
    let bytes: UnsafeRawBufferPointer
    let limits: PickleLimits
    var position = 0
    var opcodeOffset = 0
    var stack: [Slot] = []
    var marks: [Int] = []
    /// Memo keys are dense in practice (`BINPUT 0, 1, 2, …`; `MEMOIZE` is dense by definition), so
    /// they live in an array; a key beyond its end goes to a dictionary, so a hostile
    /// `LONG_BINPUT 0xFFFFFFFF` costs one entry, not four billion slots. (Dictionary-only: the
    /// memo was ~15% of the time of a 50,000-tensor pickle.)
    var denseMemo: [Slot] = []
    var sparseMemo: [UInt32: Slot] = [:]
    var memoCount = 0
    var store = PickleStore()
    var proto = 0
    /// The protocol-4 `FRAME` being read: where its bytes start and end (`FRAME`'s offset too,
    /// for messages); nil outside a frame.
    var frame: (opcode: Int, start: Int, end: Int)?
    /// Every opcode run, `STOP` included: which of them torch's weights-only loader lacks is
    /// a fact about the file (`WeightsOnlyOpcodes`).
    var opcodes = PickleOpcodeSet()

    typealias Slot = PickleStore.Slot

    init(bytes: UnsafeRawBufferPointer, limits: PickleLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func run() throws(PickleError) -> PickleProgram {
        var executed = 0
        while true {
            opcodeOffset = position
            executed += 1
            guard executed <= limits.maxOpcodes else {
                throw .limitExceeded(what: "opcode count", limit: limits.maxOpcodes, offset: opcodeOffset)
            }
            let opcode = try u8()
            opcodes.insert(opcode)
            if opcode == 0x2E {  // STOP
                let root = store.value(try pop())
                return PickleProgram(root: root, store: store, proto: proto, endOffset: position, opcodes: opcodes)
            }
            try execute(opcode)
        }
    }

    // MARK: - Reading operands

    mutating func take(_ count: Int) throws(PickleError) -> Range<Int> {
        if count > 0 { try enterRead(count: count) }
        guard count >= 0, bytes.count - position >= count else { throw .truncated(offset: bytes.count) }
        defer { position += count }
        return position ..< position + count
    }

    mutating func u8() throws(PickleError) -> UInt8 { bytes[try take(1).lowerBound] }

    mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws(PickleError) -> T {
        let r = try take(MemoryLayout<T>.size)
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: r.lowerBound, as: T.self))
    }

    /// A length operand, checked against the string limit before anything is read.
    mutating func length<T: FixedWidthInteger>(_ type: T.Type) throws(PickleError) -> Int {
        let raw = try integer(T.self)
        guard raw >= 0 else { throw .malformed(offset: opcodeOffset, reason: "negative length \(raw)") }
        guard let count = Int(exactly: raw), count <= limits.maxStringBytes else {
            throw .limitExceeded(what: "string or bytes length \(raw)", limit: limits.maxStringBytes, offset: opcodeOffset)
        }
        return count
    }

    /// A `BINUNICODE` operand: validated as UTF-8, then stored.
    mutating func text(_ count: Int) throws(PickleError) -> Slot {
        let r = try take(count)
        let utf8 = UnsafeRawBufferPointer(rebasing: bytes[r])
        guard String(validating: utf8, as: UTF8.self) != nil else {
            throw .malformed(offset: opcodeOffset, reason: "string is not valid UTF-8")
        }
        try checkStreamSafe(utf8)
        return store.appendString(utf8)
    }

    /// Strings become state-dict keys and global names, `String`s compared and hashed
    /// canonically, which is quadratic in a run of combining marks: such a run is refused
    /// (`StreamSafeText`, UAX #15's 30).
    func checkStreamSafe(_ utf8: UnsafeRawBufferPointer) throws(PickleError) {
        if StreamSafeText.firstOverlongRun(utf8) != nil {
            throw .limitExceeded(what: StreamSafeText.limitName, limit: StreamSafeText.maxNonStarterRun, offset: opcodeOffset)
        }
    }

    /// A `GLOBAL` operand line, up to and excluding `\n`.
    mutating func line() throws(PickleError) -> String {
        try enterRead(count: nil)
        let start = position
        let end = bytes.count - start > limits.maxStringBytes ? start + limits.maxStringBytes : bytes.count
        var cursor = start
        while cursor < end, bytes[cursor] != 0x0A { cursor += 1 }
        if let frame, cursor >= frame.end {
            throw .malformed(offset: opcodeOffset, reason: frameCut(frame, read: "line", through: cursor < bytes.count ? cursor + 1 : nil))
        }
        guard cursor < bytes.count else { throw .truncated(offset: bytes.count) }
        guard bytes[cursor] == 0x0A else {
            throw .limitExceeded(what: "GLOBAL line length", limit: limits.maxStringBytes, offset: opcodeOffset)
        }
        position = cursor + 1
        guard let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start ..< cursor]), as: UTF8.self) else {
            throw .malformed(offset: opcodeOffset, reason: "GLOBAL operand is not valid UTF-8")
        }
        try checkStreamSafe(UnsafeRawBufferPointer(rebasing: bytes[start ..< cursor]))
        return s
    }

    // MARK: - Stack, marks, memo, nodes

    mutating func push(_ value: Slot) throws(PickleError) {
        guard stack.count < limits.maxStackDepth else {
            throw .limitExceeded(what: "stack depth", limit: limits.maxStackDepth, offset: opcodeOffset)
        }
        stack.append(value)
    }

    mutating func pop() throws(PickleError) -> Slot {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else {
            throw .malformed(offset: opcodeOffset, reason: "stack underflow")
        }
        return value
    }

    /// The index of the topmost `MARK`, popped; the items above it are `stack[mark...]`, and the
    /// caller removes them once it has stored them.
    mutating func popMarkIndex() throws(PickleError) -> Int {
        guard let mark = marks.popLast() else { throw .malformed(offset: opcodeOffset, reason: "no MARK to pop to") }
        return mark
    }

    mutating func popMark() throws(PickleError) -> [Slot] {
        let mark = try popMarkIndex()
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    /// Builds an object whose fixed part is `fixed`; returns its index.
    mutating func newNode<C: Collection>(_ kind: PickleStore.Kind, fixed: C) throws(PickleError) -> Int where C.Element == Slot {
        guard store.recordCount < limits.maxNodes, let index = store.append(kind, fixed: fixed) else {
            throw .limitExceeded(what: "object count", limit: min(limits.maxNodes, PickleStore.maxRecords), offset: opcodeOffset)
        }
        return index
    }

    /// `TUPLE`, `LIST`, `FROZENSET`: an object of the items above the topmost `MARK`, which it
    /// replaces. A tuple's items are its fixed part; a list's or set's can grow, so they go to its
    /// contents.
    mutating func pushMarkedNode(_ kind: PickleStore.Kind) throws(PickleError) {
        let mark = try popMarkIndex()
        let index: Int
        if kind == .tuple {
            index = try newNode(.tuple, fixed: stack[mark...])
        } else {
            index = try newNode(kind, fixed: EmptyCollection())
            let items = Array(stack[mark...])
            store.withContents(of: index) { $0.elements = items }
        }
        stack.removeSubrange(mark...)
        try push(.node(index))
    }

    mutating func pushEmpty(_ kind: PickleStore.Kind) throws(PickleError) {
        try push(.node(try newNode(kind, fixed: EmptyCollection())))
    }

    mutating func memoize(_ key: UInt32) throws(PickleError) {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else {
            throw .malformed(offset: opcodeOffset, reason: "memoizing with an empty stack")
        }
        let index = Int(key)
        if index < denseMemo.count {  // dense keys are appended in order, so the array has no holes
            denseMemo[index] = top
            return
        }
        let isNew = sparseMemo[key] == nil
        guard !isNew || memoCount < limits.maxMemoEntries else {
            throw .limitExceeded(what: "memo size", limit: limits.maxMemoEntries, offset: opcodeOffset)
        }
        if isNew { memoCount += 1 }
        if index == denseMemo.count, isNew {
            denseMemo.append(top)
        } else {
            sparseMemo[key] = top
        }
    }

    mutating func recall(_ key: UInt32) throws(PickleError) {
        let index = Int(key)
        guard let value = index < denseMemo.count ? denseMemo[index] : sparseMemo[key] else {
            throw .malformed(offset: opcodeOffset, reason: "memo key \(key) was never stored")
        }
        try push(value)
    }

    mutating func record(_ global: PickleGlobal) throws(PickleError) {
        try push(store.intern(global).slot)
    }

    /// The index of the object on top of the stack that `opcode` mutates, if its kind is allowed.
    func target(_ opcode: String, allowing allowed: (PickleStore.Kind) -> Bool) throws(PickleError) -> Int {
        guard stack.count > (marks.last ?? 0), let index = stack.last?.node, allowed(store.kind(of: index)) else {
            throw .malformed(offset: opcodeOffset, reason: "\(opcode) needs a matching container on the stack")
        }
        return index
    }
}
