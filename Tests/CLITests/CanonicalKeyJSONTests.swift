import Foundation
import StrictJSON
import Testing
import TestSupport

/// JSON report objects keyed by what a file spells keep every key and sort keys by code points.
/// `café` with a precomposed é and with e + U+0301 are two `__metadata__` keys to safetensors'
/// `safe_open(...).metadata()` and two GGUF keys to gguf-py (TestData/canonical-names,
/// canonical-tokens, canonical-keys; expected.json from their generators); report objects were
/// keyed by Swift `String`, whose equality folds them, so `inspect --json`'s `metadata` and
/// `ties --json`'s `aliases` kept one. Keys were sorted by `String <`, which put `cafe\u{301}`
/// after `caff`, where Python's `json.dumps(sort_keys=True)` (code point order) puts it first.
/// Reports are read here with the strict reader, which keeps every member as written (Foundation's
/// reader would fold the keys itself).
@Suite struct CanonicalKeyJSONTests {
    static func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    static func text(_ scalars: Any?) throws -> String {
        let values = try #require(scalars as? [Int])
        return String(String.UnicodeScalarView(values.compactMap { Unicode.Scalar(UInt32($0)) }))
    }

    /// The members of the object at `path` in the report `arguments` print, in written order.
    static func members(_ arguments: [String], at path: [String], status: Int32 = 0) throws -> [JSONMember] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        var node = try JSONDocument.parse(Array(result.stdout.utf8))
        for key in path { node = try #require(node[key], "\(path)") }
        guard case .object(let members) = node else {
            Issue.record("\(path) is \(node.typeName)")
            return []
        }
        return members
    }

    /// Each member as (key's code points, string value).
    static func pairs(_ members: [JSONMember]) -> [[UInt32]: String] {
        var out: [[UInt32]: String] = [:]
        for member in members {
            if case .string(let value) = member.value { out[scalars(member.key)] = value }
        }
        return out
    }

    @Test("inspect --json metadata of a safetensors file: both spellings of café, as safe_open reads them, in code point order")
    func safetensorsMetadata() throws {
        let expected = try #require((try Fixtures.json("canonical-names/expected.json") as? [String: Any])?["metadata"] as? [String: Any])
        // Python's sorted() of [code points, value] pairs: code point order.
        let wanted = try #require(expected["metadata"] as? [[Any]]).map { pair in
            (try Self.text(pair.first).unicodeScalars.map(\.value), pair.last as? String)
        }
        let members = try Self.members(["inspect", Fixtures.path("canonical-names/metadata"), "--json"], at: ["metadata"])
        #expect(members.map { Self.scalars($0.key) } == wanted.map(\.0))
        #expect(members.map { $0.value } == wanted.map { JSONNode.string($0.1 ?? "") })
    }

    @Test("inspect --json metadata of a GGUF file: both general.café keys gguf-py reads, each with its value")
    func ggufMetadata() throws {
        let expected = try #require(try Fixtures.json("canonical-tokens/expected.json") as? [String: Any])
        let keys = try #require(expected["names_keys"] as? [[Int]]).map { try Self.text($0) }
        #expect(keys.count == 2)
        let members = try Self.members(["inspect", Fixtures.path("canonical-tokens/canonical-names.gguf"), "--json"], at: ["metadata"])
        // generate.py there: add_uint32("general.café" precomposed, 1), decomposed, 2.
        let found = Self.pairs(members)
        #expect(found[Self.scalars("general.caf\u{E9}")] == "1" && found[Self.scalars("general.cafe\u{301}")] == "2", "\(found)")
        #expect(Set(keys.map(Self.scalars)).isSubset(of: Set(found.keys)))
        // Code point order: e (U+0065) before é (U+00E9), architecture (a) before both.
        #expect(members.map { Self.scalars($0.key) }
            == ["general.architecture", "general.cafe\u{301}", "general.caf\u{E9}"].map(Self.scalars))
    }

    @Test("ties --json aliases: the two keys that are the two spellings of café, each with its kept tensor")
    func tiesAliases() throws {
        let expected = try #require((try Fixtures.json("canonical-names/expected.json") as? [String: Any])?["alias-keys"] as? [String: Any])
        let wanted = try #require(expected["aliases"] as? [[Any]]).map { pair in
            (try Self.text(pair.first).unicodeScalars.map(\.value), pair.last as? String ?? "")
        }
        let members = try Self.members(["ties", Fixtures.path("canonical-names/alias-keys"), "--json"], at: ["aliases"])
        #expect(members.map { Self.scalars($0.key) } == wanted.map(\.0))
        #expect(members.map { $0.value } == wanted.map { JSONNode.string($0.1) })
    }

    @Test("keys sorted as Python's json.dumps(sort_keys=True) sorts them: cafe + U+0301, caff, cafz, café precomposed")
    func codePointOrder() throws {
        let expected = try #require((try Fixtures.json("canonical-keys/expected.json") as? [String: Any])?["metadata-order"] as? [String: Any])
        let wanted = try #require(expected["sorted_metadata"] as? [[Any]]).map { pair in
            (try Self.text(pair.first).unicodeScalars.map(\.value), pair.last as? String ?? "")
        }
        #expect(wanted.count == 4)
        let members = try Self.members(["inspect", Fixtures.path("canonical-keys/metadata-order"), "--json"], at: ["metadata"])
        #expect(members.map { Self.scalars($0.key) } == wanted.map(\.0))
        #expect(members.map { $0.value } == wanted.map { JSONNode.string($0.1) })
    }
}
