import Foundation
@testable import PyTorchFormat

/// The committed torch fixtures (`TestData/pytorch`, written by `generate.py` with torch) and the
/// expectations the script recorded from torch, numpy, Python's zipfile and a stub unpickler.
enum TorchFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("TestData/pytorch")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    nonisolated(unsafe) static let expected: [String: Any] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }()

    static var goodFiles: [String: [String: Any]] { expected["files"] as? [String: [String: Any]] ?? [:] }
    static var hostileFiles: [String: [String: Any]] { expected["hostile"] as? [String: [String: Any]] ?? [:] }

    static var stateDictNames: [String] { goodFiles.filter { $0.value["kind"] as? String == "state_dict" }.keys.sorted() }

    /// Reads a checkpoint from bytes, returning the error instead of throwing.
    static func read(_ bytes: [UInt8], limits: PickleLimits = .default) -> Result<TorchCheckpoint, TorchFormatError> {
        bytes.withUnsafeBytes { raw in
            do throws(TorchFormatError) { return .success(try TorchCheckpointReader.read(raw, limits: limits)) }
            catch { return .failure(error) }
        }
    }

    static func unpickle(_ bytes: [UInt8], limits: PickleLimits = .default) -> Result<PickleProgram, PickleError> {
        bytes.withUnsafeBytes { raw in
            do throws(PickleError) { return .success(try SymbolicUnpickler.run(raw, limits: limits)) }
            catch { return .failure(error) }
        }
    }

    /// The globals recognised: the state dict's, written here independently of `RecognisedGlobals`,
    /// and every global torch's safe loader accepts (its own table, recorded by
    /// `pytorch-safe-globals/generate.py`), `builtins` also as a protocol-2 pickle spells it.
    static let allowed: Set<String> = {
        var names: Set<String> = ["torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor_v3",
                                  "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
                                  "torch.storage.UntypedStorage", "collections.OrderedDict"]
        for storage in ["Float", "Half", "BFloat16", "Double", "Long", "Int", "Short", "Char", "Byte", "Bool",
                        "ComplexFloat", "ComplexDouble"] { names.insert("torch.\(storage)Storage") }
        for dtype in ["float32", "float16", "bfloat16", "float64", "int64", "int32", "int16", "int8", "uint8", "bool",
                      "uint16", "uint32", "uint64", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz",
                      "float8_e8m0fnu", "complex64", "complex128", "complex32"] { names.insert("torch.\(dtype)") }
        let table = folder.deletingLastPathComponent().appendingPathComponent("pytorch-safe-globals/expected.json")
        if let data = try? Data(contentsOf: table), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
           let torchAllowed = object["torch_allowed_globals"] as? [String] {
            for name in torchAllowed {
                names.insert(name)
                if name.hasPrefix("builtins.") { names.insert("__builtin__." + name.dropFirst("builtins.".count)) }
            }
        }
        return names
    }()

    /// torch dtype → safetensors dtype name, from safetensors' own torch mapping (`safetensors/torch.py`).
    static let safetensorsName: [String: String] = [
        "torch.float32": "F32", "torch.float16": "F16", "torch.bfloat16": "BF16", "torch.float64": "F64",
        "torch.int64": "I64", "torch.int32": "I32", "torch.int16": "I16", "torch.int8": "I8", "torch.uint8": "U8",
        "torch.bool": "BOOL", "torch.uint16": "U16", "torch.uint32": "U32", "torch.uint64": "U64",
        "torch.float8_e4m3fn": "F8_E4M3", "torch.float8_e5m2": "F8_E5M2", "torch.complex64": "C64",
    ]
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
    var success: Success? { if case .success(let v) = self { v } else { nil } }
}

/// Hex text → bytes (the generator records tensor bytes as hex).
func bytesFromHex(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
        out.append(UInt8(text[index ..< next], radix: 16) ?? 0)
        index = next
    }
    return out
}

/// The tensor's elements in row-major order, gathered through its strides from the file bytes:
/// an independent reading that does not trust `contiguousByteRange`.
func gather(_ tensor: TorchTensor, storage: TorchStorage, file: [UInt8]) -> [UInt8] {
    let width = tensor.dtype.byteWidth
    var out: [UInt8] = []
    guard tensor.elementCount > 0 else { return out }
    var index = [UInt64](repeating: 0, count: tensor.shape.count)
    for _ in 0 ..< tensor.elementCount {
        var element = tensor.storageOffset
        for (i, s) in zip(index, tensor.stride) { element += i * s }
        let start = Int(storage.byteRange.lowerBound) + Int(element) * width
        out.append(contentsOf: file[start ..< start + width])
        var d = tensor.shape.count - 1
        while d >= 0 {
            index[d] += 1
            if index[d] < tensor.shape[d] { break }
            index[d] = 0
            d -= 1
        }
    }
    return out
}
