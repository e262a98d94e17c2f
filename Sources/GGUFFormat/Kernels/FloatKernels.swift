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

    /// 16-bit floats widened a chunk at a time; `brain` selects bfloat16 (a shift) over
    /// binary16 (`HalfFloat.float`). Written as two plain loops so each one vectorizes.
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
                        out[i] = HalfFloat.float(source.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
                    }
                }
                accumulator.add(UnsafeRawPointer(out), count: n)
                start &+= n
            }
            return accumulator.moments(count: count)
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
