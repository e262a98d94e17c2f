import Foundation
@testable import SafetensorsFormat
import StrictJSON
import Testing
import TestSupport

/// Every parser is linear in its input: the time of a 4N input over an N input stays near 4
/// (bound 8; a quadratic parse gives 16). Issue 13 found a name of N `\u00e9` escapes parsed
/// in O(N²) (80,000 escapes: 11 s).
@Suite(.serialized) struct LinearTimeTests {
    static func header(name: String) -> [UInt8] {
        SafetensorsWriter.file(header: #"{"\#(name)":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}"#, data: [], padTo: 8)
    }

    @Test("a tensor name of N \\u00e9 escapes parses in linear time")
    func escapes() throws {
        var files: [Int: [UInt8]] = [:]
        for n in [50_000, 200_000] { files[n] = Self.header(name: String(repeating: #"\u00e9"#, count: n)) }
        let ratio = try LinearTime.ratio(50_000) { (n: Int) throws in
            let header = try SafetensorsHeader.parse(files[n] ?? [])
            #expect(header.tensors.first?.name == String(repeating: "é", count: n))
        }
        #expect(ratio < LinearTime.bound, "4x escapes took \(ratio)x the time")
    }

    @Test("a header of N tensors parses in linear time")
    func tensors() throws {
        var files: [Int: [UInt8]] = [:]
        for n in [10_000, 40_000] {
            let entries = (0..<n).map { #""t\#($0)":{"dtype":"U8","shape":[1],"data_offsets":[\#($0),\#($0 + 1)]}"# }
            files[n] = SafetensorsWriter.file(header: "{" + entries.joined(separator: ",") + "}",
                                              data: [UInt8](repeating: 1, count: n), padTo: 8)
        }
        let ratio = try LinearTime.ratio(10_000) { (n: Int) throws in
            let header = try SafetensorsHeader.parse(files[n] ?? [])
            #expect(header.tensors.count == n)
        }
        #expect(ratio < LinearTime.bound, "4x tensors took \(ratio)x the time")
    }

    @Test("an index of N entries parses in linear time")
    func index() throws {
        var files: [Int: [UInt8]] = [:]
        for n in [25_000, 100_000] {
            let members = (0..<n).map { #""model.layers.\#($0).weight": "model-\#($0 % 97).safetensors""# }
            files[n] = Array(("{\"weight_map\": {" + members.joined(separator: ", ") + "}}").utf8)
        }
        let ratio = try LinearTime.ratio(25_000) { (n: Int) throws in
            let index = try ShardIndex.parse(files[n] ?? [])
            #expect(index.entries.count == n && index.shardNames.count == 97)
        }
        #expect(ratio < LinearTime.bound, "4x entries took \(ratio)x the time")
    }

    @Test("an index over the entry limit is refused before it is checked")
    func indexEntryLimit() throws {
        let members = (0..<4).map { #""t\#($0)": "s.safetensors""# }
        let bytes = Array(("{\"weight_map\": {" + members.joined(separator: ", ") + "}}").utf8)
        #expect(try ShardIndex.parse(bytes, maxEntries: 4).entries.count == 4)
        #expect(throws: ShardIndexError.self) { try ShardIndex.parse(bytes, maxEntries: 3) }
    }

    /// Property: any string, written with each scalar either raw or escaped (`\uXXXX`, a
    /// surrogate pair above U+FFFF, or a short escape), parses back to itself. 2,000 seeded
    /// cases; the expected value is the string the case was built from.
    @Test("escaped names round-trip (2,000 seeded random names)")
    func escapedNamesRoundTrip() throws {
        var random = SeededRandom(seed: 0xE5CA_7E13)
        let pools: [ClosedRange<UInt32>] = [0x20...0x7E, 0x00...0x1F, 0xA0...0x7FF, 0x800...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF]
        for _ in 0..<2_000 {
            var name = String.UnicodeScalarView(), json = ""
            for _ in 0..<Int(random.next() % 24) {
                let pool = pools[Int(random.next() % UInt64(pools.count))]
                guard let scalar = Unicode.Scalar(pool.lowerBound + UInt32(random.next() % UInt64(pool.count))) else { continue }
                name.append(scalar)
                let escape = random.next() % 2 == 0 || scalar.value < 0x20 || scalar == "\"" || scalar == "\\"
                if !escape {
                    json.unicodeScalars.append(scalar)
                } else if scalar.value > 0xFFFF {
                    let v = scalar.value - 0x10000
                    json += String(format: "\\u%04X\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                } else if scalar == "\n" {
                    json += "\\n"
                } else {
                    json += String(format: "\\u%04x", scalar.value)
                }
            }
            let text = String(name)
            let header = try SafetensorsHeader.parse(Self.header(name: json))
            #expect(header.tensors.first?.name.unicodeScalars.elementsEqual(text.unicodeScalars) == true, "\(json)")
        }
    }
}

/// The measure itself: the calling thread's CPU time must grow with the work, so a quadratic
/// body (n² additions) gives a ratio near 16 and a linear one near 4.
@Suite(.serialized) struct LinearTimeClockTests {
    static func work(_ count: Int) -> UInt64 {
        var total: UInt64 = 0
        for i in 0..<count { total = total &+ UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15 }
        return total
    }

    @Test("a quadratic body is over the bound, a linear one under it")
    func quadraticIsCaught() {
        var sink: UInt64 = 0
        let quadratic = LinearTime.ratio(1_500, attempts: 1) { n in sink &+= Self.work(n * n) }
        let linear = LinearTime.ratio(2_000_000) { n in sink &+= Self.work(n) }
        #expect(quadratic > LinearTime.bound, "n² work took only \(quadratic)x for 4x n")
        #expect(linear < LinearTime.bound, "n work took \(linear)x for 4x n")
        #expect(sink != 1)
    }
}

/// Swift's `String` comparison sorts each run of combining marks by insertion sort, so a name
/// of N marks whose classes alternate (U+0307 230, U+0323 220) cost O(N²) in the header
/// parse's first comparison (1 MB: `inspect` 57 s). Such a run is refused past 30 marks
/// (`StreamSafeText`); stream-safe names of any length stay linear.
@Suite(.serialized) struct StreamSafeLinearTimeTests {
    static func marks(_ n: Int) -> String {
        String(String.UnicodeScalarView((0..<n).map { $0 % 2 == 0 ? "\u{307}" : "\u{323}" }))
    }

    @Test("a name of N alternating combining marks is refused in linear time")
    func longRun() throws {
        var files: [Int: [UInt8]] = [:]
        for n in [5_000, 20_000] { files[n] = LinearTimeTests.header(name: "a" + Self.marks(n)) }
        let ratio = LinearTime.ratio(5_000) { (n: Int) in
            #expect(throws: FormatError.limitExceeded(what: StreamSafeText.limitName, limit: 30, offset: 10)) {
                try SafetensorsHeader.parse(files[n] ?? [])
            }
        }
        #expect(ratio < LinearTime.bound, "4x marks took \(ratio)x the time")
    }

    @Test("a name of N runs of 30 marks, each after a starter, is read in linear time")
    func manyRuns() throws {
        var files: [Int: [UInt8]] = [:]
        for n in [1_000, 4_000] { files[n] = LinearTimeTests.header(name: String(repeating: "a" + Self.marks(30), count: n)) }
        let ratio = try LinearTime.ratio(1_000) { (n: Int) throws in
            let header = try SafetensorsHeader.parse(files[n] ?? [])
            #expect(header.tensors.first?.name.unicodeScalars.count == 31 * n)
        }
        #expect(ratio < LinearTime.bound, "4x runs took \(ratio)x the time")
    }

    @Test("the limit is 30 non-starters in a row; U+0F73 counts two; a starter ends a run")
    func boundary() {
        func check(_ s: String) -> Int? { StreamSafeText.firstOverlongRun(in: s) }
        #expect(check("a" + Self.marks(30)) == nil)
        #expect(check("a" + Self.marks(31)) == 1 + 2 * 30)
        #expect(check(Self.marks(30) + "b" + Self.marks(30)) == nil)
        #expect(check(Self.marks(29) + "\u{F73}") != nil)
        #expect(check(Self.marks(28) + "\u{F73}") == nil)
        #expect(check(String(repeating: "a", count: 100)) == nil)
        // Invalid UTF-8 reads as U+FFFD, a starter.
        let bytes: [UInt8] = Array(Self.marks(20).utf8) + [0xFF] + Array(Self.marks(20).utf8)
        #expect(bytes.withUnsafeBytes { StreamSafeText.firstOverlongRun($0) } == nil)
    }
}
