/// The padding token id an analysis uses, with where it came from.
///
/// For the integrator: a finding that rests on an `.assumed` id must never be raised above
/// info, and its message must say the id was assumed. Nothing in the checkpoint said that row
/// is the padding row, so a non-zero or unusual row there proves nothing.
public struct PadID: Sendable, Equatable {
    public enum Source: Sendable, Equatable {
        /// `--pad-id` on the command line.
        case flag
        /// `pad_id` of the audit policy file at this path. Not `flag`: a report must say where
        /// its claims come from, and no flag was given (a policy's id was reported as `flag`,
        /// "given with --pad-id", before).
        case policy(String)
        /// `pad_token_id` of config.json at this path.
        case config(String)
        /// The tokenizer's pad token, declared in this file.
        case tokenizer(String)
        /// config.json at this path leaves `pad_token_id` out, and its model type's transformers
        /// config class defaults it to the id (`ModelTypeFacts`): what `AutoConfig` gives, and
        /// the `padding_idx` the model's embedding is built with. Implied, not stated.
        case modelTypeDefault(String)
        /// No source gave an id; the caller chose one (say so).
        case assumed
    }

    public var id: Int
    public var source: Source
    /// One sentence on how the id was found, for text output.
    public var note: String
    /// Ids this one was given in place of (a policy's `pad_id` that `--pad-id` overrides): the
    /// resolver notes each that names another id, as it notes config.json's and the tokenizer's.
    /// Why: `--pad-id` over a policy's other id left no trace in the report.
    public var overrides: [PadID] = []

    public init(id: Int, source: Source, note: String) {
        self.id = id
        self.source = source
        self.note = note
    }

    /// An id given with `--pad-id`.
    public static func flag(_ id: Int) -> PadID {
        PadID(id: id, source: .flag, note: "pad id \(id) given with --pad-id")
    }

    /// An id given by the `pad_id` key of the policy file at `file`.
    public static func policy(_ id: Int, file: String) -> PadID {
        PadID(id: id, source: .policy(file), note: "pad id \(id) given by pad_id in \(file)")
    }

    /// An id no file stated, e.g. row 0 by convention; `reason` says why it was chosen.
    public static func assumed(_ id: Int, reason: String) -> PadID {
        PadID(id: id, source: .assumed, note: "pad id \(id) is assumed: \(reason)")
    }

    public var isAssumed: Bool { source == .assumed }

    /// A stable name of the source for JSON: `flag`, `policy`, `config`, `tokenizer`,
    /// `model-type-default`, `assumed`.
    public var sourceName: String {
        switch source {
        case .flag: "flag"
        case .policy: "policy"
        case .config: "config"
        case .tokenizer: "tokenizer"
        case .modelTypeDefault: "model-type-default"
        case .assumed: "assumed"
        }
    }
}

/// The outcome of looking for a pad id: the id (or none) and what the other sources said.
public struct PadIDResolution: Sendable, Equatable {
    /// nil when no source gives a usable id: report "no pad token found", do not assume 0.
    public var padID: PadID?
    /// Sources that were skipped or disagree with the chosen one, one sentence each.
    public var notes: [String]

    public init(padID: PadID?, notes: [String]) {
        self.padID = padID
        self.notes = notes
    }
}

public enum PadIDResolver {
    /// `resolve(given:…)` with an id given by `--pad-id`.
    public static func resolve(flag: Int?, config: ModelConfigFacts?, tokenizer: Tokenizer?, rowCount: Int?) -> PadIDResolution {
        resolve(given: flag.map(PadID.flag), config: config, tokenizer: tokenizer, rowCount: rowCount)
    }

    /// Resolves the pad id in order: `given` (by the user: `--pad-id` or a policy's `pad_id`,
    /// `PadID.flag` / `PadID.policy`), config.json `pad_token_id` (only a JSON integer in
    /// `0..<rowCount`; anything else is a note), the tokenizer's pad token, the model type's
    /// default when config.json leaves the key out, else none.
    ///
    /// `rowCount` is the number of rows of the matrix the id will index; when nil, the
    /// tokenizer's vocabulary size bounds config ids instead. The given id is returned as
    /// given: the caller validates it against the matrix.
    public static func resolve(given: PadID?, config: ModelConfigFacts?, tokenizer: Tokenizer?, rowCount: Int?) -> PadIDResolution {
        var notes: [String] = []
        var found: [PadID] = []
        let bound = rowCount ?? tokenizer?.vocabularySize
        func inRange(_ id: Int) -> Bool { id >= 0 && (bound.map { id < $0 } ?? true) }
        // What bounds the ids, as a reader can check it: a matrix's rows, or (no matrix given)
        // the tokenizer's tokens. "outside the 64 rows" was said of a 65-row matrix whose
        // tokenizer has 64 tokens (hunt-53a D3).
        let bounded = rowCount.map { "the \($0) rows" } ?? bound.map { "the tokenizer's \($0) tokens" } ?? "the ? rows"
        if let given { found += [given] + given.overrides }
        if let config {
            let file = config.path
            // Where the id was read: a Gemma 3 text_config's, or the top level's.
            let key = config.padTokenIDKey ?? (config.fieldsFromTextConfig.contains("pad_token_id") ? "text_config.pad_token_id" : "pad_token_id")
            if let refusal = config.refusal { notes.append("\(file): \(refusal); no pad id is taken from it") }
            if case .value(let top)? = config.padTokenIDSetAside, top != config.padTokenID.value, let type = config.modelType {
                let owner = ModelTypeFacts.fact(for: type).map(\.configClass) ?? "model_type \(quoted(type))'s config class"
                notes.append("\(file): the top-level pad_token_id \(top) is not what \(owner) builds its text model with "
                                 + "(it reads the text_config's pad_token_id); ignored")
            }
            if let aside = config.textConfigPadSetAside, let type = config.modelType, let fact = ModelTypeFacts.fact(for: type) {
                let shown = switch aside {
                case .value(let id): String(id)
                case .null: "null"
                case .unusable(let text): text
                case .absent: "absent"
                }
                notes.append("\(file): text_config.pad_token_id \(shown) is not read by \(fact.configClass), which has no text_config; ignored")
            }
            if config.topLevelPadUnread {
                let top = config.padTokenID.value.map(String.init) ?? "null"
                let nested = config.hasTextConfig ? "none in its text_config" : "has no text_config"
                notes.append("\(file) states pad_token_id \(top) at the top level and \(nested); model_type \(quoted(config.modelType ?? ""))'s "
                    + "config class builds its text model from a text_config, whose default pad id tensoraudit does not know, so the "
                    + "top-level one is not used")
            }
            switch config.padTokenID {
            case _ where config.refusal != nil || config.topLevelPadUnread:
                break
            case .absent:
                break
            case .null:
                notes.append("\(file) sets \(key) to null: the config declares no pad token")
            case .unusable(let text):
                notes.append("\(file): \(key) is \(text), not a token id (a non-negative JSON integer); ignored")
            case .value(let id) where id < 0:
                // nn.Embedding(num_embeddings, dim, padding_idx=-k) zeroes and freezes row
                // num_embeddings − k, and transformers passes a negative pad_token_id on as it is.
                let rows = rowCount ?? config.vocabSize.value ?? bound
                if let rows, id >= -rows {
                    found.append(PadID(id: rows + id, source: .config(file),
                                       note: "pad id \(rows + id): \(key) \(id) in \(file), which nn.Embedding takes as row \(rows + id) "
                                           + "of \(rows) (a negative padding_idx counts from the end)"))
                } else {
                    notes.append("\(file): \(key) \(id) is outside the \(rows.map(String.init) ?? "?") rows, even counted from the end; ignored")
                }
            case .value(let id) where !inRange(id):
                notes.append("\(file): \(key) \(id) is outside \(bounded); ignored")
            case .value(let id):
                found.append(PadID(id: id, source: .config(file), note: "pad id \(id) from \(key) in \(file)"))
            }
        }
        if let pad = tokenizer?.padToken {
            if let id = pad.id, inRange(id) {
                found.append(PadID(id: id, source: .tokenizer(pad.declaredIn),
                                   note: "pad id \(id) from the pad token \(quoted(pad.content)) in \(pad.declaredIn)"))
            } else if let id = pad.id {
                notes.append("\(pad.declaredIn): pad token \(quoted(pad.content)) has id \(id), outside the \(bound.map(String.init) ?? "?") rows; ignored")
            } else if let tokenizer, tokenizer.specialsAddedAtLoadExact, let id = tokenizer.addedPadLowestID, rowCount.map({ id < $0 }) ?? true {
                // Bounded by the matrix only: the id is past the tokenizer's vocabulary by design.
                // The class's own special tokens are measured (`TokenizerClassRoles`), so the id
                // transformers gives it is known: a padded vocabulary's row 400 for Qwen2Tokenizer's
                // "<|endoftext|>" beside a 400-token vocabulary, which `tok(…, padding=True)` pads
                // with (review-63b H1: "no usable pad token" was said of it).
                found.append(PadID(id: id, source: .tokenizer(pad.declaredIn),
                                   note: "pad id \(id): the pad token \(quoted(pad.content)) in \(pad.declaredIn) is not in the vocabulary, so transformers "
                                       + "adds it when it loads the files, with id \(id)"))
            } else {
                // transformers adds such a token after the vocabulary (helper-146: padding gave
                // [3, 6, 6, 6] with a 6-token vocabulary); no row of this matrix is known to be it.
                // Its id is not claimed: the class may add its other missing special tokens first
                // ("id 259" was said where AutoTokenizer gave [SEP] 259 and [PAD] 260: review-53
                // #6, review-53b #4, 336 of 672 such ids wrong).
                notes.append("\(pad.declaredIn): pad token \(quoted(pad.content)) is not in the vocabulary: transformers adds it as a new token, "
                    + "with an id from \(tokenizer.map { $0.addedPadLowestID ?? $0.nextAddedID } ?? 0) on (after the tokenizer's vocabulary and any other special token its "
                    + "class adds first); no pad row is taken from it")
            }
        }
        // Last, and only where no file states an id: the config class's default, which
        // transformers uses when config.json leaves the key out (a null says "none").
        if let config, case .absent = config.padTokenID, config.refusal == nil, let type = config.modelType,
           let fact = ModelTypeFacts.fact(for: type), let id = fact.defaultPad.id, inRange(id) {
            let class_ = fact.textConfigPad.map { "\($0.configClass) (the text_config of model_type \(quoted(type)))" }
                ?? "\(fact.configClass) (model_type \(quoted(type)))"
            found.append(PadID(id: id, source: .modelTypeDefault(config.path),
                               note: "pad id \(id): \(config.path) "
                                   + (fact.textConfigPad == nil ? "leaves pad_token_id out, " : config.hasTextConfig ? "leaves pad_token_id out of its text_config, " : "has no text_config, ")
                                   + "and \(class_) defaults it to \(id) in transformers \(ModelTypeFacts.transformersVersion) (implied, not stated)"))
        }
        guard let chosen = found.first else { return PadIDResolution(padID: nil, notes: notes) }
        for other in found.dropFirst() where other.id != chosen.id {
            notes.append("\(other.note), but \(chosen.note) is used")
        }
        return PadIDResolution(padID: chosen, notes: notes)
    }
}
