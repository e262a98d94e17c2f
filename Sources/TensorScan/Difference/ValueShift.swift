/// Amounts taken off each side's decoded values before a pair is compared: a converter that
/// stores `w + 1` (llama.cpp's Gemma norms, `LlamaCppNormShift`) is compared as `stored − 1`,
/// the values its loader uses. The reference norm is taken of A's shifted values too.
public struct ValueShift: Sendable, Equatable {
    public var a: Double
    public var b: Double

    public init(a: Double, b: Double) {
        self.a = a
        self.b = b
    }

    /// Nothing taken off either side.
    public var isNone: Bool { a == 0 && b == 0 }
}
