import GGUFFormat
import Testing

/// `valid/metadata.gguf`: every value type, nested arrays and a tokenizer section written by
/// GGUFWriter; expected values are the ones the generator gave the writer.
@Suite struct MetadataTests {
    static func file() throws -> GGUFFile { try GGUFFixtures.parse("valid/metadata.gguf") }
    static var metadata: [String: Any] { GGUFFixtures.expected["metadata"] as? [String: Any] ?? [:] }

    @Test func keysInFileOrderAsGGUFPyReadsThem() throws {
        #expect(try Self.file().metadata.keys == Self.metadata["keys"] as? [String])
    }

    @Test func scalarAndArrayValuesMatchWhatWasWritten() throws {
        let metadata = try Self.file().metadata
        let values = try #require(GGUFFixtures.expected["metadata_values"] as? [[String: Any]])
        #expect(values.count == 20)
        var types = Set<GGUFValueType>()
        for entry in values {
            let key = try #require(entry["key"] as? String)
            let value = try #require(metadata[key], "\(key) missing")
            types.insert(value.type)
            if case let .array(array) = value {
                types.insert(array.elementType)
                #expect(array.elementType.description == entry["element_type"] as? String, "\(key)")
                #expect(Self.texts(array) == (entry["values"] as? [Any])?.map(Self.text), "\(key)")
            } else {
                #expect(value.type.description == entry["type"] as? String, "\(key)")
                #expect(Self.text(value) == Self.text(entry["value"] as Any), "\(key)")
            }
        }
        #expect(types.count == 13)
    }

    @Test func nestedArraysKeepTheirShape() throws {
        let metadata = try Self.file().metadata
        #expect(metadata["test.nested_i32"] == .array(.array([.int32([1, 2]), .int32([3]), .int32([4, 5, 6])])))
        #expect(metadata["test.nested_str"] == .array(.array([.string(["x", "y"]), .string(["z"])])))
        #expect(metadata["test.nested_3"] == .array(.array([.array([.float32([1.5]), .float32([2.5, 3.5])])])))
    }

    @Test func tokenizerSection() throws {
        let file = try Self.file()
        let tokenizer = try #require(GGUFTokenizerMetadata(file.metadata))
        #expect(tokenizer.model == Self.metadata["model"] as? String)
        #expect(Array(tokenizer.tokens) == Self.metadata["tokens"] as? [String])
        #expect(tokenizer.tokenTypes?.map(Int.init) == (Self.metadata["token_types"] as? [Any])?.compactMap(GGUFFixtures.int))
        #expect(tokenizer.id(forKey: GGUFTokenizerMetadata.bosKey) == GGUFFixtures.int(Self.metadata["bos"]))
        #expect(tokenizer.id(forKey: GGUFTokenizerMetadata.eosKey) == GGUFFixtures.int(Self.metadata["eos"]))
        #expect(tokenizer.paddingTokenID == GGUFFixtures.int(Self.metadata["pad"]))
        #expect(tokenizer.id(forKey: GGUFTokenizerMetadata.unknownKey) == nil)
        // TOKEN_TYPES in generate.py: [2, 3, 3, 3, 1, 1, 6, 5, 4].
        #expect(tokenizer.tokenIDs(ofType: .control) == [1, 2, 3])
        #expect(tokenizer.tokenIDs(ofType: .unused) == [7])
        #expect(tokenizer.tokenType(of: 6) == .byte)
        #expect(tokenizer.tokenType(of: 0) == .unknown)
        #expect(tokenizer.tokenType(of: 8) == .userDefined)
        #expect(tokenizer.tokenType(of: 9) == nil)
        #expect(file.tensor(named: "token_embd.weight")?.shape == [tokenizer.tokens.count, 32])
        // generate.py writes architecture "llama", whose loader falls back to token_embd.weight.
        #expect(file.metadata["general.architecture"] == .string("llama"))
        #expect(LlamaCppArchitectures.embeddingIsOutput(in: file) == true)
    }

    @Test func noTokenizerWithoutTokens() throws {
        let file = try GGUFFixtures.parse("valid/small.gguf")
        #expect(GGUFTokenizerMetadata(file.metadata) == nil)
        #expect(LlamaCppArchitectures.embeddingIsOutput(in: file) == nil)
        #expect(file.metadata["general.architecture"] == .string("llama"))
        #expect(LlamaCppTensorNames.layer(of: "blk.17.attn_q.weight") == 17)
        #expect(LlamaCppTensorNames.layer(of: "output.weight") == nil)
    }

    /// A value as text in one spelling for both sides (JSON numbers arrive as their text).
    static func text(_ value: Any) -> String {
        switch value {
        case let v as GGUFValue:
            switch v {
            case let .uint8(x): return String(x)
            case let .int8(x): return String(x)
            case let .uint16(x): return String(x)
            case let .int16(x): return String(x)
            case let .uint32(x): return String(x)
            case let .int32(x): return String(x)
            case let .uint64(x): return String(x)
            case let .int64(x): return String(x)
            case let .float32(x): return String(Double(x))
            case let .float64(x): return String(x)
            case let .bool(x): return String(x)
            case let .string(x): return x
            case .array: return "array"
            }
        case let b as Bool: return String(b)
        case let s as String:
            if let d = Double(s), s.contains(".") || s.contains("e") { return String(d) }
            return s
        default: return "\(value)"
        }
    }

    static func texts(_ array: GGUFArray) -> [String] {
        switch array {
        case let .uint8(a): a.map { text(GGUFValue.uint8($0)) }
        case let .int8(a): a.map { text(GGUFValue.int8($0)) }
        case let .uint16(a): a.map { text(GGUFValue.uint16($0)) }
        case let .int16(a): a.map { text(GGUFValue.int16($0)) }
        case let .uint32(a): a.map { text(GGUFValue.uint32($0)) }
        case let .int32(a): a.map { text(GGUFValue.int32($0)) }
        case let .uint64(a): a.map { text(GGUFValue.uint64($0)) }
        case let .int64(a): a.map { text(GGUFValue.int64($0)) }
        case let .float32(a): a.map { text(GGUFValue.float32($0)) }
        case let .float64(a): a.map { text(GGUFValue.float64($0)) }
        case let .bool(a): a.map { text(GGUFValue.bool($0)) }
        case let .string(a): Array(a)
        case .array: ["array"]
        }
    }
}
