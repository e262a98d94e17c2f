import Testing
@testable import PyTorchFormat

/// Opcode-level behaviour on hand-assembled streams; expected values are worked out by hand from
/// CPython's pickle documentation (pickletools), not from our output.
@Suite struct SymbolicUnpicklerTests {
    static func run(_ body: [UInt8], limits: PickleLimits = .default) -> Result<PickleProgram, PickleError> {
        TorchFixtures.unpickle([0x80, 0x02] + body + [0x2E], limits: limits)
    }

    @Test("scalars: BININT1/2, BININT, LONG1 (sign-extended), BINFLOAT (big-endian), bools, None")
    func scalars() throws {
        let cases: [([UInt8], PickleValue)] = [
            ([0x4B, 0xFF], .int(255)),
            ([0x4D, 0x34, 0x12], .int(0x1234)),
            ([0x4A, 0xFE, 0xFF, 0xFF, 0xFF], .int(-2)),
            ([0x8A, 0x01, 0xFF], .int(-1)),
            ([0x8A, 0x02, 0x00, 0x80], .int(-32768)),
            ([0x8A, 0x00], .int(0)),
            ([0x8A, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x80], .int(Int64.min)),
            ([0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 1], .bigInt(byteCount: 9)),
            // Longer spellings of 64-bit values (sign bytes repeated; Python's decode_long reads
            // them as -2**63 and 5) are those values, not big integers.
            ([0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF], .int(Int64.min)),
            ([0x8B, 0x0A, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0], .int(5)),
            // 2**63: the ninth byte is not the eighth's sign: a big integer.
            ([0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x00], .bigInt(byteCount: 9)),
            ([0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0], .float(1.5)),
            ([0x47, 0xC0, 0x09, 0x21, 0xFB, 0x54, 0x44, 0x2D, 0x18], .float(-3.141592653589793)),
            ([0x88], .bool(true)), ([0x89], .bool(false)), ([0x4E], .none),
            ([0x58, 2, 0, 0, 0, 0xC3, 0xA9], .string("é")),
            ([0x8C, 1, 0x61], .string("a")),
            ([0x55, 1, 0xFF], .bytes(4 ..< 5)),
            ([0x43, 2, 1, 2], .bytes(4 ..< 6)),
        ]
        for (body, value) in cases {
            #expect(try Self.run(body).get().root == value, "\(body)")
        }
    }

    @Test("containers, memo and marks build the structure Python would")
    func containers() throws {
        // {'a': [1, 2], 'b': (1, 2) memoized then fetched}: EMPTY_DICT MARK 'a' EMPTY_LIST MARK 1 2 APPENDS
        // 'b' 1 2 TUPLE2 BINPUT 0 SETITEMS 'c' BINGET 0 SETITEM
        let body: [UInt8] = [0x7D, 0x28, 0x8C, 1, 0x61, 0x5D, 0x28, 0x4B, 1, 0x4B, 2, 0x65,
                             0x8C, 1, 0x62, 0x4B, 1, 0x4B, 2, 0x86, 0x71, 0, 0x75,
                             0x8C, 1, 0x63, 0x68, 0, 0x73]
        let program = try Self.run(body).get()
        let root = try #require(program.node(program.root))
        #expect(root.kind == .dict)
        #expect(root.entries.count == 6)
        #expect(root.entries[0] == .string("a"))
        #expect(program.node(root.entries[1])?.elements == [.int(1), .int(2)])
        #expect(root.entries[3] == root.entries[5], "BINGET returns the memoized object itself")
        #expect(program.node(root.entries[3])?.kind == .tuple)
    }

    @Test("GLOBAL and STACK_GLOBAL record names; REDUCE records a call and calls nothing")
    func globalsAndCalls() throws {
        let os: [UInt8] = [0x63] + Array("os\nsystem\n".utf8) + [0x8C, 2, 0x6C, 0x73, 0x85, 0x52]
        let program = try Self.run(os).get()
        #expect(program.globals == [PickleGlobal(module: "os", name: "system")])
        guard case .call(let callee, let arguments, false)? = program.node(program.root)?.kind else {
            Issue.record("no call node"); return
        }
        #expect(callee == .global(PickleGlobal(module: "os", name: "system")))
        #expect(program.node(arguments)?.elements == [.string("ls")])
        let stacked: [UInt8] = [0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("eval".utf8) + [0x93]
        #expect(try Self.run(stacked).get().globals.map(\.description) == ["builtins.eval"])
    }

    @Test("an unknown opcode is reported with its byte offset")
    func unknownOpcode() {
        #expect(Self.run([0x4E, 0x4E, 0xFF]).failure == .unknownOpcode(byte: 0xFF, offset: 4))
    }

    @Test("protocol 0 text opcodes are refused by name, keeping the globals named before")
    func protocolZero() throws {
        // cos\nsystem\n(S'ls'\ntR.  — the classic protocol-0 payload
        let bytes = [UInt8]("cos\nsystem\n(S'ls'\ntR.".utf8)
        var seen: [PickleGlobal] = []
        let result = bytes.withUnsafeBytes { raw in
            do throws(PickleError) { return Result<PickleProgram, PickleError>.success(try SymbolicUnpickler.run(raw, limits: .default, globalsSeen: &seen)) }
            catch { return .failure(error) }
        }
        #expect(result.failure == .unsupportedOpcode(name: "STRING (protocol 0)", offset: 12))
        #expect(seen == [PickleGlobal(module: "os", name: "system")])
    }

    @Test("two PROTO headers: the last one counts, as Python's unpickler keeps it (pickletools: proto 4 then 2 is protocol 2)")
    func lastProtocolHeader() throws {
        let raw: [UInt8] = [0x80, 0x04, 0x80, 0x02, 0x4E, 0x2E]
        let program = try raw.withUnsafeBytes { bytes throws(PickleError) in try SymbolicUnpickler.run(bytes) }
        #expect(program.proto == 2)
    }

    @Test("globals after the failing opcode are found by stepping over operands: GLOBAL, INST, and STACK_GLOBAL of two literals")
    func globalsAfterFailure() throws {
        // FLOAT (protocol 0, not run), then GLOBAL os.system; SHORT_BINUNICODE 'a', MEMOIZE,
        // SHORT_BINUNICODE 'b', STACK_GLOBAL (a.b); INST x y; STOP.
        var raw: [UInt8] = [0x80, 0x02]
        raw += Array("F1.0\n".utf8) + [0x30]
        raw += Array("cos\nsystem\n".utf8)
        raw += [0x8C, 1, 0x61, 0x94, 0x8C, 1, 0x62, 0x93]
        raw += Array("ix\ny\n".utf8) + [0x2E]
        var seen: [PickleGlobal] = []
        let result = raw.withUnsafeBytes { bytes in
            Result<PickleProgram, PickleError> { () throws(PickleError) in try SymbolicUnpickler.run(bytes, limits: .default, globalsSeen: &seen) }
        }
        #expect(result.failure?.kind == "pickle-unsupported-opcode")
        #expect(seen.map(\.description) == ["os.system", "a.b", "x.y"], "\(seen)")
    }

    /// The globals a failed run names (the interpreter's, then the scan's past the failure).
    static func globalsNamed(_ raw: [UInt8]) -> [String] {
        var seen: [PickleGlobal] = []
        _ = raw.withUnsafeBytes { bytes in
            Result<PickleProgram, PickleError> { () throws(PickleError) in try SymbolicUnpickler.run(bytes, limits: .default, globalsSeen: &seen) }
        }
        return seen.map(\.description)
    }

    @Test("the scan keeps distinct names: 10,000 repeats of an allowed global do not hide a later payload; text literals and POP/DUP are followed")
    func globalScanLimitsAndLiterals() throws {
        // INT (protocol 0) stops the reader at byte 2; then the repeats, then the payload.
        var repeated: [UInt8] = [0x80, 0x02] + Array("I1\n0".utf8)
        for _ in 0 ..< 10_001 { repeated += Array("ccollections\nOrderedDict\n0".utf8) }
        repeated += Array("cposix\nsystem\n".utf8) + [0x2E]
        #expect(Self.globalsNamed(repeated) == ["collections.OrderedDict", "posix.system"])
        // STACK_GLOBAL of protocol 0 UNICODE and STRING literals, with a POP of a pushed None
        // and a DUP in between: Python imports os.system (pickletools).
        var literals: [UInt8] = [0x80, 0x02] + Array("I1\n0".utf8)
        literals += Array("Vos\n".utf8) + Array("S'system'\n".utf8) + [0x4E, 0x30, 0x93]
        literals += Array("Vx\n".utf8) + [0x32, 0x93, 0x2E]  // x, x: STACK_GLOBAL x.x
        #expect(Self.globalsNamed(literals) == ["os.system", "x.x"], "\(Self.globalsNamed(literals))")
        // Long names are not copied: a 5,000-byte literal under STACK_GLOBAL is ?.?, a GLOBAL
        // line past 64 KiB is named as such; both stay globals no allowlist holds.
        var long: [UInt8] = [0x80, 0x02] + Array("I1\n0".utf8)
        long += [0x8C, 1, 0x61] + [0x58] + withUnsafeBytes(of: UInt32(5000).littleEndian, Array.init) + Array(repeating: 0x62, count: 5000) + [0x93]
        long += [0x63] + Array(repeating: 0x6D, count: 70_000) + [0x0A] + Array("f\n".utf8) + [0x2E]
        #expect(Self.globalsNamed(long) == ["?.?", "?.? (a name over 64 KiB)"], "\(Self.globalsNamed(long).map { $0.prefix(40) })")
    }

    @Test("a line operand past the scan's limit ends the global scan as a global no allowlist holds; a stream ending inside a line names none")
    func overlongLineEndsTheScan() throws {
        func scan(_ raw: [UInt8], lineLimit: Int) -> [String] {
            raw.withUnsafeBytes { PickleGlobalScan.globals(in: $0, from: 0, limit: 100, lineLimit: lineLimit).map(\.description) }
        }
        // PERSID (protocol 0) and then no newline for 1,001 bytes under a limit of 1,000: the
        // scan stops there (without a limit it read a 1 TB sparse file to its end) and says so;
        // the GLOBAL after it is not seen.
        let overlong = [0x50] + [UInt8](repeating: 0, count: 1001) + Array("\ncposix\nsystem\n.".utf8)
        #expect(scan(overlong, lineLimit: 1000) == ["?.? (a line operand over 1000 bytes, the rest not scanned)"])
        // A line of 999 bytes and its newline is within it: stepped over.
        let under = [0x50] + [UInt8](repeating: 0x61, count: 999) + Array("\ncposix\nsystem\n.".utf8)
        #expect(scan(under, lineLimit: 1000) == ["posix.system"])
        // Bytes that end inside a line within the limit are a truncated stream: no global
        // (Python's unpickler runs none there); a raw pickle followed by 17 MiB of zeros read
        // as STRING was said to name one when the limit was 16 MiB.
        #expect(scan([0x50] + [UInt8](repeating: 0, count: 999), lineLimit: 1000) == [])
        // With the default limit (1 GiB), through the interpreter's failure path: a line longer
        // than the interpreter's 16 MiB cap is still stepped over.
        let long = [0x80, 0x02] + Array("F1.0\n".utf8) + [0x56] + [UInt8](repeating: 0x61, count: (1 << 24) + 5)
            + Array("\ncposix\nsystem\n.".utf8)
        #expect(Self.globalsNamed(long) == ["posix.system"])
        #expect(Self.globalsNamed([0x80, 0x02] + Array("F1.0\n".utf8) + [0x53] + [UInt8](repeating: 0, count: (1 << 24) + 5)) == [])
    }

    @Test("structural errors", arguments: [
        ([0x30] as [UInt8], "no MARK"),             // POP on an empty stack (Python: pop_mark fails)
        ([0x74], "no MARK"),                         // TUPLE without MARK
        ([0x68, 7], "memo key 7"),                   // BINGET of a missing key
        ([0x4E, 0x61], "APPEND"),                    // APPEND onto None
        ([0x28, 0x4E, 0x64], "odd item count"),      // DICT with one item
        ([0x4E, 0x4E, 0x93], "STACK_GLOBAL"),        // STACK_GLOBAL of non-strings
        ([0x58, 1, 0, 0, 0, 0xFF], "UTF-8"),          // BINUNICODE of invalid UTF-8
        ([0x80, 6], "protocol 6"),
    ])
    func structuralErrors(body: [UInt8], fragment: String) throws {
        let error = try #require(Self.run(body).failure, "\(body) accepted")
        #expect(error.description.contains(fragment), "\(error)")
    }

    static let limitCases: [(String, [UInt8])] = [
        ("stack depth", [UInt8](repeating: 0x4E, count: 11)),
        ("MARK depth", [UInt8](repeating: 0x28, count: 11)),
        ("memo size", [0x4E] + (0 ..< 11).flatMap { (i: Int) -> [UInt8] in [0x71, UInt8(i)] }),
        ("string or bytes length", [0x58, 11, 0, 0, 0] + [UInt8](repeating: 0x61, count: 11)),
        ("object count", [UInt8](repeating: 0x5D, count: 11)),
        ("opcode count", [UInt8](repeating: 0x4E, count: 5) + [UInt8](repeating: 0x30, count: 5)),
    ]

    @Test("every limit is enforced", arguments: limitCases)
    func limits(what: String, body: [UInt8]) throws {
        var limits = PickleLimits()
        switch what {
        case "stack depth": limits.maxStackDepth = 10
        case "MARK depth": limits.maxMarkDepth = 10
        case "memo size": limits.maxMemoEntries = 10
        case "string or bytes length": limits.maxStringBytes = 10
        case "object count": limits.maxNodes = 10
        default: limits.maxOpcodes = 11  // PROTO + 10 opcodes; STOP would be the 12th
        }
        guard case .limitExceeded(let reported, _, _)? = Self.run(body, limits: limits).failure else {
            Issue.record("\(what): not refused"); return
        }
        #expect(reported.hasPrefix(what), "\(reported)")
        // The same stream under the default limits is fine (or fails for another reason, never a limit).
        if case .limitExceeded? = Self.run(body).failure { Issue.record("\(what): default limits too tight") }
    }

    @Test("every truncation of a torch data.pkl is an error, never a crash")
    func truncations() throws {
        #expect(Self.run([]).failure != nil)  // "\x80\x02." has an empty stack at STOP
        let pickle = try Array(tiedPickle())
        #expect(TorchFixtures.unpickle(pickle).success != nil)
        for length in 0 ..< pickle.count {
            #expect(TorchFixtures.unpickle(Array(pickle[..<length])).failure != nil, "prefix \(length)")
        }
    }

    @Test("a cyclic list (appended to itself) unpickles and the walk does not go round it")
    func cycle() throws {
        // EMPTY_LIST BINPUT 0 BINGET 0 APPEND  → l = []; l.append(l)
        let program = try Self.run([0x5D, 0x71, 0, 0x68, 0, 0x61]).get()
        #expect(program.node(program.root)?.elements == [program.root])
        var collector = TensorCollector(program: program, limits: .default, pickleBytes: 0)
        // torch.load(weights_only=True) returns such a list; the walk enters it once (it went
        // round until the nesting limit refused the file).
        try collector.walk(program.root, depth: 0)
        #expect(collector.tensors.isEmpty && collector.steps == 2, "\(collector.steps) steps")
    }

    /// The data.pkl of the tied-weights fixture, found through Python's zipfile offsets.
    func tiedPickle() throws -> ArraySlice<UInt8> {
        let bytes = try TorchFixtures.bytes("tied.bin")
        let entries = try #require(TorchFixtures.goodFiles["tied.bin"]?["zip_entries"] as? [[String: Any]])
        let entry = try #require(entries.first { ($0["name"] as? String)?.hasSuffix("/data.pkl") == true })
        let start = try #require(entry["data_offset"] as? Int), size = try #require(entry["size"] as? Int)
        return bytes[start ..< start + size]
    }
}
