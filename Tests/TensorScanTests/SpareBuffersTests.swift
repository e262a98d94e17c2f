import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// `SpareBuffers`: the scan's result buffers handed from finished jobs to later ones — the
/// smallest large-enough buffer is reused, the limits hold, and a reused buffer's stale values
/// never reach a later job's statistics.
@Suite struct SpareBuffersTests {
    @Test("best fit on take, smallest dropped first beyond the count and byte limits")
    func policy() {
        var spares = SpareBuffers<UInt64>(limitBytes: 1000 * 8, limitCount: 3)
        let a = spares.take(atLeast: 100), b = spares.take(atLeast: 300), c = spares.take(atLeast: 500)
        #expect(a.count == 100 && b.count == 300 && c.count == 500)
        #expect(spares.give(a).isEmpty && spares.give(c).isEmpty && spares.give(b).isEmpty)
        #expect(spares.bytes == 900 * 8)
        // Best fit: 250 elements come from the 300 buffer, not the 500 one.
        let fit = spares.take(atLeast: 250)
        #expect(fit.baseAddress == b.baseAddress)
        // Nothing kept is large enough: a new buffer.
        let big = spares.take(atLeast: 600)
        #expect(big.count == 600 && big.baseAddress != a.baseAddress && big.baseAddress != c.baseAddress)
        #expect(spares.bytes == 600 * 8)
        // 600 + 500 + 100 elements exceed 1,000: the smallest go first until within the limit.
        let dropped = spares.give(big)
        #expect(dropped.map(\.count) == [100, 500])
        for buffer in dropped { buffer.deallocate() }
        #expect(spares.spares.map(\.count) == [600])
        // Four buffers exceed the count limit of three: the smallest is dropped.
        #expect(spares.give(fit).isEmpty)
        let d = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 10)
        let e = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 20)
        #expect(spares.give(d).isEmpty)
        let dropped2 = spares.give(e)
        #expect(dropped2.map(\.count) == [10])
        for buffer in dropped2 { buffer.deallocate() }
        #expect(spares.spares.map(\.count) == [600, 300, 20])
        spares.deallocateAll()
        #expect(spares.spares.isEmpty)
    }

    @Test("a later job reading into an earlier job's buffer gets only its own rows")
    func staleValuesNeverLeak() throws {
        // A large tensor of ones, then smaller ones of zeros and of twos: each smaller job takes
        // a buffer that held the ones' statistics (the scan runs them on one core, in order).
        let ones = [Float](repeating: 1, count: 4000 * 8)
        let zeros = [Float](repeating: 0, count: 300 * 8)
        let twos = [Float](repeating: 2, count: 1000 * 8)
        func bytes(_ values: [Float]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        let entries = [
            SafetensorsWriter.Entry(name: "ones", dtype: .f32, shape: [4000, 8], bytes: bytes(ones)),
            SafetensorsWriter.Entry(name: "zeros", dtype: .f32, shape: [300, 8], bytes: bytes(zeros)),
            SafetensorsWriter.Entry(name: "twos", dtype: .f32, shape: [1000, 8], bytes: bytes(twos)),
            SafetensorsWriter.Entry(name: "zeros-again", dtype: .f32, shape: [300, 8], bytes: bytes(zeros)),
        ]
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let views = try entries.map { try file.tensor(named: $0.name) }
        let rows = RowScan.run(views.map { RowScan.Job.statistics(of: $0) }) { $1.rows ?? [] }
        // Row by row, by hand: 8 values each, sum 8·v, min = max = v.
        for (k, value) in [(0, 1.0), (1, 0.0), (2, 2.0), (3, 0.0)] {
            #expect(rows[k].count == [4000, 300, 1000, 300][k])
            #expect(rows[k].allSatisfy { $0.count == 8 && $0.sum == 8 * value && $0.minimum == value && $0.maximum == value
                                         && $0.allValuesZero == (value == 0) })
        }
    }
}
