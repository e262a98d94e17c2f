/// The `data.pkl` that `torch.save({f"layer{i}.w": torch.randn(4, 16) for i in range(n)}, path)`
/// writes (torch 2.13, protocol 2), rebuilt opcode by opcode so memory tests need neither Python
/// nor a large fixture. The sequence was copied from `pickletools.dis` of such a file, and for
/// n = 1,500 (batches and `LONG_BINPUT` included) the output is byte-identical to that file's
/// `data.pkl` (compared with `cmp`):
///
///     PROTO 2  EMPTY_DICT  BINPUT 0  MARK
///       per tensor i:  BINUNICODE 'layer<i>.w'  BINPUT
///         GLOBAL 'torch._utils _rebuild_tensor_v2' BINPUT 2       (later tensors: BINGET 2)
///         MARK  MARK  BINUNICODE 'storage' BINPUT 3  GLOBAL 'torch FloatStorage' BINPUT 4
///               (later: BINGET 3  BINGET 4)  BINUNICODE '<i>' BINPUT  BINUNICODE 'cpu' BINPUT 6
///               (later: BINGET 6)  BININT1 64  TUPLE  BINPUT  BINPERSID
///         BININT1 0  BININT1 4  BININT1 16  TUPLE2  BINPUT  BININT1 16  BININT1 1  TUPLE2  BINPUT
///         NEWFALSE  GLOBAL 'collections OrderedDict' BINPUT 10 (later: BINGET 10)  EMPTY_TUPLE
///         REDUCE  BINPUT  TUPLE  BINPUT  REDUCE  BINPUT
///       SETITEMS  MARK  (every 1,000 items, as pickle batches them)
///     SETITEMS  STOP
///
/// Objects per tensor, counted from that listing: the storage tuple, its persistent id, the size
/// and stride tuples, the empty tuple, the `OrderedDict()` call, the argument tuple and the
/// rebuild call — 8. Values in their fixed parts: 5 + 1 + 2 + 2 + 0 + 2 (callee, arguments) + 6
/// + 2 = 20; the state dict holds 2 more (key, value).
enum StateDictPickle {
    static let objectsPerTensor = 8
    static let fixedValuesPerTensor = 20

    static func bytes(tensors: Int) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        var memo: UInt32 = 1
        func put() {
            if memo < 256 { out += [0x71, UInt8(memo)] } else { out += [0x72] + withUnsafeBytes(of: memo.littleEndian, Array.init) }
            memo += 1
        }
        func text(_ s: String) { out += [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + Array(s.utf8) }
        func global(_ module: String, _ name: String) { out += [0x63] + Array("\(module)\n\(name)\n".utf8) }
        for i in 0 ..< tensors {
            text("layer\(i).w"); put()
            if i == 0 { global("torch._utils", "_rebuild_tensor_v2"); put() } else { out += [0x68, 2] }
            out += [0x28, 0x28]
            if i == 0 { text("storage"); put(); global("torch", "FloatStorage"); put() } else { out += [0x68, 3, 0x68, 4] }
            text(String(i)); put()
            if i == 0 { text("cpu"); put() } else { out += [0x68, 6] }
            out += [0x4B, 64, 0x74]; put()
            out += [0x51, 0x4B, 0, 0x4B, 4, 0x4B, 16, 0x86]; put()
            out += [0x4B, 16, 0x4B, 1, 0x86]; put()
            out += [0x89]
            if i == 0 { global("collections", "OrderedDict"); put() } else { out += [0x68, 10] }
            out += [0x29, 0x52]; put()
            out += [0x74]; put()
            out += [0x52]; put()
            if i % 1000 == 999 { out += [0x75, 0x28] }
        }
        out += [0x75, 0x2E]
        return out
    }
}
