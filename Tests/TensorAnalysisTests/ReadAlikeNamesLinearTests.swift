import Foundation
import Testing
import CheckpointIO
import TensorAnalysis
import TestSupport

/// `suspicious-name`'s grouping of names that read alike stays linear when one set has many
/// spellings: every order of seven combining marks of distinct classes after "a" is one name
/// to Unicode (canonical reordering), 5,040 spellings in all. Each new spelling was compared
/// with every earlier one of its set (40,320 spellings took 10 s; adversarial test, 2026-12-04).
@Suite struct ReadAlikeNamesLinearTests {
    /// Combining classes 220, 230, 1, 240, 10, 11, 103: all distinct, so every order is canonically equivalent.
    static let marks: [Unicode.Scalar] = ["\u{323}", "\u{307}", "\u{334}", "\u{345}", "\u{5B0}", "\u{5B1}", "\u{E38}"]

    /// All orders of `items` (Heap's algorithm).
    static func permutations(_ items: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var a = items, out: [[Unicode.Scalar]] = [a], c = [Int](repeating: 0, count: items.count)
        var i = 0
        while i < a.count {
            if c[i] < i {
                a.swapAt(i % 2 == 0 ? 0 : c[i], i)
                out.append(a)
                c[i] += 1
                i = 0
            } else {
                c[i] = 0
                i += 1
            }
        }
        return out
    }

    @Test("one set of N spellings is grouped in linear time, into one finding")
    func linear() throws {
        let names = Self.permutations(Self.marks).map { "a" + String(String.UnicodeScalarView($0)) + ".w" }
        #expect(names.count == 5040)
        var checkpoints: [Int: Checkpoint] = [:]
        for n in [1260, 5040] {
            let entries = names.prefix(n).map { SafetensorsWriter.Entry(name: $0, dtype: .u8, shape: [1], bytes: [1]) }
            checkpoints[n] = try Checkpoint.open(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
        }
        let ratio = try LinearTime.ratio(1260) { (n: Int) throws in
            let checkpoint = try #require(checkpoints[n])
            let found = HeaderLint.findings(checkpoint).filter { $0.rule.id == "suspicious-name" }
            #expect(found.count == 1 && found.first?.tensors.count == n)
        }
        #expect(ratio < LinearTime.bound, "4x spellings took \(ratio)x the time")
    }
}
