extension Tokenizer {
    /// Reads a tokenizer from the files found beside a checkpoint.
    ///
    /// The vocabulary comes from tokenizer.json when present (what the fast tokenizers use),
    /// else from vocab.txt; returns nil when neither is given. tokenizer_config.json and then
    /// special_tokens_map.json add their `added_tokens_decoder` entries and special-token roles.
    /// The pad token is taken, in order, from tokenizer_config.json's `pad_token`,
    /// special_tokens_map.json's `pad_token` (what transformers uses), then tokenizer.json's
    /// `padding` section; a disagreement between them is recorded in `notes`.
    public static func read(_ files: TokenizerFiles, limits: KnowledgeLimits = .default) throws(KnowledgeError) -> Tokenizer? {
        var table = VocabularyTable(limit: limits.maxVocabularySize)
        var sources: [String] = []
        var notes: [String] = []
        let kind: Kind
        var jsonContents: TokenizerJSONContents?
        if let json = files.tokenizerJSON {
            let contents = try TokenizerJSONReader.read(json, into: &table, limits: limits)
            jsonContents = contents
            kind = contents.kind
            notes += contents.notes
            sources.append(json.path)
        } else if let text = files.vocabText {
            try VocabTextReader.read(text, into: &table, limits: limits)
            kind = .vocabList
            sources.append(text.path)
        } else {
            return nil
        }
        var settings: [TokenizerSettings] = []
        for file in [files.tokenizerConfig, files.specialTokensMap].compactMap({ $0 }) {
            let read = try TokenizerSettingsReader.read(file, limits: limits)
            for token in read.addedTokens { table.addAdded(token, from: file.path) }
            settings.append(read)
            sources.append(file.path)
        }
        let modelCount = table.modelEntries.count
        let built = table.build()
        notes += built.notes
        var tokenizer = Tokenizer(
            kind: kind, sources: sources, byteLevel: jsonContents?.byteLevel ?? false,
            byteFallback: jsonContents?.byteFallback ?? false, addedTokens: table.added.sorted { $0.id < $1.id },
            specialTokens: [], padToken: nil, shadowedIDs: built.shadowed, notes: notes,
            tokensByID: built.tokens, idsByToken: built.ids, modelVocabularyCount: modelCount)
        tokenizer.assignSpecialTokens(settings)
        tokenizer.assignPadToken(settings, json: jsonContents, jsonPath: files.tokenizerJSON?.path)
        return tokenizer
    }

    private mutating func assignSpecialTokens(_ settings: [TokenizerSettings]) {
        var roles: [Int: [String]] = [:]
        for token in addedTokens where token.special { roles[token.id, default: []] += [] }
        var roleText: [String: (text: String, file: String)] = [:]
        for file in settings {
            for role in TokenizerSettingsReader.roleKeys {
                guard case .token(let text)? = file.roles[role] else { continue }
                if let earlier = roleText[role] {
                    if earlier.text != text {
                        notes.append("\(file.path) sets \(role) to \(quoted(text)), but \(earlier.file) sets \(quoted(earlier.text)); kept \(quoted(earlier.text))")
                    }
                    continue
                }
                roleText[role] = (text, file.path)
                guard let id = id(for: text) else {
                    notes.append("\(file.path): \(role) \(quoted(text)) is not a token of this vocabulary")
                    continue
                }
                roles[id, default: []].append(role)
            }
            for text in file.additional {
                if let id = id(for: text) {
                    roles[id, default: []] += []
                } else {
                    notes.append("\(file.path): additional special token \(quoted(text)) is not a token of this vocabulary")
                }
            }
        }
        specialTokens = roles.keys.sorted().compactMap { id in
            token(for: id).map { SpecialToken(id: id, content: $0, roles: roles[id] ?? []) }
        }
    }

    private mutating func assignPadToken(_ settings: [TokenizerSettings], json: TokenizerJSONContents?, jsonPath: String?) {
        var candidates: [PadToken] = []
        for file in settings {
            switch file.roles["pad_token"] {
            case .token(let text)?: candidates.append(PadToken(content: text, id: id(for: text), declaredIn: file.path))
            case .none?: notes.append("\(file.path) sets pad_token to null")
            case nil: break
            }
        }
        if let json, let jsonPath, json.padToken != nil || json.padID != nil {
            let declared = "\(jsonPath) (padding)"
            let byText = json.padToken.flatMap { id(for: $0) }
            if let padID = json.padID, let text = json.padToken, byText != padID {
                notes.append("\(declared): pad_id \(padID) but pad_token \(quoted(text)) has id \(byText.map(String.init) ?? "none"); used pad_id")
            }
            let padID = json.padID ?? byText
            if let content = json.padToken ?? padID.flatMap({ token(for: $0) }) {
                candidates.append(PadToken(content: content, id: padID.flatMap { token(for: $0) == nil ? nil : $0 }, declaredIn: declared))
            }
        }
        guard let chosen = candidates.first else { return }
        for other in candidates.dropFirst() where other.content != chosen.content || other.id != chosen.id {
            notes.append("\(other.declaredIn) declares pad token \(quoted(other.content)), but \(chosen.declaredIn) declares \(quoted(chosen.content)); used the latter")
        }
        padToken = chosen
        guard let padID = chosen.id, let content = token(for: padID) else { return }
        if let index = specialTokens.firstIndex(where: { $0.id == padID }) {
            if !specialTokens[index].roles.contains("pad_token") { specialTokens[index].roles.append("pad_token") }
        } else {
            specialTokens.append(SpecialToken(id: padID, content: content, roles: ["pad_token"]))
            specialTokens.sort { $0.id < $1.id }
        }
    }
}
