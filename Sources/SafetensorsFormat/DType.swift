/// The element types of safetensors 0.8, spelled exactly as they appear in a header.
///
/// The case order is the reference implementation's enum order, which its writer uses to
/// sort tensors; keeping it lets us reproduce and explain reference-written layouts.
public enum DType: String, CaseIterable, Sendable, Codable, Comparable {
    case bool = "BOOL"
    case f4 = "F4"
    case f6E2M3 = "F6_E2M3"
    case f6E3M2 = "F6_E3M2"
    case u8 = "U8"
    case i8 = "I8"
    case f8E5M2 = "F8_E5M2"
    case f8E4M3 = "F8_E4M3"
    case f8E8M0 = "F8_E8M0"
    case f8E4M3FNUZ = "F8_E4M3FNUZ"
    case f8E5M2FNUZ = "F8_E5M2FNUZ"
    case i16 = "I16"
    case u16 = "U16"
    case f16 = "F16"
    case bf16 = "BF16"
    case i32 = "I32"
    case u32 = "U32"
    case f32 = "F32"
    case c64 = "C64"
    case f64 = "F64"
    case i64 = "I64"
    case u64 = "U64"

    /// Storage bits per element. Sub-byte types (F4, F6) pack several elements per byte, so
    /// sizes are computed in bits and must come out as whole bytes.
    public var bitWidth: Int {
        switch self {
        case .f4: 4
        case .f6E2M3, .f6E3M2: 6
        case .bool, .u8, .i8, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ: 8
        case .i16, .u16, .f16, .bf16: 16
        case .i32, .u32, .f32: 32
        case .c64, .f64, .i64, .u64: 64
        }
    }

    /// Bytes per element for byte-aligned types; `nil` for the packed sub-byte types.
    public var byteWidth: Int? { bitWidth % 8 == 0 ? bitWidth / 8 : nil }

    /// True for real floating-point formats (including the 8-, 6- and 4-bit ones).
    public var isFloatingPoint: Bool {
        switch self {
        case .f4, .f6E2M3, .f6E3M2, .f8E5M2, .f8E4M3, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ,
             .f16, .bf16, .f32, .f64:
            true
        default:
            false
        }
    }

    /// True for signed and unsigned integers (BOOL excluded).
    public var isInteger: Bool {
        switch self {
        case .u8, .i8, .i16, .u16, .i32, .u32, .i64, .u64: true
        default: false
        }
    }

    /// Every dtype, most common first: the order in which the parser tries spellings.
    /// A stored array, because `allCases` builds a new array on every access.
    static let parseOrder: [DType] = [.f32, .bf16, .f16, .i64, .f64, .i32, .u8, .bool, .i8, .f8E4M3, .f8E5M2,
                                      .u16, .i16, .u32, .u64, .f8E8M0, .f8E4M3FNUZ, .f8E5M2FNUZ, .f4,
                                      .f6E2M3, .f6E3M2, .c64]

    /// The header spelling as a static string, so the parser can match bytes without
    /// building a `String` per tensor.
    var staticName: StaticString {
        switch self {
        case .bool: "BOOL"
        case .f4: "F4"
        case .f6E2M3: "F6_E2M3"
        case .f6E3M2: "F6_E3M2"
        case .u8: "U8"
        case .i8: "I8"
        case .f8E5M2: "F8_E5M2"
        case .f8E4M3: "F8_E4M3"
        case .f8E8M0: "F8_E8M0"
        case .f8E4M3FNUZ: "F8_E4M3FNUZ"
        case .f8E5M2FNUZ: "F8_E5M2FNUZ"
        case .i16: "I16"
        case .u16: "U16"
        case .f16: "F16"
        case .bf16: "BF16"
        case .i32: "I32"
        case .u32: "U32"
        case .f32: "F32"
        case .c64: "C64"
        case .f64: "F64"
        case .i64: "I64"
        case .u64: "U64"
        }
    }

    public static func < (lhs: DType, rhs: DType) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
