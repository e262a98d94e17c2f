@testable import StrictJSON
import Testing

/// `JSONDocument.parse(_:emptying:)` keeps the values at the given key paths empty but must
/// check them exactly as the full parse does. Reference: the full parse, then the emptied
/// values replaced by a plain tree walk written here; errors must be the full parse's errors.
@Suite struct EmptyingTests {
    static let paths = [["model", "merges"]]

    /// The full parse's tree with the values at `path` replaced by empty values of their kind.
    static func emptied(_ node: JSONNode, at path: ArraySlice<String>) -> JSONNode {
        guard let key = path.first else {
            switch node {
            case .string: return .string("")
            case .array: return .array([])
            case .object: return .object([])
            default: return node
            }
        }
        guard case .object(let members) = node else { return node }
        return .object(members.map { member in
            member.key == key
                ? JSONMember(key: member.key, keyOffset: member.keyOffset, value: emptied(member.value, at: path.dropFirst()))
                : member
        })
    }

    static func outcome(_ bytes: [UInt8], limits: JSONLimits, emptying: [[String]]) -> Result<JSONNode, JSONError> {
        Result { () throws(JSONError) -> JSONNode in try JSONDocument.parse(bytes, limits: limits, emptying: emptying) }
    }

    static func expectSame(_ bytes: [UInt8], limits: JSONLimits = .default) {
        let full = outcome(bytes, limits: limits, emptying: [])
        let light = outcome(bytes, limits: limits, emptying: paths)
        switch (full, light) {
        case (.success(let tree), .success(let kept)):
            #expect(kept == emptied(tree, at: paths[0][...]), "\(String(decoding: bytes, as: UTF8.self))")
        case (.failure(let a), .failure(let b)):
            #expect(a == b, "\(String(decoding: bytes, as: UTF8.self))")
        default:
            Issue.record("one parse failed, the other did not: \(full) vs \(light) for \(String(decoding: bytes, as: UTF8.self))")
        }
    }

    static let document = Array(#"""
    {"model":{"type":"BPE","merges":["a b","c \u00e9 d","\ud83d\ude00",["x","y"],{"k":[1,-2.5e3,true,false,null]},"\\\"/\n"],"vocab":{"a":0,"b":1}},"merges":[1,"z"],"x":{"merges":"kept"}}
    """#.utf8)

    @Test("a tokenizer-like document: the emptied parse equals the full parse with merges emptied")
    func wholeDocument() throws {
        Self.expectSame(Self.document)
        let kept = try JSONDocument.parse(Self.document, emptying: Self.paths)
        // By hand: model.merges is [], the root's own "merges" and x.merges are untouched.
        guard case .object(let members) = kept, case .object(let model)? = members.first?.value else {
            Issue.record("not an object")
            return
        }
        #expect(model.first { $0.key == "merges" }?.value == .array([]))
        #expect(members.first { $0.key == "merges" }?.value == .array([.number(JSONNumber(text: "1", unsignedValue: 1)), .string("z")]))
        #expect(members.first { $0.key == "x" }?.value == .object([JSONMember(key: "merges", keyOffset: 166, value: .string("kept"))]))
    }

    @Test("every truncation gives the full parse's error")
    func truncations() {
        for end in 0 ..< Self.document.count { Self.expectSame(Array(Self.document[..<end])) }
    }

    @Test("every one-byte change gives the full parse's result or error")
    func mutations() {
        let replacements: [UInt8] = [0x22, 0x2C, 0x5D, 0x7D, 0x5C, 0x01, 0x78, 0x30, 0x20, 0x5B, 0x7B, 0xFF]
        for position in Self.document.indices {
            for byte in replacements where byte != Self.document[position] {
                var bytes = Self.document
                bytes[position] = byte
                Self.expectSame(bytes)
            }
        }
    }

    @Test("limits inside an emptied value fail as in the full parse")
    func limits() {
        Self.expectSame(Self.document, limits: JSONLimits(maxStringBytes: 3, maxDepth: 64))
        Self.expectSame(Self.document, limits: JSONLimits(maxStringBytes: 1 << 20, maxDepth: 3))
        Self.expectSame(Self.document, limits: JSONLimits(maxStringBytes: 1 << 20, maxDepth: 4))
        Self.expectSame(Array(#"{"model":{"merges":[[[[[[1]]]]]]}}"#.utf8), limits: JSONLimits(maxStringBytes: 8, maxDepth: 5))
        // Keys fit in 6 bytes; the merge decodes to 8 bytes (four 2-byte é): refused at 6 and 7, read at 8.
        for limit in 6 ... 8 {
            Self.expectSame(Array(#"{"model":{"merges":["\u00e9\u00e9\u00e9\u00e9"]}}"#.utf8), limits: JSONLimits(maxStringBytes: limit, maxDepth: 8))
            Self.expectSame(Array(#"{"model":{"merges":["ab\u00e9\u00e9\u00e9"]}}"#.utf8), limits: JSONLimits(maxStringBytes: limit, maxDepth: 8))
        }
        #expect(throws: JSONError.self) {
            try JSONDocument.parse(Array(#"{"model":{"merges":["\u00e9\u00e9\u00e9\u00e9"]}}"#.utf8),
                                   limits: JSONLimits(maxStringBytes: 7, maxDepth: 8), emptying: Self.paths)
        }
    }
}
