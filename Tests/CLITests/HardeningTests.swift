import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// The promise "no file makes tensoraudit crash", checked on the real binary: every truncation
/// point of a small valid file, every header length near the true one, single bit flips, and
/// each documented limit. A broken file must give exit 2 and exactly one line
/// `tensoraudit: error: <path>: ...` on stderr; a flip may also yield a valid file (exit 0).
/// About 360 launches of the debug binary; the arguments run in parallel.
@Suite struct HardeningTests {
    /// Two tensors, header padded to 8 bytes: 8 + 112 + 11 = 131 bytes.
    static let valid: [UInt8] = SafetensorsWriter(entries: [
        .init(name: "a", dtype: .f32, shape: [2], bytes: [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]),
        .init(name: "b", dtype: .u8, shape: [3], bytes: [1, 2, 3]),
    ]).serialize()

    /// `N` as written in the valid file.
    static var headerLength: Int {
        valid[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    /// Runs `inspect` on `bytes` and checks the contract for an invalid file.
    static func expectRejected(_ bytes: [UInt8], _ label: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try Fixtures.temporaryFile(bytes)
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed, "\(label) died by a signal", sourceLocation: sourceLocation)
        #expect(result.status == 2, "\(label): exit \(result.status)", sourceLocation: sourceLocation)
        expectOneErrorLine(result, path: path, label, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(label)", sourceLocation: sourceLocation)
    }

    static func expectOneErrorLine(_ result: CLIResult, path: String, _ label: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.stderr.hasPrefix("tensoraudit: error: \(path): "), "\(label): \(result.stderr)",
                sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasSuffix("\n"),
                "\(label): \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test("the untouched file is valid (so the cases below test something)")
    func untouchedIsValid() throws {
        #expect(Self.valid.count == 131 && Self.headerLength == 112)
        let result = try CLI.run(["inspect", try Fixtures.temporaryFile(Self.valid)])
        #expect(result.status == 0 && result.stderr.isEmpty)
    }

    @Test("every truncation point exits 2 with one line", arguments: 0..<131)
    func truncated(length: Int) throws {
        try Self.expectRejected(Array(Self.valid.prefix(length)), "truncated to \(length) bytes")
    }

    /// Any other N moves the data section: the JSON breaks, or (N−k inside the padding) the
    /// data section gains bytes that no tensor covers; beyond 123 it runs past the file.
    @Test("every header length within ±16 of the true one exits 2", arguments: -16...16)
    func lyingLength(delta: Int) throws {
        guard delta != 0 else { return }
        var bytes = Self.valid
        let n = UInt64(Self.headerLength + delta)
        for i in 0..<8 { bytes[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
        try Self.expectRejected(bytes, "N = \(n)")
    }

    /// Flipping any bit of N changes it by a power of two, which is a lying length as above.
    @Test("every bit flip in the length field exits 2", arguments: 0..<64)
    func flippedLengthBit(bit: Int) throws {
        var bytes = Self.valid
        bytes[bit / 8] ^= UInt8(1 << (bit % 8))
        try Self.expectRejected(bytes, "length bit \(bit) flipped")
    }

    /// 128 of the 896 header bits, chosen by a seeded generator so failures repeat.
    static let sampledHeaderBits: [Int] = {
        var random = SeededRandom(seed: 0x5AFE_7E45)
        var bits = Set<Int>()
        while bits.count < 128 { bits.insert(64 + Int(random.next() % UInt64(112 * 8))) }
        return bits.sorted()
    }()

    @Test("a bit flip in the header exits 0, or 2 with one line; never a signal", arguments: sampledHeaderBits)
    func flippedHeaderBit(bit: Int) throws {
        var bytes = Self.valid
        bytes[bit / 8] ^= UInt8(1 << (bit % 8))
        let path = try Fixtures.temporaryFile(bytes)
        let result = try CLI.run(["inspect", path])
        #expect(!result.crashed)
        #expect(result.status == 0 || result.status == 2, "bit \(bit): exit \(result.status)")
        if result.status == 2 { Self.expectOneErrorLine(result, path: path, "bit \(bit)") }
    }

    // MARK: limits

    static func header(_ json: String) -> [UInt8] {
        SafetensorsWriter.file(header: json, data: [], padTo: 8)
    }

    static func expectLimit(_ bytes: [UInt8], naming what: String, limit: Int,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try Fixtures.temporaryFile(bytes)
        let result = try CLI.run(["inspect", path])
        #expect(result.status == 2 && !result.crashed, sourceLocation: sourceLocation)
        expectOneErrorLine(result, path: path, what, sourceLocation: sourceLocation)
        #expect(result.stderr.contains("\(what) exceeds the limit of \(limit)"), "\(result.stderr)",
                sourceLocation: sourceLocation)
    }

    @Test("a 1 MiB + 1 byte tensor name hits the string limit")
    func longName() throws {
        let name = String(repeating: "n", count: (1 << 20) + 1)
        try Self.expectLimit(Self.header(#"{"\#(name)":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#),
                             naming: "string length", limit: 1 << 20)
    }

    @Test("a name of exactly 1 MiB is accepted")
    func longestName() throws {
        let name = String(repeating: "n", count: 1 << 20)
        let path = try Fixtures.temporaryFile(Self.header(#"{"\#(name)":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}"#))
        #expect(try CLI.run(["inspect", path, "--json"]).status == 0)
    }

    @Test("rank 65 hits the shape limit; rank 64 is accepted")
    func rank() throws {
        let ones = { (n: Int) in Array(repeating: "1", count: n).joined(separator: ",") }
        try Self.expectLimit(Self.header(#"{"w":{"dtype":"U8","shape":[\#(ones(65))],"data_offsets":[0,1]}}"#)
                             + [7], naming: "shape rank", limit: 64)
        let path = try Fixtures.temporaryFile(
            Self.header(#"{"w":{"dtype":"U8","shape":[\#(ones(64))],"data_offsets":[0,1]}}"#) + [7])
        #expect(try CLI.run(["inspect", path]).status == 0)
    }

    @Test("65 nested arrays in an ignored field hit the depth limit")
    func depth() throws {
        let nested = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        try Self.expectLimit(Self.header(#"{"w":{"dtype":"U8","shape":[0],"data_offsets":[0,0],"x":\#(nested)}}"#),
                             naming: "JSON nesting depth", limit: 64)
    }

    @Test("1,000,001 metadata entries hit the metadata limit")
    func metadataEntries() throws {
        var json = #"{"__metadata__":{"#
        json.reserveCapacity(12_000_000)
        for i in 0...1_000_000 { json += (i == 0 ? "" : ",") + "\"\(i)\":\"\"" }
        json += "}}"
        try Self.expectLimit(Self.header(json), naming: "metadata entry count", limit: 1_000_000)
    }

    @Test("a tensor with more rows than the statistics limit is skipped with the reason, in bounded memory; its copy is still found")
    func tooManyRows() throws {
        // Two byte-identical U8 [limit + 1, 1] tensors: 1 MB of data each, whose per-row
        // statistics would take 80 MiB each (80 bytes per row); a 10 MB file of this shape used
        // 1.6 GB.
        let rows = (1 << 20) + 1
        var data = [UInt8](repeating: 0, count: rows)
        for i in stride(from: 0, to: rows, by: 4096) { data[i] = UInt8(truncatingIfNeeded: i >> 12) }
        let file = SafetensorsWriter(entries: [
            .init(name: "tall", dtype: .u8, shape: [UInt64(rows), 1], bytes: data),
            .init(name: "tall_copy", dtype: .u8, shape: [UInt64(rows), 1], bytes: data),
        ]).serialize()
        let path = try Fixtures.temporaryFile(file, name: "tall.safetensors")
        let rowsOutput = try CLI.run(["rows", path, "--tensor", "tall"])
        #expect(rowsOutput.status == 0)
        #expect(rowsOutput.stdout.contains("statistics are not computed for tensors of more than 1048576 rows (this one has 1048577"),
                "\(rowsOutput.stdout)")
        let audit = try CLI.run(["audit", path, "--format", "json"])
        #expect(audit.status == 0 || audit.status == 1, "\(audit.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let tied = findings.filter { ($0["tensors"] as? [String]) == ["tall", "tall_copy"] }
        #expect(!tied.isEmpty, "the identical copy is found through fingerprints: \(findings.map { $0["rule"] ?? "" })")
    }

    @Test("a header length whose first byte is a pickle line opcode (0x50, PERSID) does not make the legacy-torch sniff read 1 TB of zeros")
    func headerLengthReadAsPickleLine() throws {
        // A valid safetensors file: one F32 [2^20, 2^18] tensor in a sparse 1 TB hole, its
        // header padded to 336 bytes (0x150), so the file starts 0x50 0x01. Sniffed for a legacy
        // torch stream, PERSID's operand line was looked for up to a newline: through the whole
        // hole (inspect ran minutes, 10 GB mapped).
        let count: UInt64 = 1 << 40
        var header = #"{"a":{"dtype":"F32","shape":[1048576,262144],"data_offsets":[0,\#(count)]}}"#
        while header.utf8.count != 0x150 { header += " " }
        let length = UInt64(header.utf8.count)
        let bytes = (0 ..< 8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + Array(header.utf8)
        #expect(bytes.prefix(2) == [0x50, 0x01])
        let path = try Fixtures.temporaryFile(bytes, name: "persid.safetensors")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 8 + length + count)
        try handle.close()
        for command in ["inspect", "ties", "padding"] {
            let result = try CLI.run([command, path])
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        let inspect = try CLI.run(["inspect", path])
        #expect(inspect.stdout.contains("274,877,906,944 parameters"), "\(inspect.stdout)")
    }

    @Test("a row of 2^40 values (a sparse file) is skipped by its pieces, not scanned into an 84 MB buffer")
    func tooManyPieces() throws {
        // One U8 [1, 2^40 + 2^20] tensor: one row, but 2^20 + 1 pieces of 2^20 values, whose
        // statistics (80 bytes a piece) the row limit alone let through. The file is sparse: a
        // 1 TB hole after the header.
        let count: UInt64 = (1 << 40) + (1 << 20)
        var header = #"{"long":{"dtype":"U8","shape":[1,\#(count)],"data_offsets":[0,\#(count)]}}"#
        while header.utf8.count % 8 != 0 { header += " " }
        let length = UInt64(header.utf8.count)
        let bytes = (0 ..< 8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + Array(header.utf8)
        let path = try Fixtures.temporaryFile(bytes, name: "long.safetensors")
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 8 + length + count)
        try handle.close()
        let rows = try CLI.run(["rows", path, "--tensor", "long"])
        #expect(rows.status == 0, "\(rows.stderr)")
        #expect(rows.stdout.contains("statistics are not computed for tensors whose rows take more than 1048576 pieces "
                                         + "of up to 1048576 values (this one has 1 row of 1099512676352 values"),
                "\(rows.stdout)")
    }
}
