import Foundation
import Testing
import SafetensorsFormat
import TestSupport

/// `inspect --json` streams its tensor list through a byte writer (`InspectSummary.jsonText`):
/// Foundation's parser reads back exactly what was written, escapes included, and the layout
/// is the one every report uses (sorted keys, two-space indentation, shapes on one line).
@Suite struct InspectJSONTests {
    @Test("names with quotes, backslashes, controls and non-ASCII; 0-d and empty shapes")
    func escapesAndShapes() throws {
        let names = ["plain.weight", "quote\"d", "back\\slash", "new\nline\ttab\r", "ctl\u{01}\u{1F}", "é☃ unicode", "scalar"]
        let entries: [SafetensorsWriter.Entry] = names.enumerated().map { k, name in
            name == "scalar"
                ? .init(name: name, dtype: .f32, shape: [], bytes: [0, 0, 128, 63])
                : .init(name: name, dtype: .bf16, shape: [2, UInt64(k + 1)], bytes: Array(repeating: UInt8(k), count: 4 * (k + 1)))
        } + [.init(name: "empty", dtype: .f32, shape: [0, 3], bytes: [])]
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        let result = try CLI.run(["inspect", path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for t in tensors { byName[t["name"] as? String ?? "?"] = t }
        #expect(Set(byName.keys) == Set(entries.map(\.name)))
        for entry in entries {
            let t = try #require(byName[entry.name], "\(entry.name)")
            #expect(t["dtype"] as? String == entry.dtype.rawValue)
            #expect((t["shape"] as? [NSNumber])?.map(\.uint64Value) == entry.shape)
            #expect((t["nbytes"] as? NSNumber)?.intValue == entry.bytes.count)
            #expect((t["parameters"] as? NSNumber)?.uint64Value == entry.shape.reduce(1, *))
            #expect(t["file"] as? String == path)
            let offsets = try #require((t["data_offsets"] as? [NSNumber])?.map(\.intValue))
            #expect(offsets.count == 2 && offsets[1] - offsets[0] == entry.bytes.count)
        }
        // The layout: sorted keys, two spaces, scalar arrays on one line, controls as \u00xx.
        #expect(result.stdout.contains("\n      \"data_offsets\": ["))
        #expect(result.stdout.contains("\"shape\": [2, 1]"))
        #expect(result.stdout.contains("\"shape\": []"))
        #expect(result.stdout.contains(#""name": "ctl\u0001\u001f""#))
        #expect(result.stdout.contains(#""name": "new\nline\ttab\r""#))
    }
}
