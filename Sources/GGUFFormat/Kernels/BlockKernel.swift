/// One decodable ggml type: how a block turns into floats, and (when it can be done exactly)
/// the block's sums straight from its integer codes.
protocol BlockKernel {
    static var type: GGMLType { get }
    /// Writes the block's `type.blockSize` values, each bit-identical to gguf-py's
    /// `dequantize` (the same float32 operations in the same order).
    static func decode(_ block: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>)
    /// The row's statistics by the fastest exact route, nil when the row holds NaN or ±Inf.
    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments?
}

extension BlockKernel {
    /// Default fast path: decode each block into a scratch buffer still in L1, then the
    /// eight-wide `Double` accumulator. Used by the affine types (`d·q + m`), whose float32
    /// rounding of the addition has to be reproduced value by value.
    @inline(__always)
    static func fastMoments(_ row: UnsafeRawPointer, blocks: Int) -> GGUFRowMoments? {
        let blockSize = type.blockSize, typeSize = type.typeSize
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: blockSize) { scratch in
            guard let out = scratch.baseAddress else { return nil }
            var accumulator = DoubleAccumulator()
            for b in 0 ..< blocks {
                decode(row + b &* typeSize, into: out)
                accumulator.add(UnsafeRawPointer(out), count: blockSize)
            }
            return accumulator.moments(count: blocks &* blockSize)
        }
    }
}

/// Block statistics from integer codes, for types whose values are `scale × q` with q a small
/// integer: such a product is exact in float32 (11-bit f16 scale, possibly times an 8-bit
/// sub-scale, times q of at most 8 bits stays within 24 bits), so a block's exact sum is
/// `scale × Σq` and its sum of squares `scale² × Σq²`, both exact in `Double`. The per-value
/// work is then integer adds the compiler vectorizes, not a float conversion and two
/// double-precision adds per value.
struct ScaledIntegerSums {
    var sum = 0.0
    var squares = 0.0
    var lowest = Float.infinity
    var highest = -Float.infinity

    /// Adds a run of values `scale × q` given Σq, Σq² and the extreme codes.
    @inline(__always)
    mutating func add(scale: Float, sum q: Int32, squares q2: Int32, lowest qMin: Int32, highest qMax: Int32) {
        let d = Double(scale)
        sum += d * Double(q)
        squares += d * d * Double(q2)
        // Scaling by a negative number swaps the extremes; both products are exact.
        let a = scale * Float(qMin), b = scale * Float(qMax)
        let low = a < b ? a : b, high = a < b ? b : a
        lowest = low < lowest ? low : lowest
        highest = high > highest ? high : highest
    }

    func moments(count: Int) -> GGUFRowMoments? {
        guard sum.isFinite, squares.isFinite else { return nil }
        guard count > 0 else { return .empty }
        return GGUFRowMoments(count: count, sum: sum, sumOfSquares: squares,
                              minimum: Double(lowest), maximum: Double(highest))
    }
}
