import Foundation
import Testing
import TestSupport

/// `inspect --json` gives a GGUF file's metadata with its types (`files[].gguf_metadata`):
/// TestData/gguf/valid/metadata.gguf holds a value of every GGUF type, written by gguf-py, and
/// expected.json's `metadata_values` lists each with its type and value as gguf-py reads them.
/// Before, a script got every value as a string (`"4000000000"`, `"[3 × uint8]"`).
@Suite struct GGUFTypedMetadataCLITests {
    static func typed() throws -> [String: [String: Any]] {
        let result = try CLI.run(["inspect", Fixtures.path("gguf/valid/metadata.gguf"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let file = try #require((report["files"] as? [[String: Any]])?.first)
        return try #require(file["gguf_metadata"] as? [String: [String: Any]])
    }

    /// Numbers as gguf-py's values were written to expected.json: integers exactly (u64 max
    /// included, which Foundation reads as an unsigned or a decimal), floats as doubles.
    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case let (x as NSNumber, y as NSNumber): x.decimalValue == y.decimalValue
        case let (x as String, y as String): x == y
        case let (x as [Any], y as [Any]): x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: false
        }
    }

    @Test("every scalar and one-level array of metadata.gguf has gguf-py's type and value")
    func everyType() throws {
        let typed = try Self.typed()
        let expected = try #require((try Fixtures.json("gguf/expected.json") as? [String: Any])?["metadata_values"] as? [[String: Any]])
        #expect(expected.count >= 20)
        for entry in expected {
            let key = try #require(entry["key"] as? String)
            let got = try #require(typed[key], "\(key) missing")
            #expect(got["type"] as? String == entry["type"] as? String, "\(key): \(got)")
            if let elementType = entry["element_type"] as? String {
                #expect(got["element_type"] as? String == elementType, "\(key): \(got)")
                #expect(Self.same(got["values"], entry["values"]), "\(key): \(got) vs \(entry)")
                #expect(got["count"] as? Int == (entry["values"] as? [Any])?.count)
            } else {
                #expect(Self.same(got["value"], entry["value"]), "\(key): \(got) vs \(entry)")
            }
        }
    }

    @Test("nested arrays give their type and count, no values; the flat metadata object is unchanged")
    func nested() throws {
        let typed = try Self.typed()
        let nested = try #require(typed["test.nested_i32"])
        #expect(nested["type"] as? String == "array" && nested["element_type"] as? String == "array")
        #expect(nested["values"] == nil && (nested["count"] as? Int ?? 0) > 0)
        // A safetensors file has no gguf_metadata.
        let plain = try CLI.run(["inspect", Fixtures.path("toy-bert/model.safetensors"), "--json"])
        #expect(!plain.stdout.contains("gguf_metadata"))
    }
}
