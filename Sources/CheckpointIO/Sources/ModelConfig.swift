import Foundation

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

    /// Reads `config.json`. Fields may sit in a nested `text_config` (multimodal models);
    /// top-level values win.
    public static func load(path: String) throws(CheckpointError) -> ModelConfig {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .source(path: path, kind: "config", message: "cannot read config.json: \(error.localizedDescription)")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw CheckpointError.source(path: path, kind: "config", message: "config.json is not a JSON object")
            }
            object = parsed
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw .source(path: path, kind: "config", message: "config.json is not valid JSON")
        }
        let nested = object["text_config"] as? [String: Any] ?? [:]
        func value(_ keys: String...) -> Any? {
            for key in keys {
                if let v = object[key] { return v }
                if let v = nested[key] { return v }
            }
            return nil
        }
        func int(_ keys: String...) -> Int? {
            for key in keys {
                if let n = (object[key] ?? nested[key]) as? NSNumber, n.doubleValue == n.doubleValue.rounded() {
                    return n.intValue
                }
            }
            return nil
        }
        var config = ModelConfig(path: path)
        config.modelType = value("model_type") as? String
        if let raw = value("pad_token_id") {
            if raw is NSNull {
                config.padToken = .none
            } else if let n = raw as? NSNumber {
                config.padToken = .id(n.intValue)
            } else if let list = raw as? [NSNumber], let first = list.first {
                config.padToken = .id(first.intValue)
            }
        }
        config.vocabSize = int("vocab_size")
        config.hiddenSize = int("hidden_size", "n_embd", "d_model", "dim")
        config.tieWordEmbeddings = (value("tie_word_embeddings") as? NSNumber)?.boolValue
        return config
    }
}
