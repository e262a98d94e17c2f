extension Machine {
    /// Executes one opcode (other than `STOP`). Opcode values and semantics: CPython `Lib/pickle.py`
    /// and `pickletools.py`.
    mutating func execute(_ opcode: UInt8) throws(PickleError) {
        switch opcode {
        case 0x80:  // PROTO
            let version = Int(try u8())
            guard version <= 5 else { throw .malformed(offset: opcodeOffset, reason: "unsupported protocol \(version)") }
            proto = version  // the last header, as Python's and torch's unpicklers keep it
        case 0x95: try startFrame()  // FRAME (Machine+Frames.swift)
        case 0x28:  // MARK
            guard marks.count < limits.maxMarkDepth else {
                throw .limitExceeded(what: "MARK depth", limit: limits.maxMarkDepth, offset: opcodeOffset)
            }
            marks.append(stack.count)
        case 0x7D: try pushEmpty(.dict)   // EMPTY_DICT
        case 0x5D: try pushEmpty(.list)   // EMPTY_LIST
        case 0x29: try pushEmpty(.tuple)  // EMPTY_TUPLE
        case 0x8F: try pushEmpty(.set)    // EMPTY_SET
        case 0x4E: try push(.none)       // NONE
        case 0x88: try push(.bool(true))   // NEWTRUE
        case 0x89: try push(.bool(false))  // NEWFALSE
        case 0x4B: try push(store.integer(Int64(try u8())))                    // BININT1
        case 0x4D: try push(store.integer(Int64(try integer(UInt16.self))))   // BININT2
        case 0x4A: try push(store.integer(Int64(try integer(Int32.self))))    // BININT
        case 0x8A: try pushLong(count: Int(try u8()))                 // LONG1
        case 0x8B: try pushLong(count: try length(Int32.self))        // LONG4
        case 0x47:  // BINFLOAT: big-endian IEEE 754 double
            let bits = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: try take(8).lowerBound, as: UInt64.self))
            try push(store.float(Double(bitPattern: bits)))
        case 0x58: try push(try text(try length(UInt32.self)))  // BINUNICODE
        case 0x8C: try push(try text(Int(try u8())))            // SHORT_BINUNICODE
        case 0x8D: try push(try text(try length(UInt64.self)))  // BINUNICODE8
        case 0x54: try pushLegacyString(count: try length(Int32.self))   // BINSTRING
        case 0x55: try pushLegacyString(count: Int(try u8()))            // SHORT_BINSTRING
        case 0x42: try push(store.appendBytes(try take(try length(UInt32.self))))  // BINBYTES
        case 0x43: try push(store.appendBytes(try take(Int(try u8()))))            // SHORT_BINBYTES
        case 0x8E, 0x96: try push(store.appendBytes(try take(try length(UInt64.self))))  // BINBYTES8, BYTEARRAY8
        case 0x71: try memoize(UInt32(try u8()))                // BINPUT
        case 0x72: try memoize(try integer(UInt32.self))       // LONG_BINPUT
        case 0x94: try memoize(UInt32(truncatingIfNeeded: memoCount))  // MEMOIZE
        case 0x68: try recall(UInt32(try u8()))                 // BINGET
        case 0x6A: try recall(try integer(UInt32.self))        // LONG_BINGET
        case 0x63:  // GLOBAL
            let module = try line()
            try record(PickleGlobal(module: module, name: try line()))
        case 0x93:  // STACK_GLOBAL
            guard let name = try pop().string, let module = try pop().string else {
                throw .malformed(offset: opcodeOffset, reason: "STACK_GLOBAL needs two strings")
            }
            try record(PickleGlobal(module: store.text(module), name: store.text(name)))
        case 0x74: try pushMarkedNode(.tuple)   // TUPLE
        case 0x85: try pushTop(as: .tuple, count: 1)  // TUPLE1
        case 0x86: try pushTop(as: .tuple, count: 2)  // TUPLE2
        case 0x87: try pushTop(as: .tuple, count: 3)  // TUPLE3
        case 0x6C: try pushMarkedNode(.list)    // LIST
        case 0x91: try pushMarkedNode(.set)     // FROZENSET
        case 0x64:  // DICT
            let items = try popMark()
            guard items.count % 2 == 0 else { throw .malformed(offset: opcodeOffset, reason: "DICT with an odd item count") }
            let index = try newNode(.dict, fixed: EmptyCollection())
            store.withContents(of: index) { $0.entries = items }
            try push(.node(index))
        case 0x61:  // APPEND
            let value = try pop()
            store.withContents(of: try target("APPEND", allowing: Self.appendable)) { $0.elements.append(value) }
        case 0x65:  // APPENDS
            let items = try popMark()
            store.withContents(of: try target("APPENDS", allowing: Self.appendable)) { $0.elements.append(contentsOf: items) }
        case 0x90:  // ADDITEMS
            let items = try popMark()
            store.withContents(of: try target("ADDITEMS", allowing: { $0 == .set })) { $0.elements.append(contentsOf: items) }
        case 0x73:  // SETITEM
            let value = try pop(), key = try pop()
            store.withContents(of: try target("SETITEM", allowing: Self.subscriptable)) {
                $0.entries.append(key)
                $0.entries.append(value)
            }
        case 0x75:  // SETITEMS
            let items = try popMark()
            guard items.count % 2 == 0 else { throw .malformed(offset: opcodeOffset, reason: "SETITEMS with an odd item count") }
            store.withContents(of: try target("SETITEMS", allowing: Self.subscriptable)) { $0.entries.append(contentsOf: items) }
        case 0x51:  // BINPERSID
            try pushTop(as: .persistentID, count: 1)
        case 0x52, 0x81:  // REDUCE, NEWOBJ: recorded (callee, arguments), never called
            try pushTop(as: opcode == 0x81 ? .newObject : .reduce, count: 2)
        case 0x62:  // BUILD
            let state = try pop()
            store.withContents(of: try target("BUILD", allowing: { _ in true })) {
                if let earlier = $0.state { $0.earlierStates.append(earlier) }
                $0.state = state
                $0.buildCount &+= $0.buildCount == .max ? 0 : 1
            }
        case 0x30:  // POP
            if stack.count > (marks.last ?? 0) { _ = try pop() } else { _ = try popMark() }
        case 0x31: _ = try popMark()  // POP_MARK
        case 0x32:  // DUP
            guard stack.count > (marks.last ?? 0), let top = stack.last else {
                throw .malformed(offset: opcodeOffset, reason: "DUP with an empty stack")
            }
            try push(top)
        case 0x69:  // INST: names a class inline; record it so scanners see it, then refuse.
            let module = try line()
            try record(PickleGlobal(module: module, name: try line()))
            throw .unsupportedOpcode(name: "INST (protocol 0)", offset: opcodeOffset)
        default:
            if let name = Self.unsupported(opcode) { throw .unsupportedOpcode(name: name, offset: opcodeOffset) }
            throw .unknownOpcode(byte: opcode, offset: opcodeOffset)
        }
    }

    static func appendable(_ kind: PickleStore.Kind) -> Bool {
        switch kind { case .list, .reduce, .newObject: true; default: false }
    }

    static func subscriptable(_ kind: PickleStore.Kind) -> Bool {
        switch kind { case .dict, .reduce, .newObject: true; default: false }
    }

    /// Replaces the top `count` items (above the topmost `MARK`) with an object whose fixed part
    /// they are, read straight from the stack (no array per object).
    mutating func pushTop(as kind: PickleStore.Kind, count: Int) throws(PickleError) {
        guard stack.count - (marks.last ?? 0) >= count else { throw .malformed(offset: opcodeOffset, reason: "stack underflow") }
        let index = try newNode(kind, fixed: stack[(stack.count - count)...])
        stack.removeLast(count)
        try push(.node(index))
    }

    /// Real opcodes outside the binary subset: refused by name rather than as unknown bytes.
    ///
    /// Why a switch and not a dictionary literal: the legacy-torch sniff runs this machine on the
    /// first bytes of every safetensors file (its header length's low byte is usually no opcode),
    /// and the dictionary's one-time build was ~3.5% of the samples of `perf record` over 200
    /// `inspect` runs of a small file.
    static func unsupported(_ opcode: UInt8) -> String? {
        switch opcode {
        case 0x49: "INT (protocol 0)"
        case 0x4C: "LONG (protocol 0)"
        case 0x53: "STRING (protocol 0)"
        case 0x56: "UNICODE (protocol 0)"
        case 0x46: "FLOAT (protocol 0)"
        case 0x70: "PUT (protocol 0)"
        case 0x67: "GET (protocol 0)"
        case 0x6F: "OBJ (protocol 1)"
        case 0x50: "PERSID (protocol 0)"
        case 0x82: "EXT1"
        case 0x83: "EXT2"
        case 0x84: "EXT4"
        case 0x92: "NEWOBJ_EX"
        case 0x97: "NEXT_BUFFER"
        case 0x98: "READONLY_BUFFER"
        default: nil
        }
    }

    /// `LONG1`/`LONG4`: little-endian two's complement; a value that fits in 64 bits becomes an
    /// `Int64`, however many bytes spell it (a longer spelling only repeats the sign byte:
    /// -2**63 written in 9 bytes was a "big" integer and named `<non-text key>`).
    mutating func pushLong(count: Int) throws(PickleError) {
        var r = try take(count)
        if count > 8 {
            let top = bytes[r.lowerBound + 7]
            let sign: UInt8 = top & 0x80 != 0 ? 0xFF : 0x00
            guard (r.lowerBound + 8 ..< r.upperBound).allSatisfy({ bytes[$0] == sign }) else { return try push(.bigInt(byteCount: count)) }
            r = r.lowerBound ..< r.lowerBound + 8
        }
        let count = r.count
        var value: UInt64 = 0
        for (shift, index) in r.enumerated() { value |= UInt64(bytes[index]) << (8 * UInt64(shift)) }
        if count > 0, count < 8, bytes[r.upperBound - 1] & 0x80 != 0 { value |= ~0 << (8 * UInt64(count)) }
        try push(store.integer(Int64(bitPattern: value)))
    }

    /// `BINSTRING`/`SHORT_BINSTRING` (a Python 2 `str`): text when it is UTF-8, bytes otherwise.
    mutating func pushLegacyString(count: Int) throws(PickleError) {
        let r = try take(count)
        let utf8 = UnsafeRawBufferPointer(rebasing: bytes[r])
        guard String(validating: utf8, as: UTF8.self) != nil else { return try push(store.appendBytes(r)) }
        try checkStreamSafe(utf8)
        try push(store.appendString(utf8))
    }
}
