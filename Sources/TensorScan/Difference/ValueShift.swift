#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What is done to each side's decoded values before a pair is compared: a converter that
/// stores `w + 1` (llama.cpp's Gemma norms, `LlamaCppNormShift`) is compared as `stored − 1`,
/// the values its loader uses; one that stores `−exp(A_log)` (a state-space layer's `A`,
/// `LlamaCppStateSpace`) is compared with `−exp` of the Hub values, in float32. The reference norm is taken
/// of A's values as mapped too.
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

    public init(a: Double, b: Double, negatedExponentialA: Bool = false, negatedExponentialB: Bool = false,
                exponentialInHalf: Bool = false) {
        self.a = a
        self.b = b
        self.negatedExponentialA = negatedExponentialA
        self.negatedExponentialB = negatedExponentialB
        self.exponentialInHalf = exponentialInHalf
    }

    /// Nothing done to either side.
    public var isNone: Bool { a == 0 && b == 0 && !negatedExponentialA && !negatedExponentialB }

    /// A's value `x` as compared.
    @inline(__always) func mappedA(_ x: Double) -> Double { (negatedExponentialA ? negatedExponential(x) : x) - a }
    /// B's value `y` as compared.
    @inline(__always) func mappedB(_ y: Double) -> Double { (negatedExponentialB ? negatedExponential(y) : y) - b }

    /// `−exp(x)` rounded to float32, as the converter computes it in float32: an `A_log` of 89 or
    /// more is −∞ there, and a finite double faced it with relative L2 "Infinity" (hunt-56b A4);
    /// rounded on to float16 with `exponentialInHalf` (torch's half `exp` rounds the float32 one).
    @inline(__always) func negatedExponential(_ x: Double) -> Double {
        let single = Float(exp(x))
        return exponentialInHalf ? -Double(Float(Float16(single))) : -Double(single)
    }
}
