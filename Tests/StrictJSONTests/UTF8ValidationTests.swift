@testable import StrictJSON
import Testing

/// `firstInvalidUTF8Index` against the standard library's validator (`String(validating:as:)`,
/// an independent implementation of the same rule): GGUF string arrays are validated with the
/// former and single GGUF strings with the latter, so the two must never disagree.
@Suite struct UTF8ValidationTests {
    static func agree(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            (firstInvalidUTF8Index(raw) == nil) == (String(validating: raw, as: UTF8.self) != nil)
        }
    }

    @Test("every sequence of one and two bytes")
    func oneAndTwoBytes() {
        var disagreements: [[UInt8]] = []
        for a in 0 ... 255 {
            if !Self.agree([UInt8(a)]) { disagreements.append([UInt8(a)]) }
            for b in 0 ... 255 where !Self.agree([UInt8(a), UInt8(b)]) { disagreements.append([UInt8(a), UInt8(b)]) }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("every three-byte sequence led by 0xE0-0xEF, and four-byte ones led by 0xF0-0xF7")
    func threeAndFourBytes() {
        var disagreements: [[UInt8]] = []
        for a in 0xE0 ... 0xEF {
            for b in 0 ... 255 {
                for c in 0 ... 255 where !Self.agree([UInt8(a), UInt8(b), UInt8(c)]) {
                    disagreements.append([UInt8(a), UInt8(b), UInt8(c)])
                }
            }
        }
        // Second bytes over their whole range; third and fourth bytes at the edges of the
        // continuation range and outside it.
        let edges: [UInt8] = [0x00, 0x7F, 0x80, 0x81, 0xBE, 0xBF, 0xC0, 0xFF]
        for a in 0xF0 ... 0xF7 {
            for b in 0 ... 255 {
                for c in edges {
                    for d in edges where !Self.agree([UInt8(a), UInt8(b), c, d]) {
                        disagreements.append([UInt8(a), UInt8(b), c, d])
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test("sequences cut short, and valid ones inside ASCII runs of every length")
    func truncationsAndRuns() {
        let samples: [[UInt8]] = [[0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF]]
        for sample in samples {
            for end in 0 ... sample.count { #expect(Self.agree(Array(sample[..<end]))) }
            for prefix in 0 ..< 17 {
                let run = [UInt8](repeating: 0x61, count: prefix)
                #expect(Self.agree(run + sample + run))
                #expect(Self.agree(run + sample.dropLast() + run))
            }
        }
    }
}
