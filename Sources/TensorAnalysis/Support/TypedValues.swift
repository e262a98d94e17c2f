import CheckpointIO
import SafetensorsFormat

/// Two matrices of one shape stored in different element types: the rounding that makes a
/// value of the wider type comparable with the narrower one.
///
/// Why rounding counts as equal: transformers ties two stored copies when every value agrees
/// after both are cast to the dtype the model loads in (`tie_weights`, `_tied_params_are_equal`),
/// so an F32 embedding beside its own BF16 rounding is one matrix (tied under a BF16 load); it
/// was called "their values differ" (adversarial review, 2026-12-05).
enum TypedValues {
    /// The significand bits of the narrower of two plain float types (F64 → F32: 24; F32 → F16:
    /// 11; → BF16: 8); nil when the two are not both such types or have the same precision.
    static func narrowerBits(_ a: TensorView, _ b: TensorView) -> Int? {
        guard let x = significandBits(a.elementType), let y = significandBits(b.elementType), x != y else { return nil }
        return min(x, y)
    }

    /// Rounding to a float type of `bits` significand bits, as a Double; the identity for nil.
    static func rounding(toBits bits: Int?) -> (Double) -> Double {
        switch bits {
        case 24?: { Double(Float($0)) }
        case 11?: { Double(Float16($0)) }
        case 8?: { bfloat16($0) }
        default: { $0 }
        }
    }

    /// The smallest normal value of the float type of `bits` significand bits: below it a
    /// value rounds to a subnormal step or to zero (and kernels may flush such values).
    static func smallestNormal(bits: Int) -> Double {
        switch bits {
        case 11: 0x1p-14
        case 53: Double.leastNormalMagnitude
        default: Double(Float.leastNormalMagnitude)  // F32 and BF16 share float32's exponent range
        }
    }

    /// Significand bits of the plain float types (implicit bit included); nil for the others.
    static func significandBits(_ type: ElementType) -> Int? {
        switch type.scalar {
        case .f64?: 53
        case .f32?: 24
        case .f16?: 11
        case .bf16?: 8
        default: nil
        }
    }

    /// `x` rounded to bfloat16 (to nearest, ties to even, through float32), as a Double.
    static func bfloat16(_ x: Double) -> Double {
        let f = Float(x)
        guard f.isFinite else { return Double(f) }
        let bits = f.bitPattern
        let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
        return Double(Float(bitPattern: rounded))
    }
}
