import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Whole-tensor comparisons (`hasSameBytes`, `isConstant`, the ordering of `TieAnalysis`'s
/// groups) read large tensors window by window and drop each window's pages behind them: a
/// single `memcmp` left every page it touched mapped, and 32 identical zero matrices of a sparse
/// 8 GB file took `ties` and `audit` to 273 MB of resident pages.
///
/// Which pages are mapped is read from `/proc/self/pagemap` (`DifferenceMappedPagesTests`),
/// independent of the code under test; verdicts are checked against Swift's own comparison of
/// the copied bytes.
@Suite(.serialized) struct ComparisonMappedPagesTests {
    /// Three windows' worth and a bit: the comparison passes two window boundaries.
    static let byteCount = 2 * TensorView.comparisonWindow + 3 * 4096 + 100

    static func file() throws -> SafetensorsFile {
        let pattern = FingerprintTests.randomBytes(byteCount, seed: 91)
        var late = pattern
        late[byteCount - 1] ^= 0x01
        var early = pattern
        early[TensorView.comparisonWindow + 5] ^= 0x80
        let zeros = [UInt8](repeating: 0, count: byteCount)
        let shape: [UInt64] = [UInt64(byteCount)]
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "a", dtype: .u8, shape: shape, bytes: pattern),
            .init(name: "b", dtype: .u8, shape: shape, bytes: pattern),
            .init(name: "late", dtype: .u8, shape: shape, bytes: late),
            .init(name: "early", dtype: .u8, shape: shape, bytes: early),
            .init(name: "zeros", dtype: .u8, shape: shape, bytes: zeros),
        ]
        return try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
    }

    @Test("comparing two large equal tensors leaves at most a few boundary pages mapped, and says equal")
    func equalTensors() throws {
        let file = try Self.file()
        let a = try file.tensor(named: "a"), b = try file.tensor(named: "b")
        #expect(a.hasSameBytes(as: b))
        // 2 × 16 MiB + were read: 8,200 pages (a whole-tensor memcmp left them all mapped);
        // pages straddling a tensor's ends and the kernel's fault-around past the last window
        // may stay. (Opening the file mapped the 2 MiB folio of its header: 512 pages, most
        // of them a's, dropped with a's first window.)
        #expect(try DifferenceMappedPagesTests.mappedPages([a, b]) <= 64)
    }

    @Test("a difference in the last byte or past the first window is found, with memcmp's sign")
    func differences() throws {
        let file = try Self.file()
        let a = try file.tensor(named: "a")
        for name in ["late", "early"] {
            let other = try file.tensor(named: name)
            #expect(!a.hasSameBytes(as: other), "\(name)")
            let expected = Array(a.bytes).lexicographicallyPrecedes(Array(other.bytes)) ? -1 : 1
            let sign = a.compareBytes(0 ..< Self.byteCount, with: other, at: 0)
            #expect(sign.signum() == Int32(expected), "\(name)")
            #expect(other.compareBytes(0 ..< Self.byteCount, with: a, at: 0).signum() == Int32(-expected), "\(name)")
        }
    }

    @Test("isConstant of a large zero tensor reads it in windows: true, and its pages are dropped")
    func constantTensor() throws {
        let file = try Self.file()
        let zeros = try file.tensor(named: "zeros"), a = try file.tensor(named: "a")
        #expect(zeros.isConstant())
        #expect(try DifferenceMappedPagesTests.mappedPages([zeros]) <= 64)
        #expect(!a.isConstant())
    }
}
