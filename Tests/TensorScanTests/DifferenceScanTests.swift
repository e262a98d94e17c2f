import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// The parallel difference scan against a plain loop (decode both sides, one element at a time,
/// one row at a time), and the AVX2 kernel against the portable one, bit for bit.
@Suite struct DifferenceScanTests {
    /// The definition, written out, on decoded values.
    static func plain(_ x: [Double], _ y: [Double], rows: Int, topRows: Int) -> DifferenceStatistics {
        let length = rows == 0 ? 0 : x.count / rows
        var maxAbs = 0.0, squares = 0.0, reference = 0.0, differing = 0, nans = 0
        var perRow: [DifferenceStatistics.Row] = []
        for r in 0..<rows {
            var rowSum = 0.0, rowMax = 0.0
            for i in (r * length)..<((r + 1) * length) {
                let a = x[i], b = y[i]
                if a.isFinite { reference += a * a }
                if a == b || (a.isNaN && b.isNaN) { continue }
                differing += 1
                if a.isNaN || b.isNaN { nans += 1; continue }
                let d = abs(a - b)
                rowMax = max(rowMax, d)
                rowSum += d * d
            }
            maxAbs = max(maxAbs, rowMax)
            squares += rowSum
            if rowSum > 0 { perRow.append(.init(row: r, l2: rowSum.squareRoot(), maxAbs: rowMax)) }
        }
        perRow.sort { $0.l2 != $1.l2 ? $0.l2 > $1.l2 : $0.row < $1.row }
        return DifferenceStatistics(elementCount: x.count, maxAbsDifference: maxAbs, differenceL2: squares.squareRoot(),
                                    referenceL2: reference.squareRoot(), differingElements: differing, nanMismatches: nans,
                                    topRows: Array(perRow.prefix(topRows)))
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b))
    }

    /// `got` against the plain loop's `want`: counts, maxima and the worst rows' order exactly
    /// (no sum decides them), the norms to 1e-12 (the scan sums in lanes and chunks, the plain
    /// loop in sequence).
    static func expectAgrees(_ got: DifferenceStatistics, _ want: DifferenceStatistics, _ label: String) {
        #expect(got.elementCount == want.elementCount, "\(label)")
        #expect(got.maxAbsDifference == want.maxAbsDifference, "\(label)")
        #expect(got.differingElements == want.differingElements && got.nanMismatches == want.nanMismatches, "\(label)")
        #expect(close(got.differenceL2, want.differenceL2), "\(label): \(got.differenceL2) vs \(want.differenceL2)")
        #expect(close(got.referenceL2, want.referenceL2), "\(label): \(got.referenceL2) vs \(want.referenceL2)")
        #expect(got.topRows.map(\.row) == want.topRows.map(\.row), "\(label)")
        for (g, w) in zip(got.topRows, want.topRows) { #expect(close(g.l2, w.l2) && g.maxAbs == w.maxAbs, "\(label)") }
    }

    /// F32 values with NaN, ±Inf, ±0 and exact copies sprinkled in, and their encodings.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let r = rng.next()
            switch r % 97 {
            case 0: return .nan
            case 1: return .infinity
            case 2: return -.infinity
            case 3: return -0.0
            default: return Float(Int64(truncatingIfNeeded: r >> 8) % 1_000_000) / 1000
            }
        }
    }

    static func encode(_ values: [Float], _ dtype: DType) -> [UInt8] {
        switch dtype {
        case .f32: return values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) }
        case .bf16: return values.flatMap { v in withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian, Array.init) }
        case .f16: return values.flatMap { v in withUnsafeBytes(of: Float16(v).bitPattern.littleEndian, Array.init) }
        case .f64: return values.flatMap { v in withUnsafeBytes(of: Double(v).bitPattern.littleEndian, Array.init) }
        case .i32: return values.flatMap { v in
            withUnsafeBytes(of: Int32(v.isFinite ? v : 0).littleEndian, Array.init) }
        default: return []
        }
    }

    @Test("the scan equals a plain loop: F32 against BF16, F16, F64, I32 and itself, rows across items and long rows cut into chunks",
          arguments: [DType.bf16, .f16, .f64, .i32, .f32])
    func againstPlainLoop(other: DType) throws {
        // [700, 3000]: 2.1M values, several items; [1, 300_001]: one row over many chunks.
        let shapes: [[UInt64]] = [[700, 3000], [1, 300_001], [5000, 3]]
        var entries: [SafetensorsWriter.Entry] = []
        var decodedA: [[Double]] = [], decodedB: [[Double]] = []
        for (k, shape) in shapes.enumerated() {
            let count = Int(shape.reduce(1, *))
            let a = Self.values(count, seed: UInt64(10 + k))
            var b = a
            var rng = SeededRandom(seed: UInt64(20 + k))
            for i in b.indices where rng.next() % 3 == 0 { b[i] = b[i] * 1.001 + 0.0001 }
            entries.append(.init(name: "a\(k)", dtype: .f32, shape: shape, bytes: Self.encode(a, .f32)))
            let bytesB = Self.encode(b, other)
            entries.append(.init(name: "b\(k)", dtype: other, shape: shape, bytes: bytesB))
            decodedA.append(a.map(Double.init))
            decodedB.append(bytesB.withUnsafeBytes { raw in (0..<count).map { decodeElement(other, raw, $0) } })
        }
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let pairs = try shapes.indices.map { (try file.tensor(named: "a\($0)"), try file.tensor(named: "b\($0)")) }
        let results = DifferenceScan.run(pairs, topRows: 7)
        for (k, shape) in shapes.enumerated() {
            let want = Self.plain(decodedA[k], decodedB[k], rows: Int(shape[0]), topRows: 7)
            let got = try #require(results[k].statistics)
            #expect(!results[k].identicalBytes)
            Self.expectAgrees(got, want, "\(shape)")
            // The schedule and the pairing do not change a bit.
            #expect(pairs[k].0.differenceStatistics(from: pairs[k].1, topRows: 7) == got)
        }
    }

    @Test("identical bytes: same dtype and shape only, including a difference in the last byte")
    func identical() throws {
        let a = Self.encode(Self.values(3_000_000, seed: 5), .f32)
        var last = a
        last[last.count - 1] ^= 1
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "a", dtype: .f32, shape: [1000, 3000], bytes: a),
            .init(name: "same", dtype: .f32, shape: [1000, 3000], bytes: a),
            .init(name: "last", dtype: .f32, shape: [1000, 3000], bytes: last),
            .init(name: "int", dtype: .i32, shape: [1000, 3000], bytes: a),
        ]
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let v = try ["a", "same", "last", "int"].map { try file.tensor(named: $0) }
        let results = DifferenceScan.run([(v[0], v[1]), (v[0], v[2]), (v[0], v[3])], topRows: 3)
        #expect(results.map(\.identicalBytes) == [true, false, false])
        #expect(results[0].statistics == nil)
        #expect(results[1].statistics?.differingElements == 1)
    }

    @Test("the AVX2 and AVX-512 kernels and the portable loop give the same bits for every dtype pair", arguments: [
        (DType.f32, DType.bf16), (.f32, .f32), (.bf16, .f16), (.f16, .f64), (.f64, .i32), (.i32, .f32), (.bf16, .bf16),
    ])
    func wideEqualsPortable(pair: (DType, DType)) throws {
        guard DifferenceKernel.hasAVX2, DifferenceKernel.hasF16C else { return }
        // Three sets: NaN on one side (the full loop), finite only (the kernel's fast loop), and
        // infinities on both sides, equal and not (the fast loop's sums overflow: re-run in full).
        for variant in ["nan", "finite", "infinite"] {
            var values = Self.values(20_003, seed: 42).map { $0.isFinite ? $0 : 0.5 }
            var other = values
            for i in stride(from: 0, to: other.count, by: 3) { other[i] *= 1.5 }
            switch variant {
            case "nan":
                values = Self.values(20_003, seed: 42)
                other = values
                for i in stride(from: 0, to: other.count, by: 3) { other[i] *= 1.5 }
                for i in stride(from: 7, to: other.count, by: 101) { other[i] = .nan }
            case "infinite":
                for i in stride(from: 5, to: other.count, by: 211) { values[i] = .infinity; other[i] = .infinity }
                for i in stride(from: 11, to: other.count, by: 307) { other[i] = -.infinity }
            default: break
            }
            try compareWideWithPortable(pair, values, other, expectingNaN: variant == "nan")
        }
    }

    func compareWideWithPortable(_ pair: (DType, DType), _ values: [Float], _ other: [Float], expectingNaN: Bool) throws {
        let a = Self.encode(values, pair.0), b = Self.encode(other, pair.1)
        let scratchA = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        let scratchB = UnsafeMutablePointer<Double>.allocate(capacity: DifferenceKernel.chunkElements)
        defer { scratchA.deallocate(); scratchB.deallocate() }
        a.withUnsafeBytes { ra in
            b.withUnsafeBytes { rb in
                // Runs of every length modulo 8 (the AVX-512 loop's eight-value steps, then a
                // four-value step, then the tail) at every start modulo 8.
                for (start, count) in [(0, 8192), (3, 8191), (19_000, 1003), (7, 5), (0, 0), (1, 12), (2, 15), (5, 4), (6, 4097)] {
                    let portable = DifferenceKernel.sums(ra, pair.0, rb, pair.1, start: start, count: count,
                                                         scratchA: scratchA, scratchB: scratchB, loop: .portable)
                    for loop in DifferenceKernel.Loop.allCases where loop != .portable && loop.isAvailable {
                        let wide = DifferenceKernel.sums(ra, pair.0, rb, pair.1, start: start, count: count,
                                                         scratchA: scratchA, scratchB: scratchB, loop: loop)
                        let label = "\(pair) \(loop) run \(start)+\(count)"
                        #expect(wide.reference_squares.bitPattern == portable.reference_squares.bitPattern, "\(label)")
                        #expect(wide.difference_squares.bitPattern == portable.difference_squares.bitPattern, "\(label)")
                        #expect(wide.max_abs == portable.max_abs, "\(label)")
                        #expect(wide.differing == portable.differing && wide.nan_mismatches == portable.nan_mismatches, "\(label)")
                    }
                    if count > 100 { #expect(portable.differing > 0 && (portable.nan_mismatches > 0) == expectingNaN) }
                }
            }
        }
    }
}
