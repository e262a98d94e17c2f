import GGUFFormat
import SafetensorsFormat

/// What a tensor's elements are, whatever format it came from.
///
/// Why two cases: safetensors and torch store one scalar per element, named by safetensors'
/// dtype spelling (`F32`, `BF16`, `I64` …; torch's dtypes are mapped to it). GGUF stores its plain
/// types that way too (ggml's `F32`, `F16`, `BF16`, `F64`, `I8`…`I64` are spelled like
/// safetensors'), but its quantized types pack `blockSize` elements with their scales into
/// `typeSize` bytes: no element has bytes of its own, so they are a case of their own rather
/// than a pretend scalar.
public enum ElementType: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One stored scalar per element.
    case scalar(DType)
    /// ggml blocks of a quantized type (`Q8_0`, `Q4_K` …; `isQuantized` is true).
    case blocks(GGMLType)

    /// The type as reports spell it: safetensors' dtype name, or the ggml type's name.
    public var rawValue: String {
        switch self {
        case .scalar(let dtype): dtype.rawValue
        case .blocks(let type): type.name
        }
    }

    public var description: String { rawValue }

    /// The scalar dtype, or `nil` for block-quantized data.
    public var scalar: DType? {
        if case .scalar(let dtype) = self { return dtype }
        return nil
    }

    /// The ggml block type, or `nil` for scalar data.
    public var blockType: GGMLType? {
        if case .blocks(let type) = self { return type }
        return nil
    }

    /// Real-valued weights: floating-point scalars and every quantized type (they decode to floats).
    public var isFloatingPoint: Bool { scalar?.isFloatingPoint ?? true }

    /// The type of a GGUF tensor: its plain types map to the scalar dtype of the same name
    /// (so an F32 tensor is F32 whichever file holds it), the others are blocks.
    public init(_ type: GGMLType) {
        if !type.isQuantized, let dtype = DType(rawValue: type.name) {
            self = .scalar(dtype)
        } else {
            self = .blocks(type)
        }
    }

    /// Scalars first, in safetensors' dtype order, then block types by ggml id.
    public static func < (a: ElementType, b: ElementType) -> Bool {
        switch (a, b) {
        case let (.scalar(x), .scalar(y)): x < y
        case let (.blocks(x), .blocks(y)): x.id < y.id
        case (.scalar, .blocks): true
        case (.blocks, .scalar): false
        }
    }
}
