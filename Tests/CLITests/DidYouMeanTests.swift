import Testing
import TestSupport
@testable import tensoraudit
import TensorAnalysis

/// The banded distance behind "did you mean" against the whole table (every cell, fresh rows
/// per pair: the textbook optimal-string-alignment recurrence), and the suggestion it gives
/// among 50,000 names.
@Suite struct DidYouMeanTests {
    /// Optimal-string-alignment distance, the whole table.
    static func reference(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }

    @Test("the banded distance is the full table's when at most the bound, else bound + 1 (random words)")
    func againstFullTable() {
        // A small alphabet (with scalars beyond ASCII) makes close pairs and swaps common.
        let alphabet: [Unicode.Scalar] = ["a", "b", "c", ".", "é", "\u{1F600}"]
        var generator = SeededRandom(seed: 7)
        var checked = 0
        for bound in 0...3 {
            var measure = DidYouMean.BoundedDistance(bound: bound)
            for _ in 0..<4_000 {
                let a = (0..<Int(generator.next() % 9)).map { _ in alphabet[Int(generator.next() % 6)] }
                var b = a
                // Edits of `a` (so distances near the bound), or an unrelated word.
                if generator.next() % 4 == 0 {
                    b = (0..<Int(generator.next() % 9)).map { _ in alphabet[Int(generator.next() % 6)] }
                } else {
                    for _ in 0..<Int(generator.next() % 5) {
                        let at = b.isEmpty ? 0 : Int(generator.next() % UInt64(b.count))
                        switch generator.next() % 4 {
                        case 0: b.insert(alphabet[Int(generator.next() % 6)], at: at)
                        case 1 where !b.isEmpty: b.remove(at: at)
                        case 2 where !b.isEmpty: b[at] = alphabet[Int(generator.next() % 6)]
                        case 3 where at + 1 < b.count: b.swapAt(at, at + 1)
                        default: break
                        }
                    }
                }
                let full = Self.reference(a, b)
                #expect(measure.distance(a, b) == (full <= bound ? full : bound + 1), "\(a) \(b) bound \(bound)")
                checked += 1
            }
        }
        #expect(checked == 16_000)
    }

    @Test("a module's name without its parameter suggests its parameters (by hand); three or more point at none")
    func moduleName() {
        let names = ["token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_norm.bias", "output_norm.weight", "token_embd_x.weight"]
        #expect(DidYouMean.suggestions(for: "token_embd", among: names) == ["token_embd.weight"])
        #expect(DidYouMean.suggestions(for: "blk.0.attn_norm", among: names) == ["blk.0.attn_norm.weight", "blk.0.attn_norm.bias"])
        // Two dotted parts more is not a parameter of the module asked for.
        #expect(DidYouMean.suggestions(for: "blk", among: names).isEmpty)
        let many = ["module.alpha", "module.beta", "module.gamma", "module.delta"]
        #expect(DidYouMean.suggestions(for: "module", among: many).isEmpty)
        #expect(DidYouMean.suggestions(for: "module", among: many.prefix(3)) == ["module.alpha", "module.beta", "module.gamma"])
    }

    @Test("by hand: a swap, a dropped letter, two edits against bound 1")
    func byHand() {
        var one = DidYouMean.BoundedDistance(bound: 1)
        let s = { (text: String) in Array(text.unicodeScalars) }
        #expect(one.distance(s("wieght"), s("weight")) == 1)
        #expect(one.distance(s("inspct"), s("inspect")) == 1)
        #expect(one.distance(s("audti"), s("audit")) == 1)
        #expect(one.distance(s("ab"), s("ba")) == 1)
        #expect(one.distance(s("abc"), s("cab")) == 2)
        #expect(one.distance(s(""), s("a")) == 1)
        #expect(one.distance(s(""), s("ab")) == 2)
    }

    @Test("among the 50,000 names of the bench header, a swapped letter finds its one tensor")
    func fiftyThousandNames() {
        let names = (0..<50_000).map { "model.layers.\($0 / 10).block.\($0 % 10).weight" }
        #expect(DidYouMean.suggestions(for: "model.layers.1234.block.7.wieght", among: names) == ["model.layers.1234.block.7.weight"])
        #expect(DidYouMean.suggestions(for: "model.layers.1234.blok.7.weight", among: names) == ["model.layers.1234.block.7.weight"])
        #expect(DidYouMean.suggestions(for: "zzz", among: names).isEmpty)
    }
}
