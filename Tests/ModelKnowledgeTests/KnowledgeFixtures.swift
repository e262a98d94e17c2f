import Foundation
import ModelKnowledge
import TestSupport

/// Reads committed fixture folders into the byte inputs ModelKnowledge takes.
enum KnowledgeFixtures {
    static func file(_ relative: String) -> NamedBytes? {
        guard let data = try? Fixtures.data(relative) else { return nil }
        return NamedBytes(path: relative, bytes: [UInt8](data))
    }

    /// The tokenizer files of a fixture folder (missing ones stay nil).
    static func tokenizerFiles(_ folder: String, includeJSON: Bool = true, includeVocabText: Bool = true) -> TokenizerFiles {
        TokenizerFiles(tokenizerJSON: includeJSON ? file(folder + "/tokenizer.json") : nil,
                       vocabText: includeVocabText ? file(folder + "/vocab.txt") : nil,
                       specialTokensMap: file(folder + "/special_tokens_map.json"),
                       tokenizerConfig: file(folder + "/tokenizer_config.json"))
    }

    static func config(_ folder: String) throws -> ModelConfigFacts? {
        guard let bytes = file(folder + "/config.json") else { return nil }
        return try ModelConfigFacts.read(bytes)
    }

    /// expected.json of a folder, parsed by Foundation (independent of our reader).
    static func expected(_ folder: String) throws -> [String: Any] {
        try Fixtures.json(folder + "/expected.json") as? [String: Any] ?? [:]
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func json(_ path: String, _ text: String) -> NamedBytes { NamedBytes(path: path, bytes: Array(text.utf8)) }
}

extension Dictionary where Key == String, Value == Any {
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
    func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    func string(_ key: String) -> String? { self[key] as? String }
    func ints(_ key: String) -> [Int] { (self[key] as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.intValue } }
}
