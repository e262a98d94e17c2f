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

    public init(a: Double, b: Double, negatedExponentialA: Bool = false, negatedExponentialB: Bool = false) {
        self.a = a
        self.b = b
        self.negatedExponentialA = negatedExponentialA
        self.negatedExponentialB = negatedExponentialB
    }

    /// Nothing done to either side.
    public var isNone: Bool { a == 0 && b == 0 && !negatedExponentialA && !negatedExponentialB }

    /// A's value `x` as compared.
    @inline(__always) func mappedA(_ x: Double) -> Double { (negatedExponentialA ? Self.negatedExponential(x) : x) - a }
    /// B's value `y` as compared.
    @inline(__always) func mappedB(_ y: Double) -> Double { (negatedExponentialB ? Self.negatedExponential(y) : y) - b }

    /// `−exp(x)` rounded to float32, as the converter computes it in float32: an `A_log` of 89 or
    /// more is −∞ there, and a finite double faced it with relative L2 "Infinity" (hunt-56b A4).
    @inline(__always) static func negatedExponential(_ x: Double) -> Double { -Double(Float(exp(x))) }
}
