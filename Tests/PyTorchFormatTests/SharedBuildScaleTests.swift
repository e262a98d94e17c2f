import Testing
import TestSupport
@testable import PyTorchFormat

/// BUILDs and their states shared through the memo cost the walk once per object, not once per
/// reference (hunt-64c L7). Before: each BUILD state was searched once per BUILD, so 1,000,000
/// BUILDs of one memoised state (a 6 MB file torch.load reads in 3.4 s) ran into the walk budget
/// and were refused; and the BUILD states of a set or a Parameter were gone through on every
/// visit, so n BUILDs reached n times took n² (1.6 and 2.1 MB files ran for over 120 s).
@Suite(.serialized) struct SharedBuildScaleTests {
    static func text(_ s: String) -> [UInt8] {
        let bytes = Array(s.utf8)
        return [0x58] + withUnsafeBytes(of: UInt32(bytes.count).littleEndian, Array.init) + bytes  // BINUNICODE
    }

    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }  // GLOBAL

    static let orderedDict = global("collections", "OrderedDict") + [0x29, 0x52]  // (), REDUCE

    /// `_rebuild_parameter(_rebuild_tensor_v2(storage '0', 0, (4,), (1,), False, OrderedDict()), False, OrderedDict())`.
    static let parameter: [UInt8] = {
        let storage = [0x28] + text("storage") + global("torch", "FloatStorage") + text("0") + text("cpu") + [0x4B, 4, 0x74, 0x51]
        let tensor = global("torch._utils", "_rebuild_tensor_v2") + [0x28] + storage + [0x4B, 0, 0x28, 0x4B, 4, 0x74, 0x28, 0x4B, 1, 0x74, 0x89]
            + orderedDict + [0x74, 0x52]
        return global("torch._utils", "_rebuild_parameter") + [0x28] + tensor + [0x89] + orderedDict + [0x74, 0x52]
    }()

    /// `{'x': [object, object, …]}`: `object` (memo 9) and then `count` references to it, in
    /// `APPENDS` of 1,000.
    static func referenced(_ object: [UInt8], count: Int) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x7D] + text("x") + [0x5D] + object + [0x71, 9, 0x61]  // PROTO 2, {}, 'x', [], object, BINPUT 9, APPEND
        for _ in 0 ..< count / 1_000 { out += [0x28] + Array(repeating: [UInt8]([0x68, 9]), count: 1_000).joined() + [0x65] }
        return out + [0x73, 0x2E]  // SETITEM, STOP
    }

    /// A set with `n` BUILDs of None (torch.load skips a false state), reached `n` times.
    static func setPickle(_ n: Int) -> [UInt8] {
        referenced([0x8F] + Array(repeating: [UInt8]([0x4E, 0x62]), count: n).joined(), count: n)  // EMPTY_SET, n × (None, BUILD)
    }

    /// A Parameter with `n` BUILDs of one memoised `(True, None, {})` state, reached `n` times.
    static func parameterPickle(_ n: Int) -> [UInt8] {
        let state: [UInt8] = [0x28, 0x88, 0x4E, 0x7D, 0x74, 0x71, 8]  // MARK, True, None, {}, TUPLE, BINPUT 8
        return referenced(parameter + state + [0x62] + Array(repeating: [UInt8]([0x68, 8, 0x62]), count: n - 1).joined(), count: n)
    }

    /// A Parameter with `n` fresh `(True, None, hooks)` states sharing one hooks dict of `n`
    /// entries (memo 7), as `TestData/pytorch-load-changes/build-shared-hooks.pt` at 1,000.
    static func sharedHooksPickle(_ n: Int) -> [UInt8] {
        var hooks: [UInt8] = [0x7D, 0x71, 7]  // {}, BINPUT 7
        for batch in stride(from: 0, to: n, by: 1_000) {
            hooks += [0x28]
            for i in batch ..< min(n, batch + 1_000) { hooks += [0x4A] + withUnsafeBytes(of: Int32(i).littleEndian, Array.init) + [0x4E] }
            hooks += [0x75]  // SETITEMS
        }
        var object = parameter + [0x28, 0x88, 0x4E] + hooks + [0x74, 0x62]
        for _ in 1 ..< n { object += [0x28, 0x88, 0x4E, 0x68, 7, 0x74, 0x62] }
        return referenced(object, count: 0)
    }

    /// `_rebuild_from_type_v2(_rebuild_tensor_v2, Tensor, (…), {'a0': None, …})`: a tensor with
    /// `n` saved Python attributes, reached `n` times (hunt-65c H1: they were checked once per
    /// reference, 18.5 s for n = 8,000 in a debug build).
    static func attributesPickle(_ n: Int) -> [UInt8] {
        let storage = [0x28] + text("storage") + global("torch", "FloatStorage") + text("0") + text("cpu") + [0x4B, 4, 0x74, 0x51]
        let arguments = [0x28] + storage + [0x4B, 0, 0x28, 0x4B, 4, 0x74, 0x28, 0x4B, 1, 0x74, 0x89] + orderedDict + [0x74]
        var attributes: [UInt8] = [0x7D]  // {}
        for batch in stride(from: 0, to: n, by: 1_000) {
            attributes += [0x28]
            for i in batch ..< min(n, batch + 1_000) { attributes += text("a\(i)") + [0x4E] }
            attributes += [0x75]  // SETITEMS
        }
        let object = global("torch._tensor", "_rebuild_from_type_v2") + [0x28] + global("torch._utils", "_rebuild_tensor_v2")
            + global("torch", "Tensor") + arguments + attributes + [0x74, 0x52]
        return referenced(object, count: n)
    }

    static func walk(_ bytes: [UInt8]) throws -> TensorCollector {
        let program = try TorchFixtures.unpickle(bytes).get()
        var collector = TensorCollector(program: program, limits: .default, pickleBytes: bytes.count)
        try collector.walkRoot()
        return collector
    }

    @Test("a set with n false BUILD states reached n times, a Parameter with n BUILDs reached n times, n states sharing n hooks, a tensor with n saved attributes reached n times: read, linear in n",
          arguments: [("set", 0), ("parameter", 1), ("shared hooks", 2), ("attributes", 3)])
    func linear(kind: String, which: Int) throws {
        func make(_ n: Int) -> [UInt8] {
            switch which {
            case 0: Self.setPickle(n)
            case 1: Self.parameterPickle(n)
            case 2: Self.sharedHooksPickle(n)
            default: Self.attributesPickle(n)
            }
        }
        let n = 4_000
        let (small, large) = (make(n), make(LinearTime.growth * n))
        let walked = try Self.walk(large)
        switch which {
        case 1:
            #expect(walked.tensors.count == LinearTime.growth * n + 1)
            #expect(walked.tensors.allSatisfy { $0.requiresGrad })
        case 2:
            #expect(walked.tensors.map(\.name) == ["x.0"] && walked.tensors.first?.requiresGrad == true)
        case 3:
            #expect(walked.tensors.count == LinearTime.growth * n + 1)
        default:
            #expect(walked.tensors.isEmpty)
        }
        let ratio = try LinearTime.ratio(n) { size in _ = try Self.walk(size == n ? small : large) }
        #expect(ratio < LinearTime.bound, "\(kind): 4x the BUILDs and references took \(ratio)x the time")
    }
}
