import StrictJSON
import Foundation
import SafetensorsFormat

/// The Hugging Face `config.json` facts an audit needs, read when the file sits beside the
/// checkpoint. Only these fields are read; everything else in the file is ignored.
public struct ModelConfig: Sendable, Equatable {
    /// What the config says about the padding token.
    public enum PadToken: Sendable, Equatable {
        /// No `pad_token_id` key.
        case absent
        /// `"pad_token_id": null`: the model has no padding token (GPT-2).
        case none
        case id(Int)
    }

    public var path: String
    public var modelType: String?
    public var padToken: PadToken
    public var vocabSize: Int?
    public var hiddenSize: Int?
    /// `tie_word_embeddings` as written; `nil` when absent.
    public var tieWordEmbeddings: Bool?

    public init(path: String, modelType: String? = nil, padToken: PadToken = .absent, vocabSize: Int? = nil,
                hiddenSize: Int? = nil, tieWordEmbeddings: Bool? = nil) {
        self.path = path
        self.modelType = modelType
        self.padToken = padToken
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.tieWordEmbeddings = tieWordEmbeddings
    }

    /// Whether the output head shares the input embedding. transformers defaults
    /// `tie_word_embeddings` to true when the key is absent.
    public var embeddingsTied: Bool { tieWordEmbeddings ?? true }

    /// Reads `config.json` with the strict JSON reader. Fields may sit in a nested
    /// `text_config` (multimodal models); top-level values win. A key twice in the same object
    /// is an error: Python's `json` keeps the last one, so which value transformers sees is not
    /// what a first-wins reader would report.
    public static func load(path: String) throws(CheckpointError) -> ModelConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .source(path: path, kind: "config", message: "cannot read config.json: \(error.localizedDescription)")
        }
        let root: JSONNode
        do {
            root = try JSONDocument.parse(Array(data))
        } catch {
            throw .source(path: path, kind: "config", message: "config.json is not valid JSON: \(error)")
        }
        guard case .object(let members) = root else {
            throw .source(path: path, kind: "config", message: "config.json is not a JSON object")
        }
        var nestedMembers: [JSONMember] = []
        if case .object(let inner)? = root["text_config"] { nestedMembers = inner }
        for object in [members, nestedMembers] {
            var seen: [String: Int] = [:]
            for member in object {
                if let first = seen[member.key] {
                    throw .source(path: path, kind: "config",
                                  message: "config.json has the key \(quotedName(member.key)) twice (bytes \(first) and \(member.keyOffset))")
                }
                seen[member.key] = member.keyOffset
            }
        }
        let nested = JSONNode.object(nestedMembers)
        func value(_ keys: String...) -> JSONNode? {
            for key in keys {
                if let v = root[key] { return v }
                if let v = nested[key] { return v }
            }
            return nil
        }
        /// An integer-valued number (`768`, `768.0`), as an `Int`.
        func integer(_ node: JSONNode?) -> Int? {
            guard case .number(let n)? = node, let d = Double(n.text), d == d.rounded() else { return nil }
            return Int(exactly: d)
        }
        func int(_ keys: String...) -> Int? {
            for key in keys {
                if let n = integer(root[key] ?? nested[key]) { return n }
            }
            return nil
        }
        var config = ModelConfig(path: path)
        if case .string(let type)? = value("model_type") { config.modelType = type }
        switch value("pad_token_id") {
        case .null?:
            config.padToken = .none
        case .number(let n)?:
            // As Foundation's `intValue` read it: the integer part.
            if let d = Double(n.text), let id = Int(exactly: d.rounded(.towardZero)) { config.padToken = .id(id) }
        case .array(let list)?:
            if case .number(let n)? = list.first, let d = Double(n.text), let id = Int(exactly: d.rounded(.towardZero)) {
                config.padToken = .id(id)
            }
        default:
            break
        }
        config.vocabSize = int("vocab_size")
        config.hiddenSize = int("hidden_size", "n_embd", "d_model", "dim")
        switch value("tie_word_embeddings") {
        case .bool(let tied)?: config.tieWordEmbeddings = tied
        case .number(let n)?: config.tieWordEmbeddings = Double(n.text).map { $0 != 0 }
        default: break
        }
        return config
    }
}
