import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// Name lists a report sorts are in code point order, as Python's `sorted()` orders `str`:
/// `cafe` + U+0301, `caff`, `café` with a precomposed é (U+0065 < U+0066 < U+00E9). Swift's
/// `String <` compares NFC forms, so it put `caff` first and left the two spellings of `café` in
/// whatever order they came.
@Suite struct CanonicalOrderCLITests {
    /// Python: sorted(["caf\u00e9.weight", "caff.weight", "cafe\u0301.weight"]).
    static let pythonSorted = ["cafe\u{301}.weight", "caff.weight", "caf\u{E9}.weight"]

    static func scalars(_ names: [String]) -> [[UInt32]] { names.map { $0.unicodeScalars.map(\.value) } }

    /// One file holding the three names (in the order given), each F32 [2, 2] with the same values.
    static func file(_ names: [String]) throws -> String {
        var bytes: [UInt8] = []
        for v: Float in [1, 2, 3, 4] { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        let entries = names.map { SafetensorsWriter.Entry(name: $0, dtype: .f32, shape: [2, 2], bytes: bytes) }
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
    }

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("ties: the group of three identical tensors lists them in code point order")
    func tiesOrder() throws {
        let report = try Self.json(["ties", Self.file(["caf\u{E9}.weight", "caff.weight", "cafe\u{301}.weight"]), "--json"])
        let groups = try #require(report["groups"] as? [[String: Any]])
        #expect(groups.map { Self.scalars($0["tensors"] as? [String] ?? []) } == [Self.scalars(Self.pythonSorted)])
    }

    @Test("audit: a finding names its tensors in code point order, whatever order they came in")
    func auditFindingOrder() throws {
        for order in [["caf\u{E9}.weight", "caff.weight", "cafe\u{301}.weight"], ["cafe\u{301}.weight", "caff.weight", "caf\u{E9}.weight"]] {
            let report = try Self.json(["audit", Self.file(order), "--json"])
            let findings = try #require(report["findings"] as? [[String: Any]])
            let naming = findings.filter { ($0["tensors"] as? [String] ?? []).count == 3 }
            #expect(!naming.isEmpty, "\(findings)")
            for finding in naming {
                #expect(Self.scalars(finding["tensors"] as? [String] ?? []) == Self.scalars(Self.pythonSorted), "\(finding)")
            }
        }
    }

    @Test("diff: only_in_a in code point order")
    func diffOrder() throws {
        let a = try Self.file(["caf\u{E9}.weight", "caff.weight", "cafe\u{301}.weight"])
        let b = try Self.file(["other.weight"])
        let report = try Self.json(["diff", a, b, "--json"], status: 1)
        #expect(Self.scalars(report["only_in_a"] as? [String] ?? []) == Self.scalars(Self.pythonSorted))
    }

    @Test("a folder of several .safetensors files and no index: the error lists them in code point order")
    func folderOrder() throws {
        let folder = try Fixtures.temporaryDirectory()
        for name in ["caf\u{E9}", "caff", "cafe\u{301}"] {
            try Data(SafetensorsWriter(entries: []).serialize()).write(to: folder.appendingPathComponent(name + ".safetensors"))
        }
        let result = try CLI.run(["inspect", folder.path])
        #expect(result.status != 0)
        let listed = "(" + Self.pythonSorted.map { $0.replacingOccurrences(of: ".weight", with: ".safetensors") }.joined(separator: ", ") + ")"
        #expect(result.stderr.unicodeScalars.map(\.value).contains(listed.unicodeScalars.map(\.value)), "\(result.stderr)")
    }
}
