/// Builds the id ↔ token tables of a `Tokenizer` from model-vocabulary entries and added
/// tokens, applying the precedence of the reference libraries and recording what it overrides.
struct VocabularyTable {
    private(set) var modelEntries: [(token: String, id: Int)] = []
    private(set) var added: [Tokenizer.AddedToken] = []
    /// Positions in `added` by id and by text: a search of the list per token was quadratic
    /// (16,000 added tokens took 1 s to read; tokenizers with 250,000 exist).
    private var addedByID: [Int: Int] = [:]
    private var addedByContent: [TokenText: Int] = [:]
    private(set) var notes: [String] = []
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Checks an id read from `file` at `field` against the vocabulary-size limit.
    ///
    /// `field` is formed only for an error: a tokenizer.json names 30,000–250,000 tokens, and
    /// quoting each one's name up front was 16% of a MiniLM audit's time.
    func checkedID(_ id: Int, file: String, field: @autoclosure () -> String) throws(KnowledgeError) -> Int {
        guard id >= 0 else { throw .invalidField(file: file, field: field(), reason: "id \(id) is negative") }
        guard id < limit else { throw .limitExceeded(file: file, what: "token id \(id)", limit: limit - 1) }
        return id
    }

    mutating func addModelEntry(_ token: String, id: Int) { modelEntries.append((token, id)) }

    /// The model vocabulary's entries as the tokenizers library counts them: distinct texts (a
    /// vocab.txt line repeated is one entry of the dict transformers reads it into).
    var distinctModelTexts: Int {
        if let modelIDs, modelIDs.count == modelEntries.count { return modelEntries.count }
        return Set(modelEntries.lazy.map { TokenText($0.token) }).count
    }

    /// Records a sentence for the tokenizer's notes.
    mutating func note(_ text: String) { notes.append(text) }

    /// The model entries' text → id table, when their reader built one as it read them (every
    /// text once, in the order of `modelEntries`): `build()` then starts from it instead of
    /// hashing every text again (a second table of 250,000 texts was a tenth of an audit).
    private var modelIDs: TokenIDTable?

    mutating func setModelIDs(_ table: TokenIDTable) { modelIDs = table }

    /// The ids the tokenizers library gives tokenizer.json's `added_tokens`, in their order,
    /// whatever ids the file states (`AddedVocabulary`; checked with tokenizers 0.23,
    /// TestData/knowledge/added-ids): a text the model vocabulary holds keeps the vocabulary's
    /// id, a new text takes the next id after the vocabulary and the new texts before it.
    ///
    /// Why: the stated id was taken as it was, so an added "w9" stated on id 12 renamed row 12
    /// (the vocabulary's "w5") and called the vocabulary's own "w9" row a shadowed, unused
    /// token (adversarial test).
    ///
    /// Called again for tokenizer_config.json's `added_tokens_decoder` entries after
    /// tokenizer.json's added tokens are in: transformers hands the entries tokenizer.json does
    /// not hold to the same `add_tokens`, so a text already added keeps its id and a new one
    /// goes after the vocabulary and every added id (TestData/knowledge/config-added-ids).
    func tokenizersIDs(of contents: [String]) -> [(id: Int, placement: Placement)] {
        var modelID: (String) -> Int?
        let entries: Int
        if let modelIDs, modelIDs.count == modelEntries.count {
            modelID = { modelIDs.id(for: $0) }
            entries = modelEntries.count
        } else {
            var byText: [TokenText: Int] = [:]
            for entry in modelEntries { byText[TokenText(entry.token)] = entry.id }
            modelID = { byText[TokenText($0)] }
            entries = byText.count
        }
        var next = Self.firstNewID(entries: entries, addedIDs: added.map(\.id))
        var newIDs: [TokenText: Int] = [:]
        return contents.map { content in
            if let index = addedByContent[TokenText(content)] { return (added[index].id, .added) }
            if let id = modelID(content) { return (id, .vocabulary) }
            if let id = newIDs[TokenText(content)] { return (id, .next) }
            defer { next += 1 }
            newIDs[TokenText(content)] = next
            return (next, .next)
        }
    }

    /// The id the tokenizers library gives the next new text it adds: past the largest added
    /// id when that is not below the vocabulary's entry count, else that count (which counts
    /// entries, not the largest id + 1: a vocabulary with holes gets a new token on one of its
    /// own ids, as the library does; and a vocab.txt line repeated is one entry of the dict it
    /// is read into: hunt-62a H2).
    static func firstNewID(entries: Int, addedIDs: some Sequence<Int>) -> Int {
        max(entries, (addedIDs.max() ?? -1) + 1)
    }

    /// Where `tokenizersIDs` found an added text's id.
    enum Placement {
        /// The model vocabulary's id for that text.
        case vocabulary
        /// The id of an added token already read with that text.
        case added
        /// The next id after the vocabulary and the added tokens before it.
        case next

        /// The reason, as notes give it.
        var reason: String {
            switch self {
            case .vocabulary: "the vocabulary's id for that text"
            case .added: "the id of the added token with that text"
            case .next: "the next id after the vocabulary and the added tokens before it"
            }
        }
    }

    /// Adds an added token unless an identical one is known; a different token on a known id
    /// or a known text on a different id keeps the first and notes the disagreement.
    mutating func addAdded(_ token: Tokenizer.AddedToken, from file: String) {
        if let existing = addedByID[token.id].map({ added[$0] }) {
            if TokenText(existing.content) != TokenText(token.content) {
                notes.append("\(file) gives id \(token.id) to \(quoted(token.content)), but it is already \(quoted(existing.content)); kept the first")
            }
            return
        }
        if let existing = addedByContent[TokenText(token.content)].map({ added[$0] }) {
            notes.append("\(file) gives \(quoted(token.content)) id \(token.id), but it already has id \(existing.id); kept the first")
            return
        }
        addedByID[token.id] = added.count
        addedByContent[TokenText(token.content)] = added.count
        added.append(token)
    }

    /// Marks an added token special when a config file names it in a role.
    mutating func markSpecial(id: Int) {
        if let index = addedByID[id] { added[index].special = true }
    }

    /// The finished tables. Model entries are applied in order (a later duplicate text wins, as
    /// a Python dict built from vocab.txt does), then added tokens override both directions.
    func build() -> (tokens: PackedTokenTexts, ids: TokenIDTable, shadowed: [Int: Int], notes: [String]) {
        var maxID = -1
        for entry in modelEntries { maxID = max(maxID, entry.id) }
        for token in added { maxID = max(maxID, token.id) }
        var tokens = [String?](repeating: nil, count: maxID + 1)
        var ids: TokenIDTable
        var shadowed: [Int: Int] = [:]
        var notes = self.notes
        if let prebuilt = modelIDs, prebuilt.count == modelEntries.count {
            // Every text once: the loop below would have built this very table, shadowing nothing.
            ids = prebuilt
            for entry in modelEntries { tokens[entry.id] = entry.token }
        } else {
            ids = TokenIDTable(capacity: modelEntries.count + added.count)
            for entry in modelEntries {
                tokens[entry.id] = entry.token
                if let earlier = ids.updateValue(entry.id, forKey: entry.token), earlier != entry.id {
                    shadowed[earlier] = entry.id
                }
            }
        }
        for token in added {
            if let modelToken = tokens[token.id], TokenText(modelToken) != TokenText(token.content) {
                notes.append("added token \(quoted(token.content)) takes id \(token.id), which the model vocabulary gives to \(quoted(modelToken))")
            }
            tokens[token.id] = token.content
            if let modelID = ids.updateValue(token.id, forKey: token.content), modelID != token.id {
                shadowed[modelID] = token.id
            }
        }
        return (PackedTokenTexts(tokens), ids, shadowed, notes)
    }
}

/// `"text"` with control characters escaped, for messages.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}
