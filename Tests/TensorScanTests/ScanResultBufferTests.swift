import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The scan's result buffers are not cleared before use (`ScanPlan.take`): memory that held an
/// earlier job's statistics (the heap hands freed blocks out again) never reaches a later job's.
@Suite struct ScanResultBufferTests {
    @Test("a later job reading into an earlier job's buffer gets only its own rows")
    func staleValuesNeverLeak() throws {
        // A large tensor of ones, then smaller ones of zeros and of twos: each smaller job's buffer
        // is likely the freed block that held the ones' statistics (the scan runs them on one
        // core, in order).
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

/// `RowMomentsList` adopts the scan's row buffer as it is (no copy): every row reads as the scan
/// wrote it, and the buffer lives as long as any list holding it.
@Suite struct RowMomentsListTests {
    /// Values by a formula, so the expected row is computed independently of the buffer.
    static func row(_ i: Int) -> RowMoments {
        RowMoments(count: i, sum: Double(i) * 0.5, sumOfSquares: Double(i) * 3, centeredSquares: -Double(i), minimum: Double(-i),
                   maximum: Double(i) + 0.25, nanCount: i % 7, positiveInfinityCount: i % 5, negativeInfinityCount: i % 3,
                   allBitsZero: i % 2 == 0, allValuesZero: i % 3 == 0)
    }

    static func adopted(_ count: Int, mapping: Bool = true) -> RowMomentsList {
        // Through `RowMomentsBuffer`, as the scan allocates: a list frees its buffer there.
        let buffer = RowMomentsBuffer(count: count, mapping: mapping)
        for i in 0 ..< count { buffer.rows[i] = row(i) }
        return RowMomentsList(adopting: buffer)
    }

    @Test("a large buffer is a mapping of its own; a small one, or one whose mapping is refused, comes from the heap")
    func allocationKinds() {
        // 80-byte rows: 26,215 of them pass the 2 MiB threshold.
        #expect(MemoryLayout<RowMoments>.stride * 26_215 >= HugePageMemory.threshold)
        let large = RowMomentsBuffer(count: 26_215)
        let small = RowMomentsBuffer(count: 1000)
        let refused = RowMomentsBuffer(count: 26_215, mapping: false)
        #expect(large.isMapping)
        #expect(!small.isMapping)
        #expect(!refused.isMapping)
        for buffer in [large, small, refused] { buffer.deallocate() }
        // A heap buffer of the mapped size reads back every row, and its list frees it with `free`.
        let rows = Self.adopted(26_215, mapping: false)
        #expect(rows.indices.allSatisfy { rows[$0] == Self.row($0) })
    }

    @Test("every row reads as written, for sizes around page boundaries", arguments: [1, 2, 51, 13_107, 13_108, 40_000])
    func rowsArriveIntact(count: Int) {
        let rows = Self.adopted(count)
        #expect(rows.count == count)
        #expect(rows.indices.allSatisfy { rows[$0] == Self.row($0) })
        #expect(Array(rows) == (0 ..< count).map(Self.row))
    }

    @Test("a list kept past the one that adopted the buffer still reads its rows")
    func sharedBufferOutlivesItsFirstHolder() {
        var kept: [RowMomentsList] = []
        do {
            let rows = Self.adopted(1000)
            kept.append(rows)
        }
        #expect(kept[0].count == 1000)
        #expect(kept[0] == RowMomentsList((0 ..< 1000).map(Self.row)), "equal to a list copied from an array")
        #expect(kept[0] != RowMomentsList((1 ..< 1001).map(Self.row)))
    }
}
