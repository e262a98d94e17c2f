import Testing
import GGUFFormat
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The same bytes at any address give bit-identical statistics: the kernels read at any
/// alignment and sum in an order fixed by the element index. A tied copy relies on it: where its
/// bytes equal its leader's, it takes the leader's statistics instead of being reduced again
/// (`TwinUnits`), so a copy lying at another offset modulo 64 must not have had other sums.
/// Checked on whatever kernels the machine running the tests has (AVX2, AVX-512 or portable).
@Suite struct AlignmentIndependenceTests {
    /// Offsets modulo 64 at which each copy starts: aligned, odd, and every power of two below 64.
    static let skews = [0, 1, 2, 3, 4, 8, 12, 16, 32, 36, 60]

    @Test("equal bytes at offsets 0…60 modulo 64 have identical row statistics",
          arguments: [
              // Float rows longer than a kernel chunk (2,048 values), so chunks are merged too.
              (ElementType.scalar(.f32), 60, 4100), (.scalar(.bf16), 60, 4100), (.scalar(.f16), 60, 4100),
              (.scalar(.f64), 20, 4100), (.scalar(.f8E4M3), 60, 4100), (.scalar(.f8E5M2), 60, 4100),
              (.scalar(.f4), 60, 4100), (.scalar(.f6E2M3), 60, 4100), (.scalar(.i32), 60, 4100), (.scalar(.u8), 60, 4100),
              (.blocks(.q8_0), 200, 1024), (.blocks(.q4_0), 200, 1024), (.blocks(.q4_1), 200, 1024),
              (.blocks(.q5_0), 200, 1024), (.blocks(.q5_1), 200, 1024), (.blocks(.q4_K), 100, 512),
              (.blocks(.q5_K), 100, 512), (.blocks(.q6_K), 100, 512),
          ])
    func sameStatisticsAtAnyOffset(_ type: ElementType, rows: Int, rowLength: Int) throws {
        let bytes: [UInt8]
        switch type {
        case .blocks(let ggml):
            bytes = QuantizedScanTests.blocks(ggml, rows: rows, blocksPerRow: rowLength / ggml.blockSize, seed: 21, wild: true)
        case .scalar(let dtype):
            // Random bytes: every float class, NaN and ±Inf included.
            bytes = FingerprintTests.randomBytes(rows * rowLength * dtype.bitWidth / 8, seed: 22)
        }
        var file: [UInt8] = []
        var entries: [TensorEntry] = []
        for (k, skew) in Self.skews.enumerated() {
            file += [UInt8](repeating: 0, count: (64 - file.count % 64) % 64 + skew)
            entries.append(TensorEntry(name: "copy\(k)", dtype: type, shape: [UInt64(rows), UInt64(rowLength)],
                                       begin: UInt64(file.count), end: UInt64(file.count + bytes.count),
                                       elementCount: UInt64(rows * rowLength)))
            file += bytes
        }
        let mapping = try MappedFile(path: Fixtures.temporaryFile(file))
        let views = entries.map { TensorView(info: $0, mapping: mapping, dataStart: 0) }
        #expect(views.map { Int(bitPattern: $0.bytes.baseAddress) & 63 } == Self.skews)
        let outputs = RowScan.run(views.map { RowScan.Job.statistics(of: $0) }) { $1 }
        let reference = try #require(outputs[0].rows)
        #expect(reference.count == rows)
        for (k, output) in outputs.enumerated().dropFirst() {
            let scanned = try #require(output.rows)
            #expect(scanned.count == rows)
            #expect(zip(reference, scanned).allSatisfy(QuantizedScanTests.identical), "offset \(Self.skews[k]) mod 64")
        }
    }
}
