import CheckpointIO
import SafetensorsFormat

/// Decode tables for the 8-, 6- and 4-bit float formats, built once from their definitions.
///
/// A 256-entry table is both the fastest decoder and the easiest to verify: the tests compare
/// every entry with the values ml_dtypes produces.
public enum MiniFloatTables {
    /// How a format spends its top exponent code.
    enum Specials {
        /// IEEE-like: all-ones exponent is ±inf (mantissa 0) or NaN (F8_E5M2).
        case ieee
        /// "fn": no infinity; only the all-ones code (per sign) is NaN (F8_E4M3).
        case finiteAllOnesNaN
        /// "fnuz": no infinity, no negative zero; 0x80 is the single NaN.
        case finiteNegativeZeroNaN
        /// No specials at all (F4, F6).
        case none
    }

    static func table(exponentBits: Int, mantissaBits: Int, bias: Int, specials: Specials) -> [Float] {
        let width = 1 + exponentBits + mantissaBits
        let count = 1 << width
        let exponentMask = (1 << exponentBits) - 1
        let mantissaMask = (1 << mantissaBits) - 1
        return (0..<count).map { code -> Float in
            let negative = (code >> (width - 1)) & 1 == 1
            let exponent = (code >> mantissaBits) & exponentMask
            let mantissa = code & mantissaMask
            switch specials {
            case .ieee where exponent == exponentMask:
                if mantissa != 0 { return .nan }
                return negative ? -.infinity : .infinity
            case .finiteAllOnesNaN where exponent == exponentMask && mantissa == mantissaMask:
                return .nan
            case .finiteNegativeZeroNaN where code == 1 << (width - 1):
                return .nan
            default:
                break
            }
            let magnitude: Float
            if exponent == 0 {
                magnitude = Float(mantissa) * Float(sign: .plus, exponent: 1 - bias - mantissaBits, significand: 1)
            } else {
                magnitude = Float(sign: .plus, exponent: exponent - bias, significand: 1 + Float(mantissa) / Float(1 << mantissaBits))
            }
            return negative ? -magnitude : magnitude
        }
    }

    /// F8_E8M0: an unsigned power-of-two scale, 2^(code − 127); 0xFF is NaN.
    static func e8m0Table() -> [Float] {
        (0..<256).map { code in
            code == 255 ? .nan : Float(sign: .plus, exponent: code - 127, significand: 1)
        }
    }

    public static let f8E4M3 = table(exponentBits: 4, mantissaBits: 3, bias: 7, specials: .finiteAllOnesNaN)
    public static let f8E5M2 = table(exponentBits: 5, mantissaBits: 2, bias: 15, specials: .ieee)
    public static let f8E4M3FNUZ = table(exponentBits: 4, mantissaBits: 3, bias: 8, specials: .finiteNegativeZeroNaN)
    public static let f8E5M2FNUZ = table(exponentBits: 5, mantissaBits: 2, bias: 16, specials: .finiteNegativeZeroNaN)
    public static let f8E8M0 = e8m0Table()
    public static let f6E2M3 = table(exponentBits: 2, mantissaBits: 3, bias: 1, specials: .none)
    public static let f6E3M2 = table(exponentBits: 3, mantissaBits: 2, bias: 3, specials: .none)
    public static let f4 = table(exponentBits: 2, mantissaBits: 1, bias: 1, specials: .none)

    /// The table for a table-decoded dtype, or `nil` for the others.
    public static func table(for dtype: DType) -> [Float]? {
        switch dtype {
        case .f8E4M3: f8E4M3
        case .f8E5M2: f8E5M2
        case .f8E4M3FNUZ: f8E4M3FNUZ
        case .f8E5M2FNUZ: f8E5M2FNUZ
        case .f8E8M0: f8E8M0
        case .f6E2M3: f6E2M3
        case .f6E3M2: f6E3M2
        case .f4: f4
        default: nil
        }
    }
}
