/// Rows of plain floats. F32 is read in place; F16 and BF16 are widened a chunk at a time
/// into an L1 scratch buffer (the conversion loop is branch-free integer code the compiler
/// vectorizes) and then accumulated like F32.
enum FloatRowKernels {
    static let chunk = 512

    static func f32Moments(_ row: UnsafeRawPointer, count: Int) -> GGUFRowMoments? {
        var accumulator = DoubleAccumulator()
        accumulator.add(row, count: count)
        return accumulator.moments(count: count)
    }

    /// 16-bit floats widened a chunk at a time into an L1 scratch buffer, as plain loops that
    /// vectorize. bfloat16 is the top half of a binary32 (a shift). binary16 is placed in a
    /// binary32 without rescaling (sign to bit 31, exponent and mantissa shifted left by 13):
    /// the lane then holds x · 2^-112 exactly for normals and subnormals alike, so the sums and
    /// extremes are rescaled once per row (the house's F16Lanes trick; 2–3x over converting
    /// each value). Inf/NaN codes become large finite lanes and are caught by the extremes.
    static func widenedMoments(_ row: UnsafeRawPointer, count: Int, brain: Bool) -> GGUFRowMoments? {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { scratch in
            guard let out = scratch.baseAddress else { return nil }
            var accumulator = DoubleAccumulator()
            var start = 0
            while start < count {
                let n = min(chunk, count &- start)
                let source = row + start &* 2
                if brain {
                    for i in 0 ..< n {
                        out[i] = Float(bitPattern: UInt32(source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)) << 16)
                    }
                } else {
                    for i in 0 ..< n {
                        let h = UInt32(source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
                        out[i] = Float(bitPattern: ((h & 0x8000) << 16) | ((h & 0x7FFF) << 13))
                    }
                }
                accumulator.add(UnsafeRawPointer(out), count: n)
                start &+= n
            }
            if brain { return accumulator.moments(count: count) }
            let (sum, squares, lowest, highest) = accumulator.totals()
            // Every code at or above 0x7C00 (±Inf, NaN) has a lane at or above this one.
            let infinityLane = Float(bitPattern: 0x7C00 << 13)
            guard highest < infinityLane, lowest > -infinityLane else { return nil }
            return GGUFRowMoments(count: count, sum: sum * 0x1p112, sumOfSquares: squares * 0x1p224,
                                  minimum: Double(lowest) * 0x1p112, maximum: Double(highest) * 0x1p112)
        }
    }

    static func f16Moments(_ row: UnsafeRawPointer, count: Int) -> GGUFRowMoments? {
        widenedMoments(row, count: count, brain: false)
    }

    static func bf16Moments(_ row: UnsafeRawPointer, count: Int) -> GGUFRowMoments? {
        widenedMoments(row, count: count, brain: true)
    }

    static func decode(_ row: UnsafeRawPointer, count: Int, type: GGMLType, into out: UnsafeMutablePointer<Float>) {
        for i in 0 ..< count {
            switch type.id {
            case GGMLType.f32.id:
                out[i] = row.loadUnaligned(fromByteOffset: i &* 4, as: Float.self)
            case GGMLType.f16.id:
                out[i] = HalfFloat.float(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self)))
            default:
                out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))) << 16)
            }
        }
    }
}
