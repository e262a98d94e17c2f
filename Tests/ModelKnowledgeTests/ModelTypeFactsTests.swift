import Foundation
import ModelKnowledge
import TestSupport
import Testing

/// The Swift table against what transformers' config classes default to
/// (TestData/knowledge/model-type-defaults.json, written by generate_model_types.py).
@Suite struct ModelTypeFactsTests {
    struct Reference: Sendable, CustomTestStringConvertible {
        let modelType: String
        let configClass: String
        let ties: Bool
        let padTokenID: Int?
        let textConfigTie: String?
        /// The text_config's class and default pad id when the model reads its pad id there.
        let textConfigPad: ModelTypeFact.TextConfigPad?
        /// "pad_token_id", a fixed index's digits, or "none" (no padding_idx).
        let embeddingPadding: String
        let ignoresStatedFalse: Bool
        let sinusoidalTables: [String]
        /// State-dict name → "pad_token_id" or a fixed index's digits.
        let otherPadded: [String: String]
        var testDescription: String { modelType }
    }

    static var document: [String: Any] {
        (try? Fixtures.json("knowledge/model-type-defaults.json")) as? [String: Any] ?? [:]
    }

    static let references: [Reference] = {
        let types = document["model_types"] as? [String: [String: Any]] ?? [:]
        return types.keys.sorted().compactMap { key in
            guard let entry = types[key], let ties = entry["tie_word_embeddings"] as? Bool,
                  let configClass = entry["config_class"] as? String else { return nil }
            return Reference(modelType: key, configClass: configClass, ties: ties,
                             padTokenID: (entry["pad_token_id"] as? NSNumber)?.intValue,
                             textConfigTie: entry["text_config_tie_word_embeddings"] as? String,
                             textConfigPad: (entry["text_config_pad_token_id"] as? [String: Any]).flatMap { pad in
                                 (pad["config_class"] as? String).map { .init(configClass: $0, padTokenID: (pad["default"] as? NSNumber)?.intValue) }
                             },
                             embeddingPadding: (entry["embedding_padding_idx"] as? String)
                                 ?? (entry["embedding_padding_idx"] as? NSNumber).map { "\($0.intValue)" } ?? "none",
                             ignoresStatedFalse: entry["ignores_stated_false"] as? Bool ?? false,
                             sinusoidalTables: entry["sinusoidal_position_tables"] as? [String] ?? [],
                             otherPadded: (entry["other_padded_embeddings"] as? [String: Any] ?? [:]).mapValues { value in
                                 (value as? String) ?? (value as? NSNumber).map { "\($0.intValue)" } ?? "?"
                             })
        }
    }()

    @Test(arguments: references)
    func tableMatchesTransformers(_ reference: Reference) throws {
        let fact = try #require(ModelTypeFacts.fact(for: reference.modelType), "\(reference.modelType) missing from the table")
        #expect(fact.tiesWordEmbeddings == reference.ties)
        #expect(fact.configClass == reference.configClass)
        #expect(fact.padTokenID == reference.padTokenID)
        #expect(fact.textConfigTie?.rawValue == reference.textConfigTie)
        #expect(fact.textConfigPad == reference.textConfigPad)
        switch fact.embeddingPadding {
        case .followsPadTokenID: #expect(reference.embeddingPadding == "pad_token_id")
        case .fixed(let index): #expect(reference.embeddingPadding == "\(index)")
        case .none: #expect(reference.embeddingPadding == "none")
        }
        #expect(fact.ignoresStatedFalse == reference.ignoresStatedFalse)
        #expect(fact.sinusoidalPositionTables == reference.sinusoidalTables)
        #expect(fact.otherPaddedEmbeddings.mapValues { padding -> String in
            switch padding {
            case .followsPadTokenID: "pad_token_id"
            case .fixed(let index): "\(index)"
            case .none: "none"
            }
        } == reference.otherPadded)
    }

    @Test func tableAndReferenceCoverTheSameFamilies() {
        #expect(Self.references.count >= 60)
        #expect(Set(ModelTypeFacts.table.keys) == Set(Self.references.map(\.modelType)))
        #expect(ModelTypeFacts.transformersVersion == Self.document["transformers_version"] as? String)
    }

    @Test func familiesTheIssueNamesHaveTheStatedDefaults() throws {
        // From the issue, checked by hand against transformers' config classes.
        for untied in ["llama", "mistral", "mixtral", "qwen2", "qwen3", "phi3", "olmo", "gpt_neox"] {
            #expect(ModelTypeFacts.fact(for: untied)?.tiesWordEmbeddings == false, "\(untied)")
        }
        for tied in ["bert", "gpt2", "t5", "roberta", "gemma", "bart"] {
            #expect(ModelTypeFacts.fact(for: tied)?.tiesWordEmbeddings == true, "\(tied)")
        }
    }
}

/// The README's "Tying defaults by model type" table against transformers' answers: the table
/// a reader trusts must say what transformers does.
@Suite struct ReadmeTyingTableTests {
    @Test("every model type of the README table has transformers' class, tie default and pad id")
    func readmeTable() throws {
        let readme = try String(contentsOf: Fixtures.root.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "| `model_type` | transformers class |").dropFirst().first)
        let rows = section.components(separatedBy: "\n").dropFirst(2).prefix { $0.hasPrefix("| `") }
        let types = try #require(ModelTypeFactsTests.document["model_types"] as? [String: [String: Any]])
        var seen: Set<String> = []
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
            try #require(cells.count == 5, "\(row)")
            let reference = try #require(types[cells[0]], "\(cells[0]) is not in model-type-defaults.json")
            #expect(cells[1] == reference["config_class"] as? String, "\(cells[0])")
            #expect(cells[2] == ((reference["tie_word_embeddings"] as? Bool) == true ? "true" : "false"), "\(cells[0])")
            #expect(cells[3] == ((reference["pad_token_id"] as? NSNumber).map { "\($0.intValue)" } ?? "null"), "\(cells[0])")
            let padding = reference["embedding_padding_idx"]
            let fromText = (reference["text_config_pad_token_id"] as? [String: Any]).map { pad in
                "text_config.pad_token_id (\(pad["config_class"] as? String ?? "?") default: \((pad["default"] as? NSNumber).map { "\($0.intValue)" } ?? "null"))"
            }
            #expect(cells[4] == fromText ?? ((padding as? String) ?? (padding as? NSNumber).map { "\($0.intValue)" } ?? "none"), "\(cells[0])")
            #expect(ModelTypeFacts.fact(for: cells[0])?.tiesWordEmbeddings == (reference["tie_word_embeddings"] as? Bool))
            seen.insert(cells[0])
        }
        #expect(seen == Set(types.keys), "the README lists every model type of the table")
        #expect(seen == Set(ModelTypeFacts.table.keys))
    }
}
