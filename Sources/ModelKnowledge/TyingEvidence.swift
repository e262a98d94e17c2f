/// What a conclusion about tied input/output embeddings rests on, strongest first.
public enum TyingEvidence: String, Sendable, Equatable, CaseIterable {
    /// The output projection's bytes were compared with the input embedding's.
    case identicalBytes = "identical-bytes"
    /// The checkpoint's metadata names one tensor as an alias of the other.
    case metadataAlias = "metadata-alias"
    /// The file format defines it: a GGUF file without `output.weight` makes llama.cpp use
    /// `token_embd.weight` as the output projection (tied by construction), for the
    /// architectures whose loader does so (`LlamaCppArchitectures`).
    case formatConvention = "format-convention"
    /// config.json's `architectures` names only classes without an output projection
    /// (`BertModel`, a sequence classifier: `ArchitectureFacts`): nothing is tied in the model
    /// as saved, whatever `tie_word_embeddings` says of the type's classes with an LM head.
    case architecture
    /// config.json sets `tie_word_embeddings` explicitly.
    case config
    /// config.json leaves the key out and the model type's transformers class has a known default.
    case modelTypeDefault = "model-type-default"
    /// Nothing to go on: no output projection to compare and no config.
    case none
    /// There is a source, but it does not settle the question (a config without `model_type`,
    /// a model type outside the table, an unusable value).
    case unknown
}

/// The inputs of a tying judgement: what the checkpoint and config hold.
public struct TyingQuestion: Sendable, Equatable {
    /// config.json beside the checkpoint, if any.
    public var config: ModelConfigFacts?
    /// Whether the checkpoint holds an output projection (`lm_head.weight`, …) of the same shape.
    public var hasOutputProjection: Bool
    /// Result of comparing its bytes with the input embedding's: nil when not compared.
    public var bytesIdentical: Bool?
    /// What comparing across element types showed, when the output projection is stored in
    /// another type than the input embedding: that the values differ (with `bytesIdentical`
    /// false), or that the bytes cannot show it (with `bytesIdentical` nil). A sentence that
    /// leads the detail.
    public var acrossTypes: String?
    /// Whether the checkpoint's metadata aliases one tensor to the other.
    public var aliasExists: Bool
    /// The sentence of a file-format rule that ties the embedding (llama.cpp's: no
    /// `output.weight` in a GGUF file), when one applies.
    public var formatConvention: String?
    /// The sentence saying why the file format ties nothing here (a GGUF encoder has no output
    /// projection at all), when the format was asked and does not tie: it leads an undecided
    /// answer's detail.
    public var formatNote: String?
    /// The GGUF encoder architecture (`bert`, ...) the file states, when it has no output
    /// projection in llama.cpp: with no config.json, the model types it can come from may share
    /// a tie default (`LlamaCppSources`).
    public var sourceArchitecture: String?
    /// Whether the identical bytes are one value repeated (two all-zero matrices): equal by
    /// construction, so they prove no tie, and the config (or default) decides.
    public var identicalBytesAreConstant: Bool
    /// Whether the identical bytes are one stored buffer (a torch file's shared storage): the
    /// two were one tensor when saved, a tie whatever the config says. Two stored copies are
    /// only equal, and a config (or default) that unties them decides.
    public var identicalBytesAreShared: Bool
    /// When the checkpoint may be only part of the model (one file named as one shard of
    /// several, `model-00006-of-00007.safetensors` or a gguf-split part; an index naming shards
    /// the folder lacks) and the matrix's counterpart is not in it, the clause saying why: the
    /// counterpart may be stored in the part not read, so its absence is no evidence, and
    /// neither a config that ties nor llama.cpp's rule for a missing `output.weight` decides
    /// anything alone (transformers ties two stored matrices only when they are equal; llama.cpp
    /// loads every split). nil otherwise. Why: one shard of an untied GPT-2 was "tied … this
    /// checkpoint stores no separate output projection" by GPT-2's default, its `lm_head` in
    /// another shard (adversarial reviews, 2026-12-05).
    public var partialCheckpoint: String?
    /// When config.json's `architectures` names a head class that holds its base model under a
    /// prefix (`HeadEmbeddingNames`) but the whole checkpoint stores the input embedding under
    /// the base model's own name and every tensor under the base model's own roots: the head
    /// class, what the table says of it, the embedding's stored name and the classes named. The
    /// names show the base model.
    public var savedFromBase: SavedFromBase?

    /// When config.json names an encoder-decoder class (`T5ForConditionalGeneration`) and the
    /// whole checkpoint holds only what its encoder-only class (`T5EncoderModel`) holds: no
    /// tensor of the decoder or LM head (`EncoderOnlyClasses`). The names show the encoder class.
    public var savedFromEncoder: SavedFromEncoder?

    public struct SavedFromEncoder: Sendable, Equatable {
        public var headClass: String
        public var fact: EncoderOnlyClasses.Fact
        /// Every class config.json's `architectures` names, once each (the head class among them).
        public var architectures: [String]

        public init(headClass: String, fact: EncoderOnlyClasses.Fact, architectures: [String]) {
            self.headClass = headClass
            self.fact = fact
            self.architectures = architectures
        }
    }

    public struct SavedFromBase: Sendable, Equatable {
        public var headClass: String
        public var fact: HeadEmbeddingNames.Fact
        public var storedName: String
        /// Every class config.json's `architectures` names, once each (the head class among them).
        public var architectures: [String]

        public init(headClass: String, fact: HeadEmbeddingNames.Fact, storedName: String, architectures: [String]) {
            self.headClass = headClass
            self.fact = fact
            self.storedName = storedName
            self.architectures = architectures
        }
    }

    public init(config: ModelConfigFacts?, hasOutputProjection: Bool, bytesIdentical: Bool? = nil, acrossTypes: String? = nil,
                aliasExists: Bool = false,
                formatConvention: String? = nil, formatNote: String? = nil, sourceArchitecture: String? = nil,
                identicalBytesAreConstant: Bool = false, identicalBytesAreShared: Bool = false) {
        self.identicalBytesAreConstant = identicalBytesAreConstant
        self.identicalBytesAreShared = identicalBytesAreShared
        self.config = config
        self.hasOutputProjection = hasOutputProjection
        self.bytesIdentical = bytesIdentical
        self.acrossTypes = acrossTypes
        self.aliasExists = aliasExists
        self.formatConvention = formatConvention
        self.formatNote = formatNote
        self.sourceArchitecture = sourceArchitecture
    }
}

/// A graded answer: `tied` is nil when the evidence does not say.
public struct TyingJudgement: Sendable, Equatable {
    public var tied: Bool?
    public var evidence: TyingEvidence
    /// One or two sentences naming the source, for text output and the JSON `detail`.
    public var detail: String
    /// Whether the checkpoint holds an output projection; when false, a `tied` answer comes
    /// from the config or model type and describes the architecture the matrix was trained
    /// in, not a tensor of this file.
    public var outputProjectionPresent: Bool
    /// The classes config.json's `architectures` names, for an `architecture` judgement.
    public var architectures: [String] = []
    /// Whether the question does not arise: a static embedding model (model2vec) has no output
    /// projection and no model that could have one. `tied` is then nil, as "unknown" was printed
    /// beside "tying does not apply" (review of 2026-12-07).
    public var notApplicable = false

    /// The answer in a word, as text reports print it: tied, not tied, unknown, does not apply.
    public var label: String {
        notApplicable ? "does not apply" : tied.map { $0 ? "tied" : "not tied" } ?? "unknown"
    }

    /// The head class config.json's `architectures` names when the stored names show its base
    /// model instead (`TyingQuestion.savedFromBase`); `architectures` then holds the base class.
    public var namedHeadClass: String?
    /// The classes config.json's `architectures` names when `architectures` holds another (the
    /// base class the stored names show), for the finding's evidence: the key `architectures`
    /// held a class config.json never names, and nothing said so (review-63b M1).
    public var namedArchitectures: [String] = []
    /// For a GGUF encoder without config.json whose source class is unknown: the sentence
    /// saying that every model type the converter writes under its architecture ties word
    /// embeddings by default, so the pre-training head would have been tied to this matrix
    /// (`LlamaCppSources.pretrainingTie`); nil otherwise.
    public var pretrainingTie: String?

    public init(tied: Bool?, evidence: TyingEvidence, detail: String, outputProjectionPresent: Bool) {
        self.tied = tied
        self.evidence = evidence
        self.detail = detail
        self.outputProjectionPresent = outputProjectionPresent
    }

    /// Whether this is an `architecture` judgement of classes that have an output projection
    /// transformers never ties (`ArchitectureFact.neverTies`), not of headless classes.
    public var architectureNeverTies: Bool {
        evidence == .architecture && architectures.contains { ArchitectureFacts.fact(for: $0)?.neverTies == true }
    }

    /// Whether a finding may lower its severity because the matrix is tied: only when the
    /// bytes, an alias, an explicit config value or the model type's default say so.
    public var justifiesTiedExplanation: Bool {
        tied == true && [.identicalBytes, .metadataAlias, .formatConvention, .config, .modelTypeDefault].contains(evidence)
    }
}

public enum TyingJudge {
    /// Grades whether the input embedding is tied to the output projection.
    ///
    /// Order: an alias, then the bytes (identical → tied, different → not tied, whatever the
    /// config says; but a stored copy the config or default unties is not tied: `statedUntie`), then an explicit `tie_word_embeddings` in a transformers config, then the
    /// model type's default from `ModelTypeFacts` — for a GGUF encoder without config.json, the
    /// default all its possible source model types share (`LlamaCppSources`). A config without `model_type` is not a
    /// transformers config, so neither its keys nor any default apply: `unknown`, never
    /// "defaults to true".
    public static func judge(_ question: TyingQuestion) -> TyingJudgement {
        var judgement = judgeBeforeTypes(question)
        // Bytes of two element types: the detail first says what their values showed (a
        // difference, which the bytes' "differ" then stands for; or nothing, and the rest decided).
        if question.hasOutputProjection, question.bytesIdentical != true, !question.aliasExists, let why = question.acrossTypes {
            judgement.detail = why + " " + judgement.detail
        }
        return judgement
    }

    private static func judgeBeforeTypes(_ question: TyingQuestion) -> TyingJudgement {
        let present = question.hasOutputProjection
        // Of a part read alone, only the files read: "this checkpoint holds no output projection"
        // was said of shard 1 of 3 whose lm_head is in shard 2 (helper-145).
        let noHead = present ? ""
            : question.partialCheckpoint.map { " The files read hold no output projection, but \($0): it may be stored in a part not read." }
            ?? " This checkpoint holds no output projection."
        // "tied" beside "no output projection" read as a contradiction (a reader's review): say
        // what the tie is about when the head is absent.
        // A config naming a head class (splade-tiny: BertForMaskedLM, its other head weights
        // stored) is that model with the tied weight saved once (reader's review, 2026-12-05).
        let headClass = question.config?.architectures.value?.first { name in
            ArchitectureFacts.fact(for: name).map { $0.hasOutputProjection && !$0.neverTies } ?? false
        }
        // A GGUF file beside a Hub config.json is a conversion of the model the config
        // describes: llama.cpp's converter dropped the head, it was not "saved once" (hunt-59e P4,
        // a BERT GGUF beside its BertForMaskedLM config).
        let convertedFrom = question.formatNote.map { note in
            " " + note + " config.json beside it describes the Hub model the file was converted from, not the file: "
        }
        let noHeadTied = present ? ""
            : convertedFrom.map { prefix in
                prefix + (headClass.map { "its architectures name \($0), whose output layer is this matrix when tied; the GGUF file keeps no such layer." }
                    ?? "a model built from it with a language-model head would share this matrix; the GGUF file keeps no such layer.") }
            ?? headClass.map { " This checkpoint stores no separate output projection: config.json's architectures name \($0), whose output layer "
                + "is this matrix when tied (transformers saves a tied weight once)." }
            ?? (" This checkpoint holds no output projection: the tie is that of a model built from this config "
                + "with a language-model head, whose output layer shares this matrix.")
        func result(_ tied: Bool?, _ evidence: TyingEvidence, _ detail: String) -> TyingJudgement {
            TyingJudgement(tied: tied, evidence: evidence, detail: detail, outputProjectionPresent: present)
        }
        if question.aliasExists {
            return result(true, .metadataAlias, "The checkpoint's metadata stores the output projection as an alias of the input embedding.")
        }
        if present, question.bytesIdentical == true, question.identicalBytesAreConstant {
            // Two matrices of one repeated value (all zeros) are equal whatever the model does:
            // called "tied (identical-bytes)" they explained a pad row by a tie nothing showed.
            var rest = question
            rest.bytesIdentical = nil  // `identicalBytesAreConstant` stays: the wording below knows why
            var judgement = judge(rest)
            judgement.detail = "The output projection's bytes are identical to the input embedding's, but every element of both is one value: "
                + "equal by construction, not evidence of a tie. " + judgement.detail
            return judgement
        }
        if present, question.bytesIdentical == true, !question.identicalBytesAreShared,
           let untied = statedUntie(question) {
            return untied
        }
        if present, let identical = question.bytesIdentical {
            return identical
                ? result(true, .identicalBytes, "The output projection's bytes are identical to the input embedding's."
                    + configContrast(question.config, identical: true))
                : result(false, .identicalBytes, "The output projection's bytes differ from the input embedding's: the two are stored untied."
                    + configContrast(question.config, identical: false))
        }
        if !present, let convention = question.formatConvention {
            if let partial = question.partialCheckpoint { return result(nil, .unknown, convention + partialClause(partial)) }
            return result(true, .formatConvention, convention)
        }
        // A config.json beside a GGUF encoder that names no class (or, without a class list, no
        // model type) llama.cpp's converter writes as the file's architecture does not describe
        // the model the file was converted from: a t5encoder file (written from T5EncoderModel
        // only) beside a T5ForConditionalGeneration config was "tied … a model loaded from this
        // file ties", a bert file beside a Qwen2 config "converted from" Qwen2ForCausalLM
        // (hunt-60c P1, P2). Judged as without a config, saying why.
        if !present, question.formatNote != nil, let architecture = question.sourceArchitecture,
           let config = question.config, let foreign = Self.foreignToConverter(config, architecture: architecture) {
            var rest = question
            rest.config = nil
            var judgement = judge(rest)
            judgement.detail = foreign + " " + judgement.detail
            return judgement
        }
        guard let config = question.config else {
            if !present, let note = question.formatNote, let architecture = question.sourceArchitecture {
                let headless = LlamaCppSources.headlessClasses(for: architecture)
                if !headless.isEmpty {
                    let shown = headless.prefix(3).joined(separator: ", ") + (headless.count > 3 ? ", …" : "")
                    let only = headless.count == LlamaCppSources.encoders[architecture]?.classes.count
                    let classes = note + " llama.cpp's converter writes architecture \(quoted(architecture)) \(only ? "only" : "also") from Hub classes "
                        + "with no output projection in transformers \(ArchitectureFacts.transformersVersion) (\(shown))"
                    guard let pretraining = LlamaCppSources.pretrainingTie(for: architecture) else {
                        return result(nil, .none, classes + ", whose embedding no tie default speaks of, and the file does not record the class: "
                            + "nothing says whether the embedding was trained tied.")
                    }
                    var judgement = result(nil, .none, classes + ", and the file does not record the class: whether the model it was saved from "
                        + "tied this matrix is not known.")
                    judgement.pretrainingTie = pretraining
                    return judgement
                }
                if let shared = LlamaCppSources.sharedTieDefault(for: architecture) {
                    return result(shared.tied, .modelTypeDefault, note + " " + shared.detail)
                }
            }
            if !present, let note = question.formatNote {
                return result(nil, .none, note + " No config.json: nothing says whether the embedding is tied.")
            }
            return present
                ? result(nil, .none, question.identicalBytesAreConstant || question.acrossTypes != nil
                    ? "No config.json says whether the embedding is tied."
                    : "No config.json, and the output projection's bytes were not compared.")
                : result(nil, .none, "No config.json and no output projection: nothing says whether the embedding is tied.")
        }
        // A config transformers refuses to load builds no model, so neither its keys nor a model
        // type's default say what a loaded model ties. Why: a Llama config with a pad_token_id
        // list, which `config-invalid-value` says transformers 5 refuses, read "not tied
        // (evidence: model-type-default)" (hunt-53a D6).
        if let refused = config.refusalReason {
            return result(nil, .unknown, "\(config.path): \(refused), so neither its tie_word_embeddings nor a model type's default "
                + "speaks of a model loaded from it." + noHead)
        }
        guard let modelType = config.modelType else {
            return result(nil, .unknown, "\(config.path) \(config.modelTypeAbsence), so it is not a transformers config and no tie default applies." + noHead)
        }
        // The stored names show `headless`, a class with no output projection, where config.json
        // names `named`: not tied by the architecture the names show, with what the type's tie
        // default says of its LM-head classes.
        func savedFrom(_ headless: String, named: [String], detail: String) -> TyingJudgement {
            var judgement = result(false, .architecture, [detail, familyTieClause(config, modelType: modelType, classes: [headless])]
                .filter { !$0.isEmpty }.joined(separator: " "))
            judgement.architectures = [headless]
            judgement.namedHeadClass = named.joined(separator: ", ")
            judgement.namedArchitectures = named
            return judgement
        }
        if !present, let saved = question.savedFromBase, ArchitectureFacts.fact(for: saved.fact.baseClass)?.hasOutputProjection == false {
            let base = saved.fact.baseClass
            let named = saved.architectures.count == 1 ? "the architecture \(saved.headClass)" : "the architectures \(listed(saved.architectures))"
            let detail = "\(config.path) names \(named), but the checkpoint's tensor names are those of \(saved.headClass)'s base model "
                + "\(base): the input embedding is stored as \(quoted(saved.storedName)), where \(saved.headClass) stores "
                + "\(quoted(saved.fact.embedding)), no tensor is under \(quoted(saved.fact.basePrefix + ".")), and none of the head's own "
                + "(such as \(quoted(saved.fact.headTensor))) is stored; so it was saved from \(base), "
                + "which has no output projection in transformers \(ArchitectureFacts.transformersVersion) (get_output_embeddings() is None): "
                + "nothing is tied to this embedding in the model as saved (loaded as \(saved.headClass), its LM head's own tensors would be new)."
            return savedFrom(base, named: saved.architectures, detail: detail)
        }
        if !present, let saved = question.savedFromEncoder {
            let encoder = saved.fact.encoderClass
            let named = saved.architectures.count == 1 ? "the architecture \(saved.headClass)" : "the architectures \(listed(saved.architectures))"
            let absent = saved.fact.fullOnlyRoots.map { quoted($0 + ".") }.joined(separator: " or ")
            let detail = "\(config.path) names \(named), but the checkpoint holds none of \(saved.headClass)'s decoder or LM head (no tensor under \(absent)): "
                + "every tensor is under \(saved.fact.encoderRoots.map { quoted($0 + ".") }.joined(separator: " or ")), as in \(encoder), "
                + "so it was saved from \(encoder) (or extracted from the full model), which has no output projection in transformers "
                + "\(ArchitectureFacts.transformersVersion) (get_output_embeddings() is None): nothing is tied to this embedding in the model as saved."
            return savedFrom(encoder, named: saved.architectures, detail: detail)
        }
        if !present, let names = headlessArchitectures(config) {
            let detail = "\(config.path) names the architecture \(listed(names)), "
                + "\(names.count == 1 ? "a class" : "classes") with no output projection in transformers \(ArchitectureFacts.transformersVersion) "
                + "(get_output_embeddings() is None): nothing is tied to this embedding in the model as saved."
            var judgement = result(false, .architecture, [detail, familyTieClause(config, modelType: modelType, classes: names)]
                .filter { !$0.isEmpty }.joined(separator: " "))
            judgement.architectures = names
            return judgement
        }
        if let never = neverTying(config) {
            // Whatever tie_word_embeddings or the type's default says: no class here ties.
            let version = ArchitectureFacts.transformersVersion
            let why = "never ties to the input embedding in transformers \(version) (built with tie_word_embeddings true, it stays a weight of its own), "
                + "whatever tie_word_embeddings says."
            let detail: String = switch never {
            case .named(let names):
                "\(config.path) names the architecture \(listed(names)): no class there has an output projection transformers ties; "
                    + "\(listed(names.filter { ArchitectureFacts.fact(for: $0)?.neverTies == true }))'s " + why
            case .modelType(let names):
                "\(config.path) names no class of model_type \(quoted(modelType)), whose classes with an output projection (\(listed(names))) "
                    + "are what transformers' Auto classes build from it; their output projection " + why
            }
            var judgement = result(false, .architecture, detail + noHead)
            judgement.architectures = never.classes
            return judgement
        }
        // A config or default that ties speaks of the model, whose head another shard may hold.
        func tiedUnlessElsewhere(_ evidence: TyingEvidence, _ sentence: String) -> TyingJudgement {
            guard let partial = question.partialCheckpoint else { return result(true, evidence, sentence + noHeadTied) }
            return result(nil, .unknown, sentence + partialClause(partial))
        }
        if let decoder = config.wrappedDecoder {
            let wrapper = "\(config.path) is a \(quoted(modelType)) wrapper, whose decoder transformers \(ModelTypeFacts.transformersVersion) ties by the decoder's own config (not by the wrapper's tie_word_embeddings, \(stated(config.tieWordEmbeddings)) here)"
            guard decoder.isObject else { return result(nil, .unknown, wrapper + ", and it has no decoder config." + noHead) }
            switch decoder.tieWordEmbeddings {
            case .value(let tied):
                let sentence = wrapper + ": its decoder sets tie_word_embeddings to \(tied)."
                return tied ? tiedUnlessElsewhere(.config, sentence) : result(false, .config, sentence + noHead)
            case .null, .unusable:
                return result(nil, .unknown, wrapper + ": its decoder's tie_word_embeddings is \(stated(decoder.tieWordEmbeddings)), not a boolean." + noHead)
            case .absent:
                // A decoder without model_type is built as BERT (the wrappers' sub-config default).
                let type = decoder.modelType ?? "bert"
                guard let fact = ModelTypeFacts.fact(for: type) else {
                    return result(nil, .unknown, wrapper + ": its decoder leaves tie_word_embeddings out, and model_type \(quoted(type)) is not in the table of known defaults." + noHead)
                }
                let stated = decoder.modelType == nil ? "states no model_type (the wrapper builds it as \(quoted(type))) and " : ""
                let sentence = wrapper + ": its decoder \(stated)leaves tie_word_embeddings out; \(fact.configClass) (model_type \(quoted(type))) defaults it to \(fact.tiesWordEmbeddings)."
                return fact.tiesWordEmbeddings ? tiedUnlessElsewhere(.modelTypeDefault, sentence) : result(false, .modelTypeDefault, sentence + noHead)
            }
        }
        if let measured = compositeTie(config, modelType: modelType) {
            switch measured.tied {
            case true?: return tiedUnlessElsewhere(measured.evidence, measured.sentence)
            case false?: return result(false, measured.evidence, measured.sentence + noHead)
            case nil: return result(nil, .unknown, measured.sentence + noHead)
            }
        }
        switch config.tieWordEmbeddings {
        case .value(let tied):
            if let nested = config.disagreeingTextConfigTie {
                return result(nil, .unknown, "\(config.path) sets tie_word_embeddings to \(tied) at the top level and to \(nested) in its text_config, "
                              + "and model_type \(quoted(modelType)) is not in the table: which one its config class uses is not known." + noHead)
            }
            // T5Config and its relatives set true whatever the file says: with no separate head
            // stored, a model loaded from it ties. Why: a T5 stating false with no lm_head was
            // "not tied (evidence: config)" beside a detail saying a loaded model ties, and
            // `from_pretrained` shares lm_head with `shared` (adversarial review, 2026-12-05).
            if !tied, !present, let fact = ModelTypeFacts.fact(for: modelType), fact.ignoresStatedFalse {
                return tiedUnlessElsewhere(.modelTypeDefault, "\(config.path) sets tie_word_embeddings to false, but \(fact.configClass) in transformers "
                    + "\(ModelTypeFacts.transformersVersion) sets it to true whatever config.json says (a stated false only turns off output scaling), "
                    + "so a model loaded from this file ties its output projection to this matrix; the stated false is the config's word on how the model was built.")
            }
            if tied { return tiedUnlessElsewhere(.config, "\(config.path) sets tie_word_embeddings to true.") }
            return result(tied, .config, "\(config.path) sets tie_word_embeddings to \(tied)." + overriddenFalse(tied, modelType: modelType) + noHead)
        case .unusable(let text):
            return result(nil, .unknown, "\(config.path): tie_word_embeddings is \(text), not a boolean" + nonBoolean(modelType) + noHead)
        case .null:
            return result(nil, .unknown, "\(config.path) sets tie_word_embeddings to null, not a boolean" + nonBoolean(modelType) + noHead)
        case .absent:
            guard let fact = ModelTypeFacts.fact(for: modelType) else {
                let nested = config.ignoredTextConfigTie.map { " at the top level (its text_config sets it to \(Self.stated($0)), which that class may or may not read)" } ?? ""
                return result(nil, .unknown, "\(config.path) leaves tie_word_embeddings out\(nested), and model_type \(quoted(modelType)) is not in the table of known defaults." + noHead)
            }
            let sentence = "\(config.path) leaves tie_word_embeddings out\(textConfigAside(config, fact)); \(fact.configClass) (model_type \(quoted(modelType))) defaults it to \(fact.tiesWordEmbeddings) in transformers \(ModelTypeFacts.transformersVersion)."
            return fact.tiesWordEmbeddings ? tiedUnlessElsewhere(.modelTypeDefault, sentence) : result(false, .modelTypeDefault, sentence + noHead)
        }
    }

    /// A composite model type outside the table whose LM class was built for every way
    /// config.json can state `tie_word_embeddings` (`CompositeTies`): whether it ties, from
    /// what (`config` when either key is stated, `model-type-default` when neither is), and the
    /// sentence saying so. nil for another type, a key that is not a boolean (the paths below
    /// say what transformers makes of it), or a text_config that is no object.
    public static func compositeTie(_ config: ModelConfigFacts, modelType: String) -> (tied: Bool?, evidence: TyingEvidence, sentence: String)? {
        guard ModelTypeFacts.fact(for: modelType) == nil, config.textConfigNotObject == nil,
              let measured = CompositeTies.measured(modelType) else { return nil }
        // The top level as written: a value read from the text_config is the text_config's.
        let fromText = config.fieldsFromTextConfig.contains("tie_word_embeddings")
        var top: CompositeTies.Stated
        var topAside = ""
        switch fromText ? .absent : config.tieWordEmbeddings {
        case .absent: top = .absent
        case .value(let flag): top = .value(flag)
        case .null, .unusable:
            // (A `where` on a case of two patterns guards only the second.)
            guard measured.ignoresTopLevel else { return nil }
            top = .absent
            topAside = " (its top-level value is no boolean, and \(measured.className) ties the same whatever the top level states: it reads the text_config's)"
        }
        var text: CompositeTies.Nested
        switch config.textConfigTie {
        case .absent: text = config.hasTextConfig ? .unset : .noTextConfig
        case .value(let flag): text = .value(flag)
        case .null, .unusable: return nil
        }
        // A text_config naming its model type, without the key, gets that class's default; the
        // measurement holds only the type's default text model's, so the default is looked up
        // (and unknown when the table lacks the type).
        var textDefault = ""
        if text == .unset, measured.nestedTypeDecides, let nestedType = config.textConfigModelType {
            if let fact = ModelTypeFacts.fact(for: nestedType) {
                text = .value(fact.tiesWordEmbeddings)
                textDefault = ", which its model_type \(quoted(nestedType)) (\(fact.configClass)) defaults to \(fact.tiesWordEmbeddings)"
            } else {
                // A text model type outside the table: its default decides unless this top-level
                // state ties (or not) either way. Why: falling back to the top-level key called a
                // BLIP-2 over a Ministral text model "tied (config)", a class that never reads it
                // (adversarial review, 2026-12-05).
                let either = measured.ties(top: top, text: .value(true))
                guard either == measured.ties(top: top, text: .value(false)) else {
                    let topWords = if case .value(let flag) = top { "sets tie_word_embeddings to \(flag) at the top level" } else { "leaves tie_word_embeddings out at the top level" }
                    return (nil, .unknown, "\(config.path) \(topWords), and its text_config, of model_type \(quoted(nestedType)), leaves it out: \(measured.className) "
                        + "(model_type \(quoted(modelType))) then takes the text model's default, and model_type \(quoted(nestedType)) is not in the table of known defaults.")
                }
                text = .value(either)
                textDefault = ", whose default (model_type \(quoted(nestedType)), not in the table) does not change the answer here"
            }
        }
        let tied = measured.ties(top: top, text: text)
        let topWords = switch top {
        case .absent: "leaves tie_word_embeddings out at the top level"
        case .value(let flag): "sets tie_word_embeddings to \(flag) at the top level"
        }
        let textWords = switch text {
        case .noTextConfig: "has no text_config"
        case .unset: "its text_config leaves it out"
        case .value(let flag): textDefault.isEmpty ? "its text_config sets it to \(flag)" : "its text_config leaves it out" + textDefault
        }
        let stated = top != .absent || (textDefault.isEmpty && { if case .value = text { true } else { false } }())
        let sentence = "\(config.path) \(topWords)\(topAside) and \(textWords): \(measured.className) (model_type \(quoted(modelType))), built by transformers "
            + "\(ModelTypeFacts.transformersVersion) from such a config, \(tied ? "ties" : "does not tie") its output projection to its input embedding "
            + "(measured by building the class for each way the two keys can be stated)."
        return (tied, stated ? .config : .modelTypeDefault, sentence)
    }

    /// What a partial checkpoint (`TyingQuestion.partialCheckpoint`) leaves open, after the
    /// sentence of the rule that would otherwise decide.
    static func partialClause(_ partial: String) -> String {
        " But \(partial), so the matrix it would be tied to may be stored in a part not read here: these files alone cannot show "
            + "whether the embedding is tied (transformers ties two stored matrices only when they are equal, and llama.cpp loads every split). "
            + "Read the whole checkpoint: its folder or index, with every shard, or a split GGUF model's first part or folder, "
            + "from which every part is read."
    }

    /// "not tied" when config.json sets `tie_word_embeddings` to false, or leaves it out and
    /// the model type defaults it to false, although the output projection is a stored copy of
    /// the input embedding's bytes: transformers then loads two parameters (the copy an untie
    /// by copying the embedding, or a tie the config does not record), so the bytes show two
    /// equal matrices, not a tie, and dropping either would break loading. nil when the config
    /// (or default) does not untie them.
    ///
    /// Why: such a Llama checkpoint was "tied (evidence: identical-bytes)", its pad row
    /// explained by a tie, and `tied-weights-duplicated` called one copy wasted bytes; deleting
    /// it leaves `lm_head.weight` missing and randomly initialised (review, 2026-12-05).
    static func statedUntie(_ question: TyingQuestion) -> TyingJudgement? {
        var rest = question
        rest.bytesIdentical = nil
        guard var judgement = untiedCopies(rest) else { return nil }
        judgement.detail += " The output projection is a stored copy with bytes identical to the input embedding's: "
            + "transformers loads the two as separate parameters, so they are equal, not tied "
            + "(an untie by copying the embedding, or a tie the config does not record)."
        return judgement
    }

    /// The judgement of `question` (its bytes set aside) when config.json sets
    /// `tie_word_embeddings` to false, or leaves it out and the model type defaults it to false,
    /// and the config class keeps that false: transformers then ties nothing, so stored
    /// copies of the embedding (the output projection, or BART's `shared` with the encoder's
    /// and decoder's `embed_tokens`) are separate parameters it needs. nil otherwise — also for
    /// T5Config and its relatives, which set true whatever the file says, so a loaded model
    /// ties equal copies (`ModelTypeFact.ignoresStatedFalse`).
    public static func untiedCopies(_ question: TyingQuestion) -> TyingJudgement? {
        let judgement = judge(question)
        // `.architecture` here is a class that never ties (`neverTying`): one
        // without an output projection has none to copy (`hasOutputProjection` is asked true).
        guard judgement.tied == false, [.config, .modelTypeDefault, .architecture].contains(judgement.evidence) else { return nil }
        if let type = question.config?.modelType, ModelTypeFacts.fact(for: type)?.ignoresStatedFalse == true { return nil }
        return judgement
    }

    /// What transformers makes of a `tie_word_embeddings` that is not a boolean, closing the
    /// sentence that says so. Why: this detail said transformers read null "as false-y", where
    /// its config classes refuse to load the file (`StrictDataclassFieldValidationError`; T5Config
    /// and its relatives replace the value; review, 2026-12-05).
    static func nonBoolean(_ modelType: String) -> String {
        let version = ModelTypeFacts.transformersVersion
        if let fact = ModelTypeFacts.fact(for: modelType), fact.ignoresStatedFalse {
            return "; \(fact.configClass) in transformers \(version) replaces it with true, but the config states nothing usable."
        }
        return ": transformers \(version) refuses to load such a config (its config classes check the type)."
    }

    /// The sentence after a stated `tie_word_embeddings: false` that the model type's config
    /// class overrides (T5Config), or "".
    static func overriddenFalse(_ tied: Bool, modelType: String) -> String {
        guard !tied, let fact = ModelTypeFacts.fact(for: modelType), fact.ignoresStatedFalse else { return "" }
        return " \(fact.configClass) in transformers \(ModelTypeFacts.transformersVersion) sets it to true whatever config.json says "
            + "(a stated false only turns off output scaling), so a model loaded from this file ties the output projection to the "
            + "input embedding unless the file stores a different one; the stated false is the config's word on how the model was built."
    }

    /// The classes config.json's `architectures` names (each once, in order), when there is at
    /// least one and every one is a known class without an output projection; nil otherwise (an
    /// unknown class, or one with an LM head, leaves the question to `tie_word_embeddings` and
    /// the default).
    static func headlessArchitectures(_ config: ModelConfigFacts) -> [String]? {
        guard let names = config.architectures.value, !names.isEmpty,
              names.allSatisfy({ ArchitectureFacts.fact(for: $0)?.hasOutputProjection == false }) else { return nil }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// Why nothing in the model ties the output projection to the input embedding although it
    /// may have one: the classes that say so and whether they are config.json's own or the
    /// model type's; nil when some class could tie.
    ///
    /// - `named`: config.json's `architectures` names only known classes of its own model type,
    ///   none of which ties (each headless or `ArchitectureFact.neverTies`), at least one with an
    ///   output projection (all headless is `headlessArchitectures`' case).
    /// - `modelType`: `architectures` is absent or names only known classes of other model types
    ///   (transformers' Auto classes load by `model_type`), and every class of the model type with
    ///   an output projection never ties (`ArchitectureFacts.outputClasses`).
    ///
    /// Why: a `BigBirdPegasusForCausalLM` whose `lm_head` equals its embedding was "tied
    /// (evidence: identical-bytes)" with one copy "wasted", and BigBirdPegasusConfig's default
    /// true called its absent head tied; transformers loads two weights there, and without the
    /// stored head a random one. By model type too: a Luke config without `architectures` was
    /// tied by its bytes, and a RoFormer config naming `RemBertForMaskedLM` was called untied
    /// though AutoModelForMaskedLM builds a RoFormer that ties (reviews, 2026-12-05).
    public enum NeverTying: Sendable, Equatable {
        case named([String])
        case modelType([String])

        public var classes: [String] {
            switch self {
            case .named(let names), .modelType(let names): names
            }
        }
    }

    public static func neverTying(_ config: ModelConfigFacts) -> NeverTying? {
        guard let type = config.modelType else { return nil }
        var seen = Set<String>()
        let names = (config.architectures.value ?? []).filter { seen.insert($0).inserted }
        let facts = names.map { ArchitectureFacts.fact(for: $0) }
        if !names.isEmpty, facts.allSatisfy({ $0?.modelType == type }) {
            let known = facts.compactMap { $0 }
            guard known.allSatisfy({ !$0.hasOutputProjection || $0.neverTies }), known.contains(where: \.neverTies) else { return nil }
            return .named(names)
        }
        // Absent, or only known classes of other model types: the model type's classes decide.
        guard names.isEmpty || facts.allSatisfy({ $0 != nil }) else { return nil }
        let outputs = ArchitectureFacts.outputClasses(of: type)
        guard !outputs.isEmpty, outputs.allSatisfy({ $0.fact.neverTies }) else { return nil }
        return .modelType(outputs.map(\.name))
    }

    /// Class names for a sentence: at most three, quoted, then how many in all (a config may
    /// list thousands).
    public static func listed(_ names: [String]) -> String {
        let shown = names.prefix(3).map(quoted).joined(separator: ", ")
        return names.count > 3 ? shown + ", … (\(names.count) classes)" : shown
    }

    /// The sentence saying why `config` does not describe the source of a GGUF file of encoder
    /// `architecture` (`LlamaCppSources`), or nil when it may: its `architectures` names a class
    /// the converter writes as that architecture, or, without a class list, its model type is
    /// one the converter reads for it (or the config states neither).
    static func foreignToConverter(_ config: ModelConfigFacts, architecture: String) -> String? {
        guard let sources = LlamaCppSources.encoders[architecture], !sources.classes.isEmpty else { return nil }
        let written = sources.classes.prefix(4).joined(separator: ", ") + (sources.classes.count > 4 ? ", …" : "")
        if case .value(let named) = config.architectures, !named.isEmpty {
            guard !named.contains(where: sources.classes.contains) else { return nil }
            return "\(config.path) beside it names \(listed(named)), \(named.count == 1 ? "a class" : "classes") llama.cpp's converter does not write "
                + "as architecture \(quoted(architecture)) (it writes it from \(written)): the config does not name the class the file was "
                + "converted from, so it is not read for tying."
        }
        guard let type = config.modelType, !sources.modelTypes.isEmpty, !sources.modelTypes.contains(type) else { return nil }
        return "\(config.path) beside it states model_type \(quoted(type)), which llama.cpp's converter does not write as architecture "
            + "\(quoted(architecture)) (it reads \(sources.modelTypes.map(quoted).joined(separator: ", "))): the config does not describe the "
            + "model the file was converted from, so it is not read for tying."
    }

    /// What `tie_word_embeddings` (stated or the model type's default) says of the type's
    /// classes with an LM head, and that the checkpoint cannot show whether one trained the
    /// matrix: the sentence after an `architecture` judgement.
    static func familyTieClause(_ config: ModelConfigFacts, modelType: String, classes: [String]) -> String {
        let unknowable = " whether one ever trained this matrix, the checkpoint cannot show."
        // A class of another model type than config.json's: its defaults say nothing of it.
        let types = Set(classes.compactMap { ArchitectureFacts.fact(for: $0)?.modelType })
        guard types == [modelType] else {
            return "config.json's model_type \(quoted(modelType)) is not the model type of \(classes.count == 1 ? "that class" : "those classes") "
                + "(\(types.sorted().map(quoted).joined(separator: ", "))), so its tie default says nothing here."
        }
        switch config.tieWordEmbeddings {
        case .value(false) where ModelTypeFacts.fact(for: modelType)?.ignoresStatedFalse == true:
            // T5Config sets true whatever config.json states (hunt-60c P6).
            let configClass = ModelTypeFacts.fact(for: modelType)?.configClass ?? modelType
            return "Its tie_word_embeddings (false) is the config's word on how the model was built, but \(configClass) in transformers "
                + "\(ModelTypeFacts.transformersVersion) sets it to true whatever config.json states, so it says nothing of this model type's "
                + "classes with an LM head as transformers builds them;" + unknowable
        case .value(let tied):
            return "Its tie_word_embeddings (\(tied)) speaks of this model type's classes with an LM head;" + unknowable
        case .absent:
            guard let fact = ModelTypeFacts.fact(for: modelType) else { return "" }
            return "\(fact.configClass)'s default (tie_word_embeddings \(fact.tiesWordEmbeddings)) speaks of this model type's classes with an LM head;"
                + unknowable
        case .null, .unusable:
            return ""
        }
    }

    /// ", and its text_config's tie_word_embeddings (false) is not the model's own" when the
    /// config's class does not read the nested value (`ModelConfigFacts.ignoredTextConfigTie`).
    static func textConfigAside(_ config: ModelConfigFacts, _ fact: ModelTypeFact) -> String {
        guard let ignored = config.ignoredTextConfigTie else { return "" }
        return " at the top level (its text_config sets it to \(stated(ignored)), which \(fact.configClass) does not read for the model's own tying)"
    }

    /// A config value as written, for sentences.
    static func stated(_ value: ModelConfigFacts.Value<Bool>) -> String {
        switch value {
        case .value(let flag): "\(flag)"
        case .null: "null"
        case .unusable(let text): text
        case .absent: "absent"
        }
    }

    /// The config's stated value when the bytes contradict it, either way: the bytes decide, and
    /// the contradiction is worth a reader's attention (an export that untied a tied model, or
    /// saved an untied model's matrices equal).
    ///
    /// A config transformers refuses states nothing a loaded model acts on: the aside says so
    /// instead, whatever its `tie_word_embeddings` (`padding` said nothing of it where `ties`
    /// said "config.json sets tie_word_embeddings: true"; review-53b #5). A stated false that
    /// T5Config and its relatives replace with true is no contradiction of identical bytes: a
    /// model loaded from the file ties them (it read "the file does not follow it").
    private static func configContrast(_ config: ModelConfigFacts?, identical: Bool) -> String {
        guard let config else { return "" }
        if let refused = refusedClause(config) { return " (" + refused + ".)" }
        guard config.isTransformersConfig, case .value(let stated) = config.tieWordEmbeddings,
              stated != identical else { return "" }
        if identical, let override = overriddenFalseClause(config) { return " (" + override + ".)" }
        return " (\(config.path) sets tie_word_embeddings to \(stated); the file does not follow it.)"
    }

    /// What a config transformers refuses to load (`ModelConfigFacts.refusalReason`) says of
    /// the tie, as a clause without a final period: nothing a loaded model acts on, since none
    /// is loaded. nil for a config transformers loads. Shared by `padding`'s detail and the
    /// `ties` group note (`TieStatement.clause`), so the two say the same.
    public static func refusedClause(_ config: ModelConfigFacts) -> String? {
        guard let refused = config.refusalReason else { return nil }
        let stated = if case .value(let flag) = config.tieWordEmbeddings { " (\(flag) here)" } else { "" }
        return "\(config.path): \(refused), so its tie_word_embeddings\(stated) speaks of no model loaded from it"
    }

    /// A stated `tie_word_embeddings: false` that the model type's config class replaces with
    /// true (T5Config: `ModelTypeFact.ignoresStatedFalse`), as a clause without a final period;
    /// nil otherwise. Shared by `padding`'s detail and the `ties` group note.
    public static func overriddenFalseClause(_ config: ModelConfigFacts) -> String? {
        guard case .value(false) = config.tieWordEmbeddings, let type = config.modelType,
              let fact = ModelTypeFacts.fact(for: type), fact.ignoresStatedFalse else { return nil }
        return "\(config.path) sets tie_word_embeddings to false, which \(fact.configClass) in transformers \(ModelTypeFacts.transformersVersion) "
            + "replaces with true (a stated false only turns off output scaling): a model loaded from it ties the output projection to the input embedding"
    }
}
