import Foundation
import PropertyBased
import SafetensorsFormat
import StrictJSON
import Testing
import TestSupport
@testable import CheckpointIO
import TensorScan

/// Property-based checks of issue 13's classes (x-sheep/swift-property-based): integers from
/// files and options over their whole range, and shapes with empty first dimensions. Expected
/// values come from the rule itself (the JSON grammar, the product of the dimensions), computed
/// here independently of the code under test.
@Suite struct HardeningPropertyTests {
    static func padToken(_ json: String) throws -> ModelConfig.PadToken {
        ModelConfig.parse(try JSONDocument.parse(Array("{\"pad_token_id\": \(json)}".utf8)), path: "config.json").padToken
    }

    @Test("pad_token_id: any Int is an id as written (nn.Embedding counts a negative one from the end), and a negative one is also reported")
    func anyInteger() async {
        await propertyCheck(count: 500, input: Gen.int(in: Int.min ... Int.max)) { n in
            let config = ModelConfig.parse(try JSONDocument.parse(Array("{\"pad_token_id\": \(n)}".utf8)), path: "config.json")
            #expect(config.padToken == .id(n))
            #expect(config.invalidValues.map(\.key) == (n >= 0 ? [] : ["pad_token_id"]))
        }
    }

    @Test("pad_token_id: integers past Int.max, fractions, exponents and quoted numbers are never ids")
    func nonIDs() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0 ... Int.max)) { n in
            let beyond = "1" + String(n)  // ≥ 10^(digits of n), past Int.max once n has 19 digits
            for text in ["\(n).5", "\(n)e0", "\"\(n)\"", "[\"\(n)\"]", "\(n).0"] + (beyond.count > 19 ? [beyond + "0"] : []) {
                let token = try? Self.padToken(text)
                if case .invalid? = token {} else { Issue.record("\(text) gave \(String(describing: token))") }
            }
        }
    }

    static func view(shape: [UInt64]) throws -> TensorView {
        let count = shape.reduce(UInt64(1), *)
        let file = SafetensorsWriter(entries: [.init(name: "t", dtype: .u8, shape: shape,
                                                     bytes: [UInt8](repeating: 1, count: Int(count)))]).serialize()
        return try #require(try SafetensorsFile(path: Fixtures.temporaryFile(file)).tensors.first)
    }

    @Test("row_length is the product of the dimensions after the first, for any first dimension, 0 included")
    func rowLength() async {
        let dims = Gen.int(in: 0 ... 5).array(of: 1 ... 4)
        await propertyCheck(count: 200, input: Gen.int(in: 0 ... 3), dims) { first, rest in
            let shape = [UInt64(first)] + rest.map(UInt64.init)
            guard let view = try? Self.view(shape: shape) else { Issue.record("cannot open \(shape)"); return }
            let expected = shape.count == 1 ? (first == 0 ? 1 : first) : rest.reduce(1, *)
            #expect(view.rowLength == expected, "\(shape)")
            #expect(view.rowCount == (shape.reduce(1, *) == 0 ? 0 : (shape.count == 1 ? 1 : first)), "\(shape)")
        }
    }

    @Test("diff --top-rows: any Int keeps min(max(0, n), differing rows) rows, never traps")
    func topRows() async throws {
        // a: 4 rows of zeros; b differs in rows 1 and 3.
        let a = try Self.view(shape: [4, 2])
        let bBytes = SafetensorsWriter(entries: [.init(name: "t", dtype: .u8, shape: [4, 2], bytes: [1, 1, 9, 1, 1, 1, 1, 7])]).serialize()
        let b = try #require(try SafetensorsFile(path: Fixtures.temporaryFile(bBytes)).tensors.first)
        await propertyCheck(count: 300, input: Gen.int(in: Int.min ... Int.max)) { n in
            let rows = a.differenceStatistics(from: b, topRows: n)?.topRows.map(\.row)
            #expect(rows == Array([1, 3].prefix(min(max(0, n), 2))), "top rows \(n)")
        }
    }
}
