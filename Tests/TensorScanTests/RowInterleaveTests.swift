import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// llama.cpp's q/k row permutation, undone by `diff`: the index formula against numpy's
/// reshape/swapaxes definition written out, and the parallel scan against the plain loop on
/// explicitly un-permuted values.
@Suite struct RowInterleaveTests {
    /// `w.reshape(groups, 2, d/2).swapaxes(1, 2).reshape(-1)` as numpy defines it: the output,
    /// read in C order over [h, k, s], is the input at [h, s, k].
    static func numpyPermute<T>(_ input: [T], groups: Int) -> [T] {
        let d = input.count / groups
        var out: [T] = []
        for h in 0 ..< groups {
            for k in 0 ..< d / 2 {
                for s in 0 ..< 2 { out.append(input[h * d + s * (d / 2) + k]) }
            }
        }
        return out
    }

    @Test("indexInB is numpy's permutation (halves → interleaved) and its inverse", arguments: [(1, 2), (4, 64), (2, 32), (8, 1024)])
    func formula(groups: Int, count: Int) {
        let forward = RowInterleave(groups: groups, direction: .halvesToInterleaved)
        let backward = RowInterleave(groups: groups, direction: .interleavedToHalves)
        #expect(forward.applies(toCount: count))
        // The GGUF side holds numpyPermute(hub): hub row i sits at the GGUF row p with stored[p] == i.
        let stored = Self.numpyPermute(Array(0 ..< count), groups: groups)
        for i in 0 ..< count {
            #expect(stored[forward.indexInB(i, count: count)] == i)
            #expect(backward.indexInB(forward.indexInB(i, count: count), count: count) == i)
        }
    }

    @Test("the permutation needs heads of an even number of rows")
    func applies() {
        #expect(!RowInterleave(groups: 3, direction: .halvesToInterleaved).applies(toCount: 64))
        #expect(!RowInterleave(groups: 4, direction: .halvesToInterleaved).applies(toCount: 36))
        #expect(!RowInterleave(groups: 0, direction: .halvesToInterleaved).applies(toCount: 64))
        #expect(RowInterleave(groups: 4, direction: .halvesToInterleaved).applies(toCount: 40))
    }

    @Test("the scan pairs permuted rows (on all cores, items of whole heads) and vector elements as the plain loop does")
    func scan() throws {
        let rows = 4096, length = 300, groups = 32
        let a = DifferenceScanTests.values(rows * length, seed: 77).map { $0.isFinite ? $0 : 1 }
        var hub = a
        for i in 0 ..< length { hub[1234 * length + i] += 100 }  // A's row 1234 moved in B
        // B: hub's rows permuted as the converter stores them, in BF16.
        let rowList = (0 ..< rows).map { Array(hub[$0 * length ..< ($0 + 1) * length]) }
        let b = Self.numpyPermute(rowList, groups: groups).flatMap { $0 }
        let vectorA = DifferenceScanTests.values(4096, seed: 78).map { $0.isFinite ? $0 : 2 }
        var vectorHub = vectorA
        vectorHub[77] = 1000
        let vectorB = Self.numpyPermute(vectorHub, groups: 8)
        let entries: [SafetensorsWriter.Entry] = [
            .init(name: "a", dtype: .f32, shape: [UInt64(rows), UInt64(length)], bytes: DifferenceScanTests.encode(a, .f32)),
            .init(name: "b", dtype: .bf16, shape: [UInt64(rows), UInt64(length)], bytes: DifferenceScanTests.encode(b, .bf16)),
            .init(name: "va", dtype: .f32, shape: [4096], bytes: DifferenceScanTests.encode(vectorA, .f32)),
            .init(name: "vb", dtype: .f32, shape: [4096], bytes: DifferenceScanTests.encode(vectorB, .f32)),
        ]
        let file = try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        let pairs = try [(file.tensor(named: "a"), file.tensor(named: "b")), (file.tensor(named: "va"), file.tensor(named: "vb"))]
        let results = DifferenceScan.run(pairs, topRows: 3, rowOrders: [RowInterleave(groups: groups, direction: .halvesToInterleaved),
                                                                           RowInterleave(groups: 8, direction: .halvesToInterleaved)])
        // Reference: B decoded and put back in hub order by the numpy definition, then the plain loop.
        let bDecoded = DifferenceScanTests.encode(b, .bf16).withUnsafeBytes { raw in (0 ..< b.count).map { decodeElement(.bf16, raw, $0) } }
        let hubIndex = Self.numpyPermute(Array(0 ..< rows), groups: groups)
        var unpermuted = [Double](repeating: 0, count: b.count)
        for (p, i) in hubIndex.enumerated() { for j in 0 ..< length { unpermuted[i * length + j] = bDecoded[p * length + j] } }
        let want = DifferenceScanTests.plain(a.map(Double.init), unpermuted, rows: rows, topRows: 3)
        let got = try #require(results[0].statistics)
        #expect(!results[0].identicalBytes)
        #expect(got.topRows.first?.row == 1234)
        #expect(got.topRows.map(\.row) == want.topRows.map(\.row))
        #expect(DifferenceScanTests.close(got.differenceL2, want.differenceL2) && DifferenceScanTests.close(got.referenceL2, want.referenceL2))
        #expect(got.maxAbsDifference == want.maxAbsDifference && got.differingElements == want.differingElements)
        // The vector: only element 77 differs once paired back.
        let vector = try #require(results[1].statistics)
        #expect(vector.differingElements == 1 && vector.maxAbsDifference == Double(1000 - vectorA[77]))
        // Without the order, the same pair differs nearly everywhere.
        let unordered = try #require(DifferenceScan.run([pairs[0]], topRows: 1)[0].statistics)
        #expect(unordered.relativeL2 > 0.5)
    }

    /// The fused-QKV regrouping against a second construction: the GGUF order written out as the
    /// converter's concatenation (every group's query heads, then every key head, then every value
    /// head), each entry naming the Hub row it holds.
    @Test("fused QKV regrouping: indexInB is the converter's concatenation, and the two directions invert each other",
          arguments: [(4, 1, 3), (2, 4, 2), (1, 8, 2), (3, 2, 1)])
    func fusedQKV(groups: Int, queriesPerGroup r: Int, headRows hd: Int) {
        let count = groups * (r + 2) * hd
        func hubRow(group g: Int, part c: Int, row k: Int) -> Int { (g * (r + 2) + c) * hd + k }
        var gguf: [Int] = []  // gguf[j] = the Hub row stored at GGUF row j
        for g in 0..<groups { for c in 0..<r { for k in 0..<hd { gguf.append(hubRow(group: g, part: c, row: k)) } } }
        for c in [r, r + 1] { for g in 0..<groups { for k in 0..<hd { gguf.append(hubRow(group: g, part: c, row: k)) } } }
        let toGGUF = RowInterleave(groups: groups, direction: .halvesToInterleaved, queriesPerGroup: r)
        let toHub = RowInterleave(groups: groups, direction: .interleavedToHalves, queriesPerGroup: r)
        #expect(toGGUF.applies(toCount: count) && !toGGUF.applies(toCount: count + 1))
        for j in 0..<count {
            #expect(toGGUF.indexInB(gguf[j], count: count) == j)
            #expect(toHub.indexInB(j, count: count) == gguf[j])
        }
    }
}
