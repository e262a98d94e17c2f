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

    @inline(__always)
    static func widenedMoments(_ row: UnsafeRawPointer, count: Int,
                               widen: (UInt16) -> Float) -> GGUFRowMoments? {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: chunk) { scratch in
            guard let out = scratch.baseAddress else { return nil }
            var accumulator = DoubleAccumulator()
            var start = 0
            while start < count {
                let n = min(chunk, count &- start)
                for i in 0 ..< n {
                    out[i] = widen(UInt16(littleEndian: row.loadUnaligned(fromByteOffset: (start &+ i) &* 2, as: UInt16.self)))
                }
                accumulator.add(UnsafeRawPointer(out), count: n)
                start &+= n
            }
            return accumulator.moments(count: count)
        }
    }

    static func f16Moments(_ row: UnsafeRawPointer, count: Int) -> GGUFRowMoments? {
        widenedMoments(row, count: count, widen: HalfFloat.float)
    }

    /// bfloat16 is the top half of a binary32.
    static func bf16Moments(_ row: UnsafeRawPointer, count: Int) -> GGUFRowMoments? {
        widenedMoments(row, count: count) { Float(bitPattern: UInt32($0) << 16) }
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
