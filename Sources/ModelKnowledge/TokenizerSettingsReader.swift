/// What `tokenizer_config.json` or `special_tokens_map.json` says about special tokens.
struct TokenizerSettings {
    /// What a role key (`pad_token`, …) holds. Equal when the token texts are the same code
    /// points (`TokenText`), as transformers compares them: a pad token spelled `café`
    /// precomposed in one file and decomposed in another is another token, and its override
    /// was not noted.
    enum RoleValue: Equatable {
        /// `"pad_token": null`: the file states there is none.
        case none
        case token(String)

        static func == (a: RoleValue, b: RoleValue) -> Bool {
            switch (a, b) {
            case (.none, .none): true
            case (.token(let x), .token(let y)): TokenText(x) == TokenText(y)
            default: false
            }
        }
    }

    var path: String
    /// Role name (`pad_token`, `mask_token`, …) → value, for the role keys present.
    var roles: [String: RoleValue] = [:]
    /// `additional_special_tokens` / `extra_special_tokens` entries.
    var additional: [String] = []
    /// `"added_tokens_decoder": null`, which transformers 5.25 fails to load (hunt-62b N9).
    var nullAddedTokensDecoder = false
    /// Whether either key is present and not null (an empty list states none: a class's own
    /// additional tokens are then not added, `TokenizerClassRoles.WhenStated`).
    var statesAdditional = false
    /// Whether `additional_special_tokens` or `extra_special_tokens` is null.
    var nullAdditional = false
    /// `extra_ids`, the count of T5's `<extra_id_N>` tokens (`TokenizerClassRoles.Additional.numbered`),
    /// as Python's `range` takes it: a negative count is 0, `true` is 1 (hunt-63d M2).
    var extraIDs: ExtraIDs?

    enum ExtraIDs: Equatable {
        case count(Int)
        /// Past `TokenizerClassRoles.extraIDsLimit`, or not a number `range` takes: the class's
        /// numbered tokens are not placed, and the ids after them not known.
        case unread
    }
    /// `added_tokens_decoder` of tokenizer_config.json.
    var addedTokens: [StatedAddedToken] = []
    /// Whether the file has an `added_tokens_decoder` key (even empty): transformers then
    /// ignores special_tokens_map.json.
    var hasAddedTokensDecoder = false
    /// `tokenizer_class`, when a string: a class's own default pad token comes before
    /// tokenizer.json's padding section in transformers (`Tokenizer.assignPadToken`).
    var tokenizerClass: String?
    /// `tokenize_chinese_chars`, when a bool: false turns off the normalizer's CJK spacing
    /// in transformers' BertTokenizerFast (`WordIsolation.chinese`).
    var tokenizeChineseChars: Bool?
}

/// An added token as a settings file states it, before transformers places it: its stated id
/// only orders it among the others (`Tokenizer.addPlaced`).
struct StatedAddedToken: Equatable {
    var stated: StatedTokenID
    var content: String
    var special: Bool
}

/// Reads `tokenizer_config.json` and `special_tokens_map.json`. A token value is a string or an
/// AddedToken object (`{"content": …, "__type": "AddedToken", …}`), as transformers writes both.
enum TokenizerSettingsReader {
    /// The role keys transformers gives special meaning, in its order.
    static let roleKeys = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]

    static func read(_ file: NamedBytes, limits: KnowledgeLimits) throws(KnowledgeError) -> TokenizerSettings {
        let path = file.path
        let root = try StrictJSONInput.parse(file.bytes, file: path, limit: limits.maxSmallJSONBytes)
        guard root.objectMembers != nil else { throw .invalidField(file: path, field: "(root)", reason: "is \(root.typeName), not an object") }
        if let key = root.duplicateKeys.first(where: { roleKeys.contains($0) || $0 == "added_tokens_decoder" }) {
            throw .conflict(file: path, reason: "key \(quoted(key)) appears twice")
        }
        var settings = TokenizerSettings(path: path)
        for key in roleKeys {
            guard let value = root[key] else { continue }
            settings.roles[key] = value == .null ? TokenizerSettings.RoleValue.none : .token(try tokenText(value, path: path, field: key))
        }
        for key in ["additional_special_tokens", "extra_special_tokens"] {
            guard let value = root[key] else { continue }
            guard value != .null else {
                settings.nullAdditional = true
                continue
            }
            settings.statesAdditional = true
            if let items = value.arrayElements {
                for (index, item) in items.enumerated() {
                    settings.additional.append(try tokenText(item, path: path, field: "\(key)[\(index)]"))
                }
            } else if let members = value.objectMembers {
                // transformers 5 writes named extra tokens as {"image_token": "<image>", …}.
                for (name, item) in members {
                    settings.additional.append(try tokenText(item, path: path, field: "\(key).\(name)"))
                }
            } else {
                throw .invalidField(file: path, field: key, reason: "is \(value.typeName), not an array or object")
            }
        }
        settings.hasAddedTokensDecoder = root["added_tokens_decoder"] != nil
        settings.nullAddedTokensDecoder = root["added_tokens_decoder"] == .null
        switch root["extra_ids"] {
        case nil: break
        case .bool(let flag)?: settings.extraIDs = .count(flag ? 1 : 0)
        case .number(let number)? where Int(number.text).map({ $0 <= TokenizerClassRoles.extraIDsLimit }) == true:
            settings.extraIDs = .count(max(0, Int(number.text) ?? 0))
        case _?: settings.extraIDs = .unread
        }
        settings.tokenizerClass = root["tokenizer_class"]?.stringValue
        settings.tokenizeChineseChars = root["tokenize_chinese_chars"]?.boolValue
        if let decoder = root["added_tokens_decoder"], decoder != .null {
            guard let members = decoder.objectMembers else {
                throw .invalidField(file: path, field: "added_tokens_decoder", reason: "is \(decoder.typeName), not an object")
            }
            guard members.count <= limits.maxVocabularySize else {
                throw .limitExceeded(file: path, what: "number of added tokens (\(members.count))", limit: limits.maxVocabularySize)
            }
            for (key, entry) in members {
                let field = "added_tokens_decoder[\(quoted(key))]"
                guard let stated = StatedTokenID(pythonInt: key) else {
                    throw .invalidField(file: path, field: field, reason: "the key is not a decimal token id")
                }
                guard entry.objectMembers != nil, let content = entry["content"]?.stringValue else {
                    throw .invalidField(file: path, field: field, reason: "is not an object with a string \"content\"")
                }
                let special: Bool
                switch entry["special"] {
                case nil: special = false
                case .bool(let flag)?: special = flag
                case let other?: throw .invalidField(file: path, field: field + ".special", reason: "is \(other.shortDescription), not a boolean")
                }
                settings.addedTokens.append(.init(stated: stated, content: content, special: special))
            }
        }
        return settings
    }

    /// added_tokens.json: an object of token text → id, the legacy form of
    /// `added_tokens_decoder`. The ids only order the entries (`Tokenizer.addPlaced`).
    static func readAddedTokensJSON(_ file: NamedBytes, limits: KnowledgeLimits) throws(KnowledgeError) -> [StatedAddedToken] {
        let path = file.path
        let root = try StrictJSONInput.parse(file.bytes, file: path, limit: limits.maxSmallJSONBytes)
        guard let members = root.objectMembers else { throw .invalidField(file: path, field: "(root)", reason: "is \(root.typeName), not an object") }
        guard members.count <= limits.maxVocabularySize else {
            throw .limitExceeded(file: path, what: "number of added tokens (\(members.count))", limit: limits.maxVocabularySize)
        }
        return try members.map { (text, value) throws(KnowledgeError) in
            guard case .number(let number) = value, let stated = StatedTokenID(pythonInt: number.text) else {
                throw .invalidField(file: path, field: quoted(text), reason: "is \(value.shortDescription), not an integer id")
            }
            return StatedAddedToken(stated: stated, content: text, special: false)
        }
    }

    private static func tokenText(_ value: JSON, path: String, field: String) throws(KnowledgeError) -> String {
        if let text = value.stringValue { return text }
        if value.objectMembers != nil, let content = value["content"]?.stringValue { return content }
        throw .invalidField(file: path, field: field, reason: "is \(value.shortDescription); expected a string or an object with a string \"content\"")
    }
}
