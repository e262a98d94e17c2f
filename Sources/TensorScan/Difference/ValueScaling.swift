/// Multipliers a converter folds into a tensor's values, applied to the Hub side's values the way
/// the converter computes them, so a faithful file compares as equal (`ValueShift.scaleA`).
///
/// Why a rounding model and not a plain product: llama.cpp's converter multiplies Falcon-H1's µP
/// multipliers into its weights with torch, one multiplier at a time (`k_proj` by two in turn,
/// `in_proj` by one and then a band of rows by another), each product rounded to the tensor's
/// type. The converter first turns every type but float16 and float32 into float32
/// (`conversion/base.py`, `prepare_tensors`), and torch multiplies a float32 or float16 tensor by
/// a Python number in float32 (the number rounded to float32) and rounds the product to the
/// tensor's type. A product in double would differ from the stored values in the last place of
/// most elements.
public struct ValueScaling: Sendable, Equatable {
    /// Factors applied to every value, in order, each product rounded.
    public var factors: [Float]
    /// Factors applied after `factors` to rows `start..<end` (row-major rows of the tensor as
    /// the Hub stores it), each product rounded.
    public var bands: [Band]
    /// Whether each product is rounded to float16 (a float16 checkpoint, which the converter keeps
    /// in float16) rather than float32.
    public var inHalf: Bool

    public struct Band: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var factor: Float

        public init(start: Int, end: Int, factor: Float) {
            self.start = start
            self.end = end
            self.factor = factor
        }
    }

    public init(factors: [Float], bands: [Band] = [], inHalf: Bool = false) {
        self.factors = factors
        self.bands = bands
        self.inHalf = inHalf
    }

    /// `x` (a decoded Hub value) as the converter stores it in row `row`: rounded to float32 as
    /// the converter's conversion does, then multiplied.
    @inline(__always) func apply(_ x: Double, row: Int) -> Double {
        var value = Float(x)
        for factor in factors { value = product(value, factor) }
        for band in bands where band.start <= row && row < band.end { value = product(value, band.factor) }
        return Double(value)
    }

    @inline(__always) private func product(_ value: Float, _ factor: Float) -> Float {
        // torch computes a float16 product in float32 and rounds it to float16.
        inHalf ? Float(Float16(value * factor)) : value * factor
    }
}
