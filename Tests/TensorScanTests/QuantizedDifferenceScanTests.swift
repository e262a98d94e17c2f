import Dispatch
import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Quantized pairs compared in many small items on several threads (`DifferencePlan` with
/// `byQuantizedRows`): a plain one-core loop's statistics over the decoded values
/// (`DifferenceScanTests.plain`: counts and maxima exactly, norms to 1e-12), the same bits
/// whatever the schedule, and numpy's numbers from the fixtures' generators (gguf-py writes and
/// dequantizes them).
@Suite struct QuantizedDifferenceScanTests {
    struct Case {
        var name: String
        var a: TensorView
        var b: TensorView
        var order: RowInterleave?
        var reference: [String: Any]?
    }

    /// The Hub checkpoint of `gguf-rope` against its Q8_0 conversion (q/k rows permuted by
    /// llama.cpp's converter: 4 query heads, 2 key/value heads), with numpy's relative L2,
    /// max |a − b| and worst row per tensor from `expected.json`.
    static func ropeCases() throws -> [Case] {
        let expected = try #require((try Fixtures.json("gguf-rope/expected.json") as? [String: Any])?["llama-q8_0.gguf"]
            as? [String: [String: Any]])
        let a = try Checkpoint.open(path: Fixtures.path("gguf-rope/hub/model.safetensors"))
        let b = try Checkpoint.open(path: Fixtures.path("gguf-rope/llama-q8_0.gguf"))
        var cases: [Case] = []
        for name in expected.keys.sorted() {
            let reference = try #require(expected[name])
            let x = try #require(a.tensor(named: name))
            let ggufName = try #require(reference["gguf_name"] as? String)
            let y = try #require(b.tensor(named: ggufName))
            guard QuantizedDifference.applies(x, y) else { continue }
            let heads = name.contains("q_proj") ? 4 : name.contains("k_proj") ? 2 : nil
            cases.append(Case(name: name, a: x, b: y, order: heads.map { RowInterleave(groups: $0, direction: .halvesToInterleaved) },
                              reference: reference))
        }
        return cases
    }

    /// Two quantizations of `gguf-cli`'s F32 llama file against each other and against it.
    static func cliCases() throws -> [Case] {
        let f32 = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-f32.gguf"))
        let q4 = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-q4_0.gguf"))
        let q8 = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-q8_0.gguf"))
        let expected = try #require((try Fixtures.json("gguf-cli/expected.json") as? [String: Any])?["llama-q4_0.gguf"]
            as? [String: Any])
        let fromF32 = try #require(expected["diff_from_f32"] as? [String: [String: Any]])
        var cases: [Case] = []
        for name in ["token_embd.weight", "blk.0.attn_q.weight", "blk.1.attn_q.weight"] {
            let x = try #require(f32.tensor(named: name))
            let y = try #require(q4.tensor(named: name))
            let z = try #require(q8.tensor(named: name))
            cases.append(Case(name: name, a: x, b: y, order: nil, reference: fromF32[name]))
            cases.append(Case(name: name + " q4/q8", a: y, b: z, order: nil, reference: nil))
            cases.append(Case(name: name + " q8/q4", a: z, b: y, order: nil, reference: nil))
        }
        return cases
    }

    /// The plain loop's statistics: B decoded, its rows (a vector's elements) put back in A's order.
    static func plain(_ c: Case, topRows: Int) -> DifferenceStatistics {
        let x = c.a.decodedValues(), stored = c.b.decodedValues()
        var y = stored
        if let order = c.order {
            let rows = c.a.rowCount, length = c.a.rowLength
            if c.a.info.shape.count <= 1 {
                for i in 0 ..< length { y[i] = stored[order.indexInB(i, count: length)] }
            } else {
                for r in 0 ..< rows {
                    let s = order.indexInB(r, count: rows)
                    for j in 0 ..< length { y[r * length + j] = stored[s * length + j] }
                }
            }
        }
        return DifferenceScanTests.plain(x, y, rows: c.a.rowCount, topRows: topRows)
    }

    @Test("many small items on four threads give the plain loop's numbers, one core's bits, and numpy's numbers",
          arguments: [1, 64, 700, 1 << 17])
    func againstPlainLoopAndNumpy(itemValues: Int) throws {
        let cases = try Self.ropeCases() + Self.cliCases()
        #expect(cases.count == 12 + 9)
        func plan() -> DifferencePlan {
            DifferencePlan(cases.map { ($0.a, $0.b) }, topRows: 5, statisticsOfIdentical: true,
                           rowOrders: cases.map(\.order), byQuantizedRows: true, itemValues: itemValues)
        }
        let parallel = plan(), alone = plan()
        if itemValues == 1 {
            // One row per item (one head per item where rows are permuted): hundreds of items.
            #expect(parallel.items.count > 500)
        }
        DispatchQueue.concurrentPerform(iterations: 4) { _ in parallel.drain() }
        alone.drain()
        // Parts are folded as they finish, in order: on one thread each one at once; on four,
        // only those finished ahead of an unfinished item wait (all of them stayed until the
        // end: 181 MB of parts for a 2^22-row Q8_0 matrix).
        #expect(alone.mostHeld == 1)
        #expect(parallel.mostHeld < parallel.items.count || parallel.items.count <= 1)
        let results = parallel.results()
        for (c, (result, oneCore)) in zip(cases, zip(results, alone.results())) {
            let got = try #require(result.statistics, "\(c.name)")
            // The schedule does not change a bit.
            #expect(got == oneCore.statistics, "\(c.name)")
            let want = Self.plain(c, topRows: 5)
            DifferenceScanTests.expectAgrees(got, want, c.name)
            guard let reference = c.reference else { continue }
            let rel = try #require(reference["relative_l2"] as? Double)
            let maxAbs = try #require(reference["max_abs"] as? Double)
            #expect(abs(got.relativeL2 - rel) <= 1e-9 * rel, "\(c.name): relative L2 \(got.relativeL2) vs numpy \(rel)")
            #expect(abs(got.maxAbsDifference - maxAbs) <= 1e-12 * maxAbs, "\(c.name): max \(got.maxAbsDifference) vs numpy \(maxAbs)")
            if let worst = reference["worst_row"] as? Int {
                #expect(got.topRows.first?.row == worst, "\(c.name)")
            }
        }
    }

    @Test("DifferenceScan.run: a pair of one quantized type is compared by bytes first, by value only when it differs")
    func identicalThenValues() throws {
        let q8 = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-q8_0.gguf"))
        let q4 = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-q4_0.gguf"))
        let x = try #require(q8.tensor(named: "token_embd.weight")), y = try #require(q8.tensor(named: "blk.0.attn_q.weight"))
        let z = try #require(q4.tensor(named: "token_embd.weight"))
        let results = DifferenceScan.run([(x, x), (x, y), (x, z)], topRows: 2)
        #expect(results[0].identicalBytes && results[0].statistics == nil)
        #expect(!results[1].identicalBytes && !results[2].identicalBytes)
        DifferenceScanTests.expectAgrees(try #require(results[1].statistics), Self.plain(Case(name: "", a: x, b: y), topRows: 2), "q8 vs q8")
        DifferenceScanTests.expectAgrees(try #require(results[2].statistics), Self.plain(Case(name: "", a: x, b: z), topRows: 2), "q8 vs q4")
        let measured = DifferenceScan.run([(x, x)], topRows: 2, statisticsOfIdentical: true)[0]
        #expect(measured.identicalBytes && measured.statistics?.differingElements == 0 && measured.statistics?.referenceL2 ?? 0 > 0)
    }
}
