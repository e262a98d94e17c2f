/// The element types a torch checkpoint can declare, named as torch names them (`torch.float32`).
///
/// A dtype reaches the pickle in one of two ways: the storage class of a typed storage
/// (`torch.FloatStorage`, read by `_rebuild_tensor_v2`) or a dtype global next to an
/// `UntypedStorage` (`torch.float8_e4m3fn`, read by `_rebuild_tensor_v3`, which torch uses for
/// the dtypes that have no legacy storage class: float8, uint16/32/64, …).
public enum TorchDType: String, CaseIterable, Sendable, Hashable {
    case float32, float16, bfloat16, float64
    case int64, int32, int16, int8, uint8, bool
    case uint16, uint32, uint64
    case float8_e4m3fn, float8_e5m2, float8_e4m3fnuz, float8_e5m2fnuz, float8_e8m0fnu
    case complex64, complex128, complex32

    /// Whether a tensor of this dtype may require gradients: floating point and complex only.
    /// torch.load sets `requires_grad` on every tensor it rebuilds, and on an integer or bool
    /// tensor that raises ("Only Tensors of floating point and complex dtype can require
    /// gradients"), so such a file is not loaded (torch 2.13, checked dtype by dtype).
    var canRequireGradients: Bool {
        switch self {
        case .int64, .int32, .int16, .int8, .uint8, .bool, .uint16, .uint32, .uint64: false
        default: true
        }
    }

    /// Whether the elements have an imaginary part: torch.load's `conj` metadata and a saved
    /// `imag` attribute apply to these only (hunt-63a H2, H3).
    var isComplex: Bool { self == .complex64 || self == .complex128 || self == .complex32 }

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .bool, .int8, .uint8, .float8_e4m3fn, .float8_e5m2, .float8_e4m3fnuz, .float8_e5m2fnuz, .float8_e8m0fnu: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32, .complex32: 4
        case .float64, .int64, .uint64, .complex64: 8
        case .complex128: 16
        }
    }

    /// The safetensors 0.8 spelling (`F32`, `BF16`, `F8_E4M3` …), or `nil` when safetensors has no
    /// such type (complex128, complex32): a converter cannot write those tensors as they are.
    public var safetensorsName: String? {
        switch self {
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float64: "F64"
        case .int64: "I64"
        case .int32: "I32"
        case .int16: "I16"
        case .int8: "I8"
        case .uint8: "U8"
        case .bool: "BOOL"
        case .uint16: "U16"
        case .uint32: "U32"
        case .uint64: "U64"
        case .float8_e4m3fn: "F8_E4M3"
        case .float8_e5m2: "F8_E5M2"
        case .float8_e4m3fnuz: "F8_E4M3FNUZ"
        case .float8_e5m2fnuz: "F8_E5M2FNUZ"
        case .float8_e8m0fnu: "F8_E8M0"
        case .complex64: "C64"
        case .complex128, .complex32: nil
        }
    }

    /// The dtype a `torch.<Name>Storage` class implies (the legacy typed storages).
    public init?(storageClass name: String) {
        switch name {
        case "FloatStorage": self = .float32
        case "HalfStorage": self = .float16
        case "BFloat16Storage": self = .bfloat16
        case "DoubleStorage": self = .float64
        case "LongStorage": self = .int64
        case "IntStorage": self = .int32
        case "ShortStorage": self = .int16
        case "CharStorage": self = .int8
        case "ByteStorage": self = .uint8
        case "BoolStorage": self = .bool
        case "ComplexFloatStorage": self = .complex64
        case "ComplexDoubleStorage": self = .complex128
        default: return nil
        }
    }
}
