#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is done to each side's decoded values before a pair is compared: a converter that
/// stores `w + 1` (llama.cpp's Gemma norms, `LlamaCppNormShift`) is compared as `stored − 1`,
/// the values its loader uses; one that stores `−exp(A_log)` (a state-space layer's `A`,
/// `LlamaCppStateSpace`) is compared with `−exp` of the Hub values, in float32; one that multiplies
/// values by constants (Falcon-H1's µP multipliers, `LlamaCppMultipliers`) with the Hub values
/// multiplied the same way. The reference norm is taken of A's values as mapped too.
public struct ValueShift: Sendable, Equatable {
    /// Taken off A's (B's) values.
    public var a: Double
    public var b: Double
    /// Whether A's (B's) values are replaced by `−exp(value)` first.
    public var negatedExponentialA: Bool
    public var negatedExponentialB: Bool
    /// Whether that `−exp` is rounded to float16 rather than float32: the converter keeps a
    /// float16 tensor in float16 (`conversion/base.py`, only other types become float32 first),
    /// so torch computes `−exp` of an F16 checkpoint's `A_log` in half precision, −∞ from about
    /// 11.09 on (hunt-57a F4).
    public var exponentialInHalf: Bool
    /// Multipliers the converter folded into A's (B's) values, applied to them as it does
    /// (Falcon-H1's µP multipliers, `LlamaCppMultipliers`).
    public var scaleA: ValueScaling?
    public var scaleB: ValueScaling?

    public init(a: Double, b: Double, negatedExponentialA: Bool = false, negatedExponentialB: Bool = false,
                exponentialInHalf: Bool = false, scaleA: ValueScaling? = nil, scaleB: ValueScaling? = nil) {
        self.a = a
        self.b = b
        self.negatedExponentialA = negatedExponentialA
        self.negatedExponentialB = negatedExponentialB
        self.exponentialInHalf = exponentialInHalf
        self.scaleA = scaleA
        self.scaleB = scaleB
    }

    /// Nothing done to either side.
    public var isNone: Bool { a == 0 && b == 0 && !negatedExponentialA && !negatedExponentialB && scaleA == nil && scaleB == nil }

    /// A's value `x` in row `row` as compared.
    @inline(__always) func mappedA(_ x: Double, row: Int) -> Double {
        let value = negatedExponentialA ? negatedExponential(x) : x
        return (scaleA.map { $0.apply(value, row: row) } ?? value) - a
    }
    /// B's value `y` in row `row` as compared.
    @inline(__always) func mappedB(_ y: Double, row: Int) -> Double {
        let value = negatedExponentialB ? negatedExponential(y) : y
        return (scaleB.map { $0.apply(value, row: row) } ?? value) - b
    }

    /// `−exp(x)` rounded to float32, as the converter computes it in float32: an `A_log` of 89 or
    /// more is −∞ there, and a finite double faced it with relative L2 "Infinity" (hunt-56b A4);
    /// rounded on to float16 with `exponentialInHalf` (torch's half `exp` rounds the float32 one).
    @inline(__always) func negatedExponential(_ x: Double) -> Double {
        let single = Float(exp(x))
        return exponentialInHalf ? -Double(Float(Float16(single))) : -Double(single)
    }
}
