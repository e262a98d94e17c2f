import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// One scan over many tensors: every job gets what it asked for, computed as a plain loop
/// would, whatever the schedule (both cores, several items per tensor, jobs finishing in any
/// order).
@Suite struct RowScanTests {
    /// Row statistics the slow way: decode each element to a Double and accumulate.
    static func naiveRow(_ view: TensorView, _ bytes: [UInt8], row: Int) -> (count: Int, sum: Double, min: Double, max: Double) {
        let length = view.rowLength
        var sum = 0.0, low = Double.infinity, high = -Double.infinity
        bytes.withUnsafeBytes { raw in
            for k in (row * length)..<((row + 1) * length) {
                let x = decodeElement(view.dtype, raw, k)
                sum += x
                low = min(low, x)
                high = max(high, x)
            }
        }
        return (length, sum, low, high)
    }

    @Test("a mixed scan of 15 tensors: statistics match a plain loop, fingerprints the naive fold, partial rows the full pass")
    func mixedJobs() throws {
        // Sizes chosen so the scan runs on both cores with several items for one tensor
        // ("big": 6 MB), a row cut into pieces ("long"), and tensors with nothing to read.
        let specs: [(String, DType, [UInt64])] = [
            ("big", .f32, [1500, 1000]),
            ("tiny", .f32, [3, 5]),
            ("straddle", .f32, [300, 1001]),
            ("bf16", .bf16, [513, 1037]),
            ("f16", .f16, [129, 1000]),
            ("long", .bf16, [1_048_600]),
            ("f64", .f64, [70, 999]),
            ("u8", .u8, [333, 777]),
            ("c64", .c64, [20, 3000]),
            ("scalar", .f32, []),
            ("empty", .f32, [0, 4]),
            ("fingerprint-only", .f32, [64, 64]),
            ("partial", .f32, [40, 300]),
            // F32 rows of two pieces, one 4 MiB piece per item: items start inside rows (and,
            // for the partial job, after the first row).
            ("long-f32", .f32, [3, 1_048_600]),
            ("long-partial", .f32, [4, 1_048_600]),
        ]
        let (file, contents) = try FingerprintTests.randomFile(specs, firstSeed: 100)
        let views = try specs.map { try file.tensor(named: $0.0) }
        let jobs: [RowScan.Job] = views.map { view in
            switch view.name {
            case "fingerprint-only": return .fingerprint(of: view)
            case "partial": return .statistics(of: view, rows: 7..<19)
            case "long-partial": return .statistics(of: view, rows: 1..<3)
            case "u8": return .statistics(of: view)
            default: return .statisticsAndFingerprint(of: view)
            }
        }
        let finished = Counter()
        let outputs = RowScan.run(jobs) { index, output in
            finished.add()
            return (index, output)
        }
        #expect(finished.value == jobs.count, "finish runs once per job")
        #expect(outputs.map(\.0) == Array(jobs.indices), "results come back in job order")

        for (i, view) in views.enumerated() {
            let name = view.name
            let bytes = try #require(contents[name])
            let output = outputs[i].1
            switch name {
            case "fingerprint-only":
                #expect(output.rows == nil)
                #expect(output.fingerprint == FingerprintTests.naiveFingerprint(bytes))
            case "partial", "long-partial":
                let first = name == "partial" ? 7 : 1
                #expect(output.fingerprint == nil)
                let rows = try #require(output.rows)
                #expect(rows.count == (name == "partial" ? 12 : 2))
                #expect(rows == view.rowMoments(in: first..<(first + rows.count)), "\(name)")
                for (k, m) in rows.enumerated() {
                    let naive = Self.naiveRow(view, bytes, row: first + k)
                    #expect(m.count == naive.count && m.minimum == naive.min && m.maximum == naive.max)
                    #expect(abs(m.sum - naive.sum) <= 1e-9 * max(1, abs(naive.sum)))
                }
            case "c64":
                #expect(output.rows == nil, "C64 has no statistics")
                #expect(output.fingerprint == FingerprintTests.naiveFingerprint(bytes))
            default:
                #expect(output.fingerprint == (name == "u8" ? nil : FingerprintTests.naiveFingerprint(bytes)), "\(name)")
                let rows = try #require(output.rows, "\(name)")
                #expect(rows.count == view.rowCount, "\(name)")
                for r in 0..<rows.count {
                    let naive = Self.naiveRow(view, bytes, row: r)
                    let m = rows[r]
                    #expect(m.count == naive.count && m.minimum == naive.min && m.maximum == naive.max, "\(name) row \(r)")
                    #expect(abs(m.sum - naive.sum) <= 1e-9 * max(1, abs(naive.sum)), "\(name) row \(r)")
                }
                // The schedule does not change a bit: the tensor scanned alone gives the same.
                #expect(rows == view.rowMoments(), "\(name)")
            }
        }
    }

    @Test("results are written in place: one per job, in job order, each made once and released with the array")
    func resultsWrittenInPlace() throws {
        // 40 small tensors and one of 6 MB (so both cores take items), one empty.
        let specs: [(String, DType, [UInt64])] = (0..<40).map { ("t\($0)", DType.f32, [UInt64(1 + $0 % 7), 300]) }
            + [("big", .f32, [1500, 1000]), ("empty", .f32, [0, 4])]
        let (file, _) = try FingerprintTests.randomFile(specs, firstSeed: 7)
        let views = try specs.map { try file.tensor(named: $0.0) }
        let work = views.indices.map { i in i % 3 == 0 ? RowScan.Work.fingerprint : .statistics(of: views[i]) }
        let made = Counter(), released = Counter()
        var results: [Tracked]? = RowScan.run(views, work) { i, output in
            Tracked(index: i, rows: output.rows?.count, made: made, released: released)
        }
        #expect(made.value == views.count, "finish ran once per job")
        #expect(results?.map(\.index) == Array(views.indices))
        #expect(results?.map(\.rows) == views.indices.map { $0 % 3 == 0 ? nil : views[$0].rowCount })
        results = nil
        #expect(released.value == views.count, "every result was released with the array: none written twice or lost")
    }
}

/// A result that counts its creations and releases.
private final class Tracked: Sendable {
    let index: Int
    let rows: Int?
    let released: Counter

    init(index: Int, rows: Int?, made: Counter, released: Counter) {
        self.index = index
        self.rows = rows
        self.released = released
        made.add()
    }

    deinit { released.add() }
}

/// Counts calls from any thread.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
