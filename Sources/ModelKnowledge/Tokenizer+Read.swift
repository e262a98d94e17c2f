extension Tokenizer {
    /// Reads a tokenizer from the files found beside a checkpoint.
    ///
    /// The vocabulary comes from tokenizer.json when present (what the fast tokenizers use),
    /// else from vocab.txt; returns nil when neither is given. tokenizer_config.json adds its
    /// `added_tokens_decoder` entries and special-token roles. special_tokens_map.json is
    /// applied as transformers 5 applies it: only when tokenizer_config.json has no
    /// `added_tokens_decoder`, and then its roles override the config's key by key. The pad
    /// token is that `pad_token` role, else tokenizer.json's `padding` section (checked against
    /// transformers' AutoTokenizer in TestData/knowledge/families/pad-precedence); every
    /// disagreement between files is recorded in `notes`, and those about the pad token also in
    /// `padTokenNotes`.
    ///
    /// `modelType` and `configTokenizerClass` are config.json's top-level `model_type` and
    /// `tokenizer_class`: with tokenizer_config.json's `tokenizer_class` they decide the class
    /// AutoTokenizer builds (`AutoTokenizerClass`), whose own pad token and rebuilt normalizer
    /// and pre-tokenizer count (`builtClass`).
    public static func read(_ files: TokenizerFiles, modelType: String? = nil, configTokenizerClass: String? = nil,
                            limits: KnowledgeLimits = .default) throws(KnowledgeError) -> Tokenizer? {
        var table = VocabularyTable(limit: limits.maxVocabularySize)
        var sources: [String] = []
        var notes: [String] = []
        var padNotes: [String] = []
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
        var config: TokenizerSettings?
        var specialMap: TokenizerSettings?
        if let file = files.tokenizerConfig {
            config = try TokenizerSettingsReader.read(file, limits: limits)
            sources.append(file.path)
        }
        if let file = files.specialTokensMap {
            let read = try TokenizerSettingsReader.read(file, limits: limits)
            if config?.hasAddedTokensDecoder == true {
                // transformers 5 reads special_tokens_map.json only for configs without added_tokens_decoder.
                if let ignoredPad = read.roles["pad_token"], ignoredPad != config?.roles["pad_token"] {
                    let note = "\(file.path) names another pad token, but transformers ignores it because \(config?.path ?? "tokenizer_config.json") has added_tokens_decoder"
                    notes.append(note)
                    padNotes.append(note)
                }
            } else {
                specialMap = read
                sources.append(file.path)
            }
        }
        // added_tokens.json stands in for an added_tokens_decoder the config lacks; beside one
        // transformers ignores it (hunt-62a M3, checked with transformers 5.25).
        var legacyAdded: [StatedAddedToken]?
        if let file = files.addedTokensJSON {
            if config?.hasAddedTokensDecoder == true {
                notes.append("\(file.path) is not used: transformers reads it only when \(config?.path ?? "tokenizer_config.json") has no added_tokens_decoder")
            } else {
                legacyAdded = try TokenizerSettingsReader.readAddedTokensJSON(file, limits: limits)
                sources.append(file.path)
            }
        }
        let builtClass = AutoTokenizerClass.resolve(.init(tokenizerConfigClass: config?.tokenizerClass, configClass: configTokenizerClass,
                                                     modelType: modelType, byteLevelJSON: jsonContents?.mentionsByteLevel ?? false))
        // A class that builds a Unigram model from tokenizer.json's vocabulary fails on any other
        // model's (a dict, not [piece, score] pairs): transformers builds no tokenizer, so none of
        // its pad or special tokens is claimed (hunt-64c: T5Tokenizer's "<pad>" was reported for
        // a WordLevel file AutoTokenizer raises TypeError on; generate_unigram_classes.py).
        if let json = jsonContents, json.kind != .unigram, let path = files.tokenizerJSON?.path,
           let built = builtClass, let raised = built.entry(in: AutoTokenizerClass.needingUnigram) {
            throw .notLoadable(file: path, reason: "its model is \(json.kind.rawValue), but \(built.name), the class AutoTokenizer builds "
                               + "(\(built.reason)), builds a Unigram model from the vocabulary, which needs [piece, score] pairs: "
                               + "transformers \(ModelTypeFacts.transformersVersion) cannot load this tokenizer (AutoTokenizer raises \(raised))")
        }
        if let json = jsonContents, let path = files.tokenizerJSON?.path, !json.addedTokens.isEmpty {
            if let rebuilding = builtClass, rebuilding.rebuildsBackend {
                // The class rebuilds the backend from the vocabulary: the file's added tokens are
                // not loaded; without an added_tokens_decoder key they are added back in the
                // order of their stated ids (hunt-62a H1, TestData/knowledge/rebuilding-classes.json).
                // (added_tokens.json does not count as the key: its entries come after the file's,
                // TestData/knowledge/config-added-ids/legacy-rebuild-json.)
                if let config, config.hasAddedTokensDecoder {
                    // Noted only for the tokens that are lost: neither the vocabulary's nor re-added.
                    // A text a special-token role names is added back as that token (hunt-62b N7).
                    let roleTexts = [config.roles, specialMap?.roles ?? [:]].flatMap { $0.values }.compactMap { value -> String? in
                        if case .token(let text) = value { text } else { nil }
                    }
                    let readded = Set((config.addedTokens.map(\.content) + roleTexts).map { TokenText($0) })
                    let lost = zip(json.addedTokens, table.tokenizersIDs(of: json.addedTokens.map(\.content)))
                        .filter { token, placed in placed.placement != .vocabulary && !readded.contains(TokenText(token.content)) }.map(\.0.content)
                    if !lost.isEmpty {
                        let shown = lost.prefix(5).map(quoted).joined(separator: ", ") + (lost.count > 5 ? " and \(lost.count - 5) more" : "")
                        table.note("\(path)'s added tokens \(shown) are no tokens in transformers: \(rebuilding.name), the class AutoTokenizer builds, "
                                   + "rebuilds the tokenizer from the vocabulary and adds \(config.path)'s added_tokens_decoder instead")
                    }
                } else {
                    addPlaced(json.addedTokens.map { StatedAddedToken(stated: StatedTokenID($0.id), content: $0.content, special: $0.special) },
                              from: path, entries: "added_tokens", to: &table)
                }
            } else {
                // Loaded as the file is: placed in file order.
                for (token, (id, placement)) in zip(json.addedTokens, table.tokenizersIDs(of: json.addedTokens.map(\.content))) {
                    if id != token.id {
                        table.note("\(path) states id \(token.id) for added token \(quoted(token.content)); the tokenizers library gives it \(id) "
                                   + "(\(placement.reason)), which is used")
                    }
                    table.addAdded(Tokenizer.AddedToken(id: id, content: token.content, special: token.special), from: path)
                }
            }
        }
        if let config, config.nullAddedTokensDecoder {
            // Measured (hunt-62b e2/nulldec): AutoTokenizer raises AttributeError on it.
            notes.append("\(config.path): added_tokens_decoder is null, which transformers \(ModelTypeFacts.transformersVersion) fails to load "
                         + "(AttributeError); read as an empty one")
        }
        if let config { addPlaced(config.addedTokens, from: config.path, entries: "added_tokens_decoder", to: &table) }
        if let legacyAdded, let path = files.addedTokensJSON?.path { addPlaced(legacyAdded, from: path, entries: "added_tokens.json", to: &table) }
        let roles = RoleAssignment(config: config, specialMap: specialMap)
        let modelCount = table.distinctModelTexts
        let built = table.build()
        notes += built.notes
        var tokenizer = Tokenizer(
            kind: kind, sources: sources, byteLevel: jsonContents?.byteLevel ?? false,
            byteFallback: jsonContents?.byteFallback ?? false, addedTokens: table.added.sorted { $0.id < $1.id },
            specialTokens: [], padToken: nil, shadowedIDs: built.shadowed, notes: notes,
            tokensByID: built.tokens, idsByToken: built.ids, modelVocabularyCount: modelCount)
        tokenizer.padTokenNotes = padNotes
        tokenizer.tokenizerClass = config?.tokenizerClass
        tokenizer.builtClass = builtClass
        // The class's rebuild when it was measured to make one; else tokenizer.json's own, which
        // the generic backends keep (the config's `tokenize_chinese_chars` included: ignored).
        tokenizer.wordIsolation = jsonContents?.wordIsolation.flatMap { file in
            if let rebuild = builtClass.flatMap({ $0.keepsTokenizerJSON ? nil : $0.entry(in: ClassWordIsolation.measured) }) {
                return rebuild.apply(to: file, tokenizeChineseChars: config?.tokenizeChineseChars)
            }
            return file.punctuation ? file : nil
        }
        tokenizer.notes += roles.notes
        tokenizer.padTokenNotes += roles.padNotes
        tokenizer.assignSpecialTokens(roles, classRoles: builtClass.flatMap { built in built.entry(in: TokenizerClassRoles.measured).map { (built.name, $0) } })
        tokenizer.assignPadToken(roles, json: jsonContents, jsonPath: files.tokenizerJSON?.path,
                                 builtClass: builtClass.map { ($0, config?.path ?? "tokenizer_config.json") })
        return tokenizer
    }

    /// tokenizer_config.json's `added_tokens_decoder` entries. transformers adds the entries
    /// the vocabulary file does not hold with the tokenizers library's `add_tokens`, in the
    /// order of their stated ids, and the library gives each the id it gives an added token
    /// (`VocabularyTable.tokenizersIDs`), not the stated one: a `<cfgtok>` stated as 430
    /// beside a 400-token tokenizer.json is 400, and `len(tok)` 401; a BERT vocab.txt of 20
    /// lines gives a new token stated as 30 the id 20 (TestData/knowledge/config-added-ids,
    /// transformers 5.25). Taken as stated, the rows 401..<430 were counted as reached by
    /// tokens, and a stated 500 gave a false `tokenizer-beyond-rows` warning for a 464-row
    /// matrix (hunt-61a P4).
    ///
    /// As Python reads the file: of two keys naming one id (`"400"` twice, or `"400"` and
    /// `"0400"`), the last entry is kept; an empty text is skipped, as `add_tokens` skips it
    /// (hunt-62a L1, L2). Ids of any size, as Python's integers (`StatedTokenID`): two keys past
    /// 64 bits are two entries (hunt-62b N5).
    ///
    /// The same for tokenizer.json's `added_tokens` when the class rebuilds the backend and the
    /// config has no `added_tokens_decoder` (`entries` names the list in the note).
    private static func addPlaced(_ tokens: [StatedAddedToken], from path: String, entries: String, to table: inout VocabularyTable) {
        var lastByID: [StatedTokenID: Int] = [:]
        for (index, token) in tokens.enumerated() { lastByID[token.stated] = index }
        let stated = lastByID.sorted { $0.key < $1.key }.map { tokens[$0.value] }.filter { !$0.content.isEmpty }
        // In one call: a new text placed moves the next id on for those after it.
        var moved: [String] = []
        for (token, (id, placement)) in zip(stated, table.tokenizersIDs(of: stated.map(\.content))) {
            if token.stated.int != id {
                moved.append("\(quoted(token.content)) states \(token.stated), gets \(id) (\(placement.reason))")
            }
            table.addAdded(Tokenizer.AddedToken(id: id, content: token.content, special: token.special), from: path)
        }
        // One note, naming the first few: a file can hold 200,000 entries (hunt-62a L5).
        if !moved.isEmpty {
            let shown = moved.prefix(5).joined(separator: "; ") + (moved.count > 5 ? "; and \(moved.count - 5) more" : "")
            table.note("\(path): \(moved.count) \(entries) entr\(moved.count == 1 ? "y takes" : "ies take") another id in "
                       + "transformers than the one stated, which is used: \(shown)")
        }
    }

    /// The roles the settings state, else the built class's own (`TokenizerClassRoles`); the
    /// texts the vocabulary lacks go to `rolesNotInVocabulary`, which transformers adds at load.
    private mutating func assignSpecialTokens(_ assignment: RoleAssignment, classRoles: (name: String, roles: TokenizerClassRoles)?) {
        var roles: [Int: [String]] = [:]
        for token in addedTokens where token.special { roles[token.id, default: []] += [] }
        let version = ModelTypeFacts.transformersVersion
        let own = classRoles.map { "\(quoted($0.name))'s own" }
        // Each text once, as code points (transformers' dictionary keys; hunt-62b N6), in a set:
        // a file may state 200,000 additional tokens.
        var listed = Set(rolesNotInVocabulary.map { TokenText($0.text) })
        func notInVocabulary(_ role: String, _ text: String) {
            if listed.insert(TokenText(text)).inserted { rolesNotInVocabulary.append(RoleText(role: role, text: text)) }
        }
        var ownRoles: [String] = []
        for role in TokenizerSettingsReader.roleKeys {
            let text: String
            if let (value, file) = assignment.roles[role] {
                guard case .token(let stated) = value else { continue }
                if let id = id(for: stated) {
                    roles[id, default: []].append(role)
                    continue
                }
                // Not in `padTokenNotes` for pad_token: that role is the pad token, and
                // `PadIDResolver` notes that it is not in the vocabulary (one note, not two findings).
                notes.append("\(file): \(role) \(quoted(stated)) is not a token of this vocabulary")
                text = stated
            } else if role != "pad_token", let own, let classText = classRoles?.roles.text(for: role) {
                // No file states the role: the class's own text is the role's (hunt-62b N2).
                if let id = id(for: classText) {
                    roles[id, default: []].append(role)
                    ownRoles.append("\(role) \(quoted(classText)) (id \(id))")
                    continue
                }
                notes.append("\(own) \(role) \(quoted(classText)) in transformers \(version) (no settings file states one) is not a token of this vocabulary: "
                             + "transformers adds it when it loads the files")
                text = classText
            } else {
                continue
            }
            notInVocabulary(role, text)
        }
        if let own, !ownRoles.isEmpty {
            notes.append("no settings file states \(ownRoles.count == 1 ? "this role" : "these roles"), so \(own) special tokens in transformers \(version) take them: "
                         + ownRoles.joined(separator: ", "))
        }
        // The class's own additional tokens come when no file states any, or before the stated
        // ones for a class that keeps them (measured, `TokenizerClassRoles.WhenStated`).
        var additional = assignment.additional
        var ownMissing: [String] = []
        if let (_, classRoles) = classRoles {
            let rule: TokenizerClassRoles.WhenStated? = switch assignment.additionalSource {
            case .none: nil
            case .config: classRoles.whenStated
            case .map: classRoles.whenStatedInMap
            case .configNull: classRoles.whenNull
            }
            let count: Int?
            switch assignment.extraIDs {
            case .count(let n)?: count = n
            case .unread? where classRoles.isNumbered: count = 0; classTokensUnknown = true
            default: count = nil
            }
            let own = classRoles.additionalTexts(extraIDs: count).map { ($0, "") }
            switch rule {
            case nil, .kept?: additional = own + additional
            case .keptAfterStated?: additional += own
            case .replaced?: break
            case .unknown?: if !own.isEmpty { classTokensUnknown = true }
            }
        }
        for (text, file) in additional {
            if let id = id(for: text) {
                roles[id, default: []] += []
            } else {
                if file.isEmpty {
                    ownMissing.append(text)
                } else {
                    notes.append("\(file): additional special token \(quoted(text)) is not a token of this vocabulary")
                }
                // transformers adds these after the roles' (hunt-62b N3).
                notInVocabulary("additional_special_tokens", text)
            }
        }
        if let own, !ownMissing.isEmpty {
            // One note: T5Tokenizer has 100 of them.
            let shown = ownMissing.prefix(3).map(quoted).joined(separator: ", ") + (ownMissing.count > 3 ? " and \(ownMissing.count - 3) more" : "")
            notes.append("\(own) additional special token\(ownMissing.count == 1 ? "" : "s") \(shown) in transformers \(version) "
                         + "\(ownMissing.count == 1 ? "is not a token" : "are no tokens") of this vocabulary: transformers adds \(ownMissing.count == 1 ? "it" : "them") when it loads the files")
        }
        specialTokens = roles.keys.sorted().compactMap { id in
            token(for: id).map { SpecialToken(id: id, content: $0, roles: roles[id] ?? []) }
        }
    }

    private mutating func assignPadToken(_ assignment: RoleAssignment, json: TokenizerJSONContents?, jsonPath: String?,
                                         builtClass: (AutoTokenizerClass, file: String)?) {
        var candidates: [PadToken] = []
        // Who set the pad token aside, when tokenizer.json's padding section is not used.
        var setAside: String?
        switch assignment.roles["pad_token"] {
        case (.token(let text), let file)?: candidates.append(PadToken(content: text, id: id(for: text), declaredIn: file))
        case (.none, let file)?:
            notePadToken("\(file) sets pad_token to null")
            setAside = "\(file) sets pad_token to null, which transformers keeps"
        case nil:
            // No settings file states one: the pad token of the class AutoTokenizer builds
            // (`AutoTokenizerClass`: tokenizer_config.json's tokenizer_class unless config.json's
            // model_type overrides it, hunt-53a D1) comes before the padding section (the
            // section's text is a `setdefault` in transformers, and a class passes its default:
            // BertTokenizer's "[PAD]", GPT2Tokenizer's none), as measured for each class
            // (`TokenizerClassPad.measured`; helper-146).
            guard let (built, configFile) = builtClass else { break }
            let version = ModelTypeFacts.transformersVersion
            let name = quoted(built.name)
            let named = built.isAsNamedInTokenizerConfig
            let source = named ? "\(configFile) (tokenizer_class \(name)" : "the class AutoTokenizer builds, \(name) (\(built.reason)"
            let subject = named ? "tokenizer_class \(name)" : "\(name), the class AutoTokenizer builds,"
            switch built.entry(in: TokenizerClassPad.measured) {
            case .own(let text?)?:
                candidates.append(PadToken(content: text, id: id(for: text), declaredIn: "\(source), whose own pad token in transformers \(version) it is)"))
                setAside = "\(subject) has its own pad token \(quoted(text)), which comes first in transformers \(version)"
            case .own(nil)?:
                notePadToken("\(source)) states no pad_token, and that class has no pad token of its own in transformers \(version), so there is none")
                setAside = "\(subject) has no pad token of its own in transformers \(version), which comes first"
            case .section?: break
            case nil:
                if json?.padToken != nil {
                    notePadToken("\(source)) states no pad_token: a class's own pad token comes before tokenizer.json's padding section "
                        + "in transformers, and this reader does not know that class's; the pad token here is the section's")
                }
            }
        }
        // tokenizer.json's padding section, as transformers reads it (`PreTrainedTokenizerFast`:
        // its pad_token text is a default the settings files' pad_token overrides, a null one
        // included, and the id is that text's in the vocabulary; pad_id is the bare tokenizers
        // library's alone). Before, pad_id was used: a section {pad_id 1, pad_token "</s>"} had
        // row 1 checked where transformers pads with "</s>", id 2 (helper-145).
        if let json, let jsonPath, json.padToken != nil || json.padID != nil {
            let declared = "\(jsonPath) (padding)"
            if let setAside {
                notePadToken("\(declared) declares a pad token, but \(setAside): no pad token from it")
            } else if let text = json.padToken {
                let byText = id(for: text)
                if let padID = json.padID, byText != padID {
                    notePadToken("\(declared): pad_id \(padID) but pad_token \(quoted(text)) "
                        + (byText.map { "has id \($0); used the pad_token, as transformers does (pad_id is the tokenizers library's alone)" }
                            ?? "is no token of the vocabulary; transformers goes by the pad_token, not pad_id (pad_id is the tokenizers library's alone)"))
                }
                candidates.append(PadToken(content: text, id: byText, declaredIn: declared))
            } else if let padID = json.padID, let content = token(for: padID) {
                candidates.append(PadToken(content: content, id: padID, declaredIn: declared))
            }
        }
        guard let chosen = candidates.first else { return }
        for other in candidates.dropFirst() where TokenText(other.content) != TokenText(chosen.content) || other.id != chosen.id {
            notePadToken("\(other.declaredIn) declares pad token \(quoted(other.content)), but \(chosen.declaredIn) declares \(quoted(chosen.content)); used the latter")
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

    /// Notes a pad token source that is not used, in `notes` and `padTokenNotes`.
    mutating func notePadToken(_ text: String) {
        notes.append(text)
        padTokenNotes.append(text)
    }
}

/// The special-token roles transformers ends up with: tokenizer_config.json's, overridden key by
/// key by special_tokens_map.json's when that file is read at all (only for a config without
/// `added_tokens_decoder`, as in transformers 5's `from_pretrained`).
struct RoleAssignment {
    var roles: [String: (value: TokenizerSettings.RoleValue, file: String)] = [:]
    var additional: [(text: String, file: String)] = []
    /// Which file states `additional_special_tokens` or `extra_special_tokens`: the class's own
    /// additional tokens go by it (`TokenizerClassRoles.whenStated`, `whenStatedInMap`, `whenNull`).
    var additionalSource = AdditionalSource.none
    /// tokenizer_config.json's `extra_ids`.
    var extraIDs: TokenizerSettings.ExtraIDs?

    enum AdditionalSource { case none, config, map, configNull }
    var notes: [String] = []
    /// The notes of `notes` about `pad_token`: a file's pad token another file overrides.
    var padNotes: [String] = []

    init(config: TokenizerSettings?, specialMap: TokenizerSettings?) {
        for settings in [config, specialMap].compactMap({ $0 }) {
            for role in TokenizerSettingsReader.roleKeys {
                guard let value = settings.roles[role] else { continue }
                if let earlier = roles[role], earlier.value != value {
                    let note = "\(settings.path) sets \(role) to \(Self.describe(value)), overriding \(Self.describe(earlier.value)) from \(earlier.file), as transformers does"
                    notes.append(note)
                    if role == "pad_token" { padNotes.append(note) }
                }
                roles[role] = (value, settings.path)
            }
            additional += settings.additional.map { ($0, settings.path) }
        }
        additionalSource = config?.statesAdditional == true ? .config : specialMap?.statesAdditional == true ? .map
            : config?.nullAdditional == true ? .configNull : .none
        extraIDs = config?.extraIDs
    }

    static func describe(_ value: TokenizerSettings.RoleValue) -> String {
        switch value {
        case .none: "null"
        case .token(let text): quoted(text)
        }
    }
}
