/// Reads the parts of a Hugging Face `tokenizer.json` that say which token has which id:
/// `model.type` and `model.vocab`, `added_tokens`, `padding`, and whether the pre-tokenizer or
/// decoder is ByteLevel / the model uses byte fallback. Normalizers, merges and the rest are
/// parsed (the whole file must be strict JSON) but not interpreted.
struct TokenizerJSONContents {
    var kind: Tokenizer.Kind
    var byteLevel: Bool
    var byteFallback: Bool
    /// `padding.pad_token` / `padding.pad_id` when the file enables padding.
    var padToken: String?
    var padID: Int?
    var notes: [String] = []
    /// For WordPiece: what the file's own normalizer and pre-tokenizer isolate (`punctuation`
    /// false when its pre-tokenizer does not isolate punctuation). A class that rebuilds them
    /// changes it (`ClassWordIsolation`), so it is not the tokenizer's isolation yet.
    var wordIsolation: WordIsolation?
    /// The file's text holds `"ByteLevel"`: transformers' own test (`_tokenizer_json_has_byte_level`)
    /// when it chooses the class for a LlamaTokenizer config (`AutoTokenizerClass`).
    var mentionsByteLevel = false
    /// `added_tokens` in file order, with the ids the file states: `Tokenizer.read` places them
    /// as the class AutoTokenizer builds does (`AutoTokenizerClass.rebuildsBackend`).
    var addedTokens: [Tokenizer.AddedToken] = []
}

enum TokenizerJSONReader {
    /// The top-level keys and the `model` keys this reader looks at.
    static let usedKeys: Set = ["model", "added_tokens", "padding", "pre_tokenizer", "decoder"]
    static let usedModelKeys: Set = ["type", "vocab", "merges", "byte_fallback", "continuing_subword_prefix",
                                     "max_input_chars_per_word"]

    /// Throws when one of `keys` appears twice in `object` (the value at `field`, nil for the
    /// root). Why: which value a loader keeps is not a fact (Python's json and the `tokenizers`
    /// library differ: the first keeps the last, the second refuses a duplicate field; this
    /// parser's lookup takes the first), so, as for config.json, such a file is not used.
    private static func refuseRepeated(_ keys: Set<String>, in object: JSON, path: String, field: String?) throws(KnowledgeError) {
        if let key = object.duplicateKeys.first(where: keys.contains) {
            throw .conflict(file: path, reason: "key \(quoted(field.map { $0 + "." + key } ?? key)) appears twice")
        }
    }

    static func read(_ file: NamedBytes, into table: inout VocabularyTable,
                     limits: KnowledgeLimits) throws(KnowledgeError) -> TokenizerJSONContents {
        let path = file.path
        // `model.merges` is checked but not kept: the reader only asks whether it is there (a
        // BPE model without `type`), and a BPE vocabulary has about as many merges as tokens.
        let root = try StrictJSONInput.parse(file.bytes, file: path, limit: limits.maxTokenizerJSONBytes,
                                             emptying: [["model", "merges"]])
        guard root.objectMembers != nil else { throw .invalidField(file: path, field: "(root)", reason: "is \(root.typeName), not an object") }
        try refuseRepeated(usedKeys, in: root, path: path, field: nil)
        guard let model = root["model"], model.objectMembers != nil else {
            throw .invalidField(file: path, field: "model", reason: root["model"].map { "is \($0.typeName), not an object" } ?? "is missing")
        }
        try refuseRepeated(usedModelKeys, in: model, path: path, field: "model")
        var notes: [String] = []
        let kind = try modelKind(model, path: path, notes: &notes)
        try readVocabulary(model, kind: kind, path: path, into: &table, limits: limits)
        let added = try readAddedTokens(root["added_tokens"], path: path, table: table, limits: limits)

        var contents = TokenizerJSONContents(kind: kind, byteLevel: false, byteFallback: false, notes: notes)
        contents.addedTokens = added
        contents.byteFallback = model["byte_fallback"]?.boolValue ?? false
        contents.byteLevel = containsType("ByteLevel", root["pre_tokenizer"], listKey: "pretokenizers")
            || containsType("ByteLevel", root["decoder"], listKey: "decoders")
        contents.mentionsByteLevel = file.bytes.contains(subsequence: Array(#""ByteLevel""#.utf8))
        if kind == .wordPiece {
            let normalizer = object(ofType: "BertNormalizer", in: root["normalizer"], listKey: "normalizers")
            contents.wordIsolation = WordIsolation(
                punctuation: isolatesPunctuation(root["pre_tokenizer"]), chinese: normalizer.map { $0["handle_chinese_chars"]?.boolValue != false } ?? false,
                continuingPrefix: model["continuing_subword_prefix"]?.stringValue ?? "##",
                unknownToken: model["unk_token"]?.stringValue,
                insertedTokens: Set(postProcessorTokens(root["post_processor"]).map { TokenText($0) }))
        }
        if let padding = root["padding"], padding != .null {
            guard padding.objectMembers != nil else {
                throw .invalidField(file: path, field: "padding", reason: "is \(padding.typeName), not an object or null")
            }
            try refuseRepeated(["pad_token", "pad_id"], in: padding, path: path, field: "padding")
            if let value = padding["pad_token"] {
                guard let text = value.stringValue else {
                    throw .invalidField(file: path, field: "padding.pad_token", reason: "is \(value.typeName), not a string")
                }
                contents.padToken = text
            }
            if let value = padding["pad_id"] {
                guard let id = value.integerValue else {
                    throw .invalidField(file: path, field: "padding.pad_id", reason: "is \(value.shortDescription), not an integer")
                }
                contents.padID = try table.checkedID(id, file: path, field: "padding.pad_id")
            }
        }
        return contents
    }

    /// `model.type`; files written before tokenizers put `type` in every model are recognised by
    /// their fields, with a note.
    private static func modelKind(_ model: JSON, path: String, notes: inout [String]) throws(KnowledgeError) -> Tokenizer.Kind {
        if let value = model["type"] {
            switch value.stringValue {
            case "WordPiece": return .wordPiece
            case "BPE": return .bpe
            case "Unigram": return .unigram
            case "WordLevel": return .wordLevel
            default:
                throw .invalidField(file: path, field: "model.type",
                                    reason: "is \(value.shortDescription); expected \"WordPiece\", \"BPE\", \"Unigram\" or \"WordLevel\"")
            }
        }
        let inferred: Tokenizer.Kind
        if model["vocab"]?.arrayElements != nil {
            inferred = .unigram
        } else if model["merges"] != nil {
            inferred = .bpe
        } else if model["continuing_subword_prefix"] != nil || model["max_input_chars_per_word"] != nil {
            inferred = .wordPiece
        } else if model["vocab"]?.objectMembers != nil {
            inferred = .wordLevel
        } else {
            throw .invalidField(file: path, field: "model.type", reason: "is missing and the model's fields do not say which model it is")
        }
        notes.append("\(path): model.type is missing; read as \(inferred.rawValue) from its fields")
        return inferred
    }

    private static func readVocabulary(_ model: JSON, kind: Tokenizer.Kind, path: String, into table: inout VocabularyTable,
                                       limits: KnowledgeLimits) throws(KnowledgeError) {
        guard let vocab = model["vocab"] else { throw .invalidField(file: path, field: "model.vocab", reason: "is missing") }
        if kind == .unigram {
            // [[piece, score], ...]: the id is the position.
            guard let pieces = vocab.arrayElements else {
                throw .invalidField(file: path, field: "model.vocab", reason: "is \(vocab.typeName); a Unigram vocab is an array of [piece, score]")
            }
            guard pieces.count <= limits.maxVocabularySize else {
                throw .limitExceeded(file: path, what: "number of tokens (\(pieces.count))", limit: limits.maxVocabularySize)
            }
            var seen: [TokenText: Int] = [:]
            for (id, piece) in pieces.enumerated() {
                guard let pair = piece.arrayElements, pair.count == 2, let text = pair[0].stringValue, case .number = pair[1] else {
                    throw .invalidField(file: path, field: "model.vocab[\(id)]", reason: "is \(piece.shortDescription), not [piece, score]")
                }
                if let first = seen.updateValue(id, forKey: TokenText(text)) {
                    throw .conflict(file: path, reason: "model.vocab lists \(quoted(text)) twice, at ids \(first) and \(id)")
                }
                table.addModelEntry(text, id: id)
            }
            return
        }
        guard case .object(let members) = vocab else {
            throw .invalidField(file: path, field: "model.vocab", reason: "is \(vocab.typeName); a \(kind.rawValue) vocab is an object of token: id")
        }
        guard members.count <= limits.maxVocabularySize else {
            throw .limitExceeded(file: path, what: "number of tokens (\(members.count))", limit: limits.maxVocabularySize)
        }
        // Which member holds each id (its position + 1; 0: none yet), by id: ids are checked
        // below the vocabulary limit first, and a vocabulary's ids are dense, so an array indexed
        // by id replaces a dictionary (hashing and resizing it was a fifth of reading 250,000
        // tokens). Members are read in place, not copied into a list of pairs first.
        var memberByID: [Int] = []
        // Text → id as it is read: refuses a repeated text, and is the table `build()` needs.
        var ids = TokenIDTable(capacity: members.count)
        for (position, member) in members.enumerated() {
            let token = member.key
            guard let entry = ids.insertKey(token) else {
                throw .conflict(file: path, reason: "model.vocab lists \(quoted(token)) twice")
            }
            guard let raw = member.value.integerValue else {
                throw .invalidField(file: path, field: "model.vocab[\(quoted(token))]", reason: "is \(member.value.shortDescription), not an integer id")
            }
            let id = try table.checkedID(raw, file: path, field: "model.vocab[\(quoted(token))]")
            if id >= memberByID.count {
                let grown = min(max(id + 1, 2 * memberByID.count, members.count), table.limit)
                memberByID.append(contentsOf: repeatElement(0, count: grown - memberByID.count))
            }
            if memberByID[id] != 0 {
                let other = members[memberByID[id] - 1].key
                throw .conflict(file: path, reason: "model.vocab gives id \(id) to both \(quoted(other)) and \(quoted(token))")
            }
            memberByID[id] = position + 1
            ids.setID(id, ofEntry: entry)
            table.addModelEntry(token, id: id)
        }
        table.setModelIDs(ids)
    }

    private static func readAddedTokens(_ node: JSON?, path: String, table: VocabularyTable,
                                        limits: KnowledgeLimits) throws(KnowledgeError) -> [Tokenizer.AddedToken] {
        guard let node, node != .null else { return [] }
        guard let items = node.arrayElements else {
            throw .invalidField(file: path, field: "added_tokens", reason: "is \(node.typeName), not an array")
        }
        guard items.count <= limits.maxVocabularySize else {
            throw .limitExceeded(file: path, what: "number of added tokens (\(items.count))", limit: limits.maxVocabularySize)
        }
        var read: [(stated: Int, token: Tokenizer.AddedToken)] = []
        for (index, item) in items.enumerated() {
            let field = "added_tokens[\(index)]"
            guard item.objectMembers != nil else { throw .invalidField(file: path, field: field, reason: "is \(item.typeName), not an object") }
            try refuseRepeated(["id", "content", "special"], in: item, path: path, field: field)
            guard let rawID = item["id"]?.integerValue else {
                throw .invalidField(file: path, field: field + ".id", reason: item["id"].map { "is \($0.shortDescription), not an integer" } ?? "is missing")
            }
            guard let content = item["content"]?.stringValue else {
                throw .invalidField(file: path, field: field + ".content", reason: item["content"].map { "is \($0.typeName), not a string" } ?? "is missing")
            }
            let special: Bool
            switch item["special"] {
            case nil: special = false
            case .bool(let flag)?: special = flag
            case let other?: throw .invalidField(file: path, field: field + ".special", reason: "is \(other.shortDescription), not a boolean")
            }
            let id = try table.checkedID(rawID, file: path, field: field + ".id")
            read.append((id, .init(id: id, content: content, special: special)))
        }
        return read.map(\.token)
    }

    /// Whether `node` is `{"type": name}` or a Sequence whose `listKey` array holds one.
    /// Whether the pre-tokenizer makes every punctuation character a word of its own: it is
    /// BertPreTokenizer, or a Sequence of it and pre-tokenizers that only split words further
    /// (WhitespaceSplit, Whitespace, Digits). Why not any Sequence holding it: Metaspace after
    /// it prepends `▁` to every word, and `▁.` is produced (helper-150).
    private static func isolatesPunctuation(_ node: JSON?) -> Bool {
        guard let node, let type = node["type"]?.stringValue else { return false }
        if type == "BertPreTokenizer" { return true }
        guard type == "Sequence", let list = node["pretokenizers"]?.arrayElements else { return false }
        let splitting: Set = ["BertPreTokenizer", "WhitespaceSplit", "Whitespace", "Digits"]
        let types = list.map { $0["type"]?.stringValue ?? "" }
        return types.contains("BertPreTokenizer") && types.allSatisfy(splitting.contains)
    }

    /// The token texts a `post_processor` inserts: TemplateProcessing's `special_tokens`
    /// (each entry's `tokens`), BertProcessing's and RobertaProcessing's `sep` and `cls`
    /// (`[text, id]`), and those of a Sequence's `processors`.
    private static func postProcessorTokens(_ node: JSON?) -> [String] {
        guard let node, let type = node["type"]?.stringValue else { return [] }
        switch type {
        case "TemplateProcessing":
            guard case .object(let members)? = node["special_tokens"] else { return [] }
            return members.flatMap { member in
                (member.value["tokens"]?.arrayElements ?? []).compactMap(\.stringValue) + [member.key]
            }
        case "BertProcessing", "RobertaProcessing":
            return ["sep", "cls"].compactMap { node[$0]?.arrayElements?.first?.stringValue }
        case "Sequence":
            return (node["processors"]?.arrayElements ?? []).flatMap(postProcessorTokens)
        default:
            return []
        }
    }

    /// `node` when its `type` is `name`, else the first of a Sequence's `listKey` list that is.
    private static func object(ofType name: String, in node: JSON?, listKey: String) -> JSON? {
        guard let node, let type = node["type"]?.stringValue else { return nil }
        if type == name { return node }
        guard type == "Sequence", let list = node[listKey]?.arrayElements else { return nil }
        return list.first { $0["type"]?.stringValue == name }
    }

    private static func containsType(_ name: String, _ node: JSON?, listKey: String) -> Bool {
        guard let node, let type = node["type"]?.stringValue else { return false }
        if type == name { return true }
        guard type == "Sequence", let list = node[listKey]?.arrayElements else { return false }
        return list.contains { $0["type"]?.stringValue == name }
    }
}

extension [UInt8] {
    /// Whether `needle` occurs in these bytes (a plain scan: it runs once per tokenizer.json).
    func contains(subsequence needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= count else { return needle.isEmpty }
        var index = startIndex
        while let found = self[index...].firstIndex(of: first), found + needle.count <= endIndex {
            if self[found..<(found + needle.count)].elementsEqual(needle) { return true }
            index = found + 1
        }
        return false
    }
}
