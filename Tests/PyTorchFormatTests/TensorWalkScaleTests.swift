import Testing
import TestSupport
@testable import PyTorchFormat

/// The tensor walk's work grows with the objects it visits, not with the values each visited
/// object holds. Pickle lets `APPEND`/`SETITEM` add values to any call result, a rebuild call
/// included, and lets one object be referenced any number of times (`BINGET`): a program of
/// n appended values and n references must not cost n². Between the compact store (ec6b956) and
/// reading objects in place (`PickleProgram.object`, 92d5233) the walk decoded the whole call,
/// added values included, on every visit: 100,000 values × 1,000 references took 54 s to
/// inspect, a 200 KB file (0.25 s with the node graph before); this test failed there (ratio 13.6).
@Suite(.serialized) struct TensorWalkScaleTests {
    /// `StateDictPickle`'s one-tensor state dict, whose rebuild call (memo 13, on top of the stack
    /// before the final `SETITEMS`) and hooks `OrderedDict()` (memo 11) each also get `n` values
    /// by `APPENDS`, plus a key `refs` holding a list of `n` references to each (alternating).
    static func pickle(_ n: Int) -> [UInt8] {
        var out = Array(StateDictPickle.bytes(tensors: 1).dropLast(2))  // without SETITEMS, STOP
        out += [0x28] + Array(repeating: [UInt8]([0x4B, 1]), count: n).joined() + [0x65]  // MARK, n × BININT1 1, APPENDS
        out += [0x75]  // SETITEMS: state["layer0.w"] = the call
        out += [0x68, 11, 0x28] + Array(repeating: [UInt8]([0x4B, 1]), count: n).joined() + [0x65, 0x30]  // BINGET 11, MARK, …, APPENDS, POP
        let key = Array("refs".utf8)
        out += [0x58] + withUnsafeBytes(of: UInt32(key.count).littleEndian, Array.init) + key + [0x5D]  // 'refs', EMPTY_LIST
        for _ in 0 ..< n { out += [0x68, 13, 0x61, 0x68, 11, 0x61] }  // BINGET 13, APPEND, BINGET 11, APPEND
        out += [0x73, 0x2E]  // SETITEM, STOP
        return out
    }

    static func walk(_ program: PickleProgram, pickleBytes: Int) throws -> [TensorDeclaration] {
        var collector = TensorCollector(program: program, limits: .default, pickleBytes: pickleBytes)
        try collector.walk(program.root, depth: 0)
        return collector.tensors
    }

    @Test("every reference to the shared rebuild call is a tensor of the same storage; the OrderedDicts hold none")
    func sharedCallIsATensorPerReference() throws {
        let tensors = try Self.walk(try TorchFixtures.unpickle(Self.pickle(3)).get(), pickleBytes: Self.pickle(3).count)
        #expect(tensors.map(\.name) == ["layer0.w", "refs.0", "refs.2", "refs.4"])
        #expect(tensors.allSatisfy { $0.shape == [4, 16] && $0.storage.key == "0" })
    }

    @Test("n appended values and n references: linear in n")
    func linear() throws {
        let n = 500
        let small = try TorchFixtures.unpickle(Self.pickle(n)).get()
        let large = try TorchFixtures.unpickle(Self.pickle(LinearTime.growth * n)).get()
        let (smallBytes, largeBytes) = (Self.pickle(n).count, Self.pickle(LinearTime.growth * n).count)
        #expect(try Self.walk(large, pickleBytes: largeBytes).count == LinearTime.growth * n + 1)
        let ratio = try LinearTime.ratio(n) { size in
            _ = try Self.walk(size == n ? small : large, pickleBytes: size == n ? smallBytes : largeBytes)
        }
        #expect(ratio < LinearTime.bound, "4x the values and references took \(ratio)x the time")
    }

    /// A dict whose entries all reuse one memoised text key of `keyBytes` bytes (`BINGET`), in
    /// `batches` `SETITEMS` of 1,000 entries: Python keeps one entry. Every entry hashed the
    /// whole key: 100,000 entries under a 1 MB key (a 1.4 MB file torch.load reads in 0.3 s)
    /// ran for minutes.
    static func sharedKeyPickle(keyBytes: Int, batches: Int) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x28]  // PROTO 2, EMPTY_DICT, MARK
        out += [0x58] + withUnsafeBytes(of: UInt32(keyBytes).littleEndian, Array.init) + [UInt8](repeating: 0x6B, count: keyBytes)
        out += [0x71, 1, 0x4B, 1, 0x75]  // BINPUT 1, BININT1 1, SETITEMS
        for _ in 0 ..< batches {
            out += [0x28] + Array(repeating: [UInt8]([0x68, 1, 0x4B, 2]), count: 1_000).joined() + [0x75]  // MARK, (BINGET 1, BININT1 2) × 1,000, SETITEMS
        }
        return out + [0x2E]
    }

    @Test("entries sharing one long memoised key: linear in the file (key and entries grown together), one value with the last assignment")
    func sharedLongKey() throws {
        // Growing both the key and the entries: the old walk's work was their product.
        let n = 4
        let small = Self.sharedKeyPickle(keyBytes: n << 12, batches: n)
        let large = Self.sharedKeyPickle(keyBytes: (LinearTime.growth * n) << 12, batches: LinearTime.growth * n)
        let programs = (try TorchFixtures.unpickle(small).get(), try TorchFixtures.unpickle(large).get())
        func values(_ program: PickleProgram, _ bytes: Int) throws -> TensorCollector {
            var collector = TensorCollector(program: program, limits: .default, pickleBytes: bytes)
            try collector.walk(program.root, depth: 0)
            return collector
        }
        let walked = try values(programs.1, large.count)
        #expect(walked.valueCount == 1 && walked.values.first?.value == .int(2))
        let ratio = try LinearTime.ratio(n) { size in
            _ = try size == n ? values(programs.0, small.count) : values(programs.1, large.count)
        }
        #expect(ratio < LinearTime.bound, "4x the key and 4x the entries took \(ratio)x the time")
    }
}
