import ModelKnowledge
import Testing

/// Each evidence grade, with inputs written by hand.
@Suite struct TyingJudgeTests {
    func config(_ modelType: String?, tie: ModelConfigFacts.Value<Bool> = .absent) -> ModelConfigFacts {
        ModelConfigFacts(path: "m/config.json", modelType: modelType, tieWordEmbeddings: tie)
    }

    /// A config transformers 5 refuses to load (a pad_token_id list: LlamaConfig's strict type
    /// check) builds no model: no tie claim from it, whatever its model type's default (hunt-53a
    /// D6: "not tied (evidence: model-type-default)"). The bytes, when compared, still decide.
    @Test("a config transformers refuses: unknown, not its model type's default; compared bytes still decide")
    func refusedConfig() {
        var refused = config("llama")
        refused.padTokenIDIsList = true
        let j = TyingJudge.judge(TyingQuestion(config: refused, hasOutputProjection: false))
        #expect(j.tied == nil && j.evidence == .unknown)
        #expect(j.detail.hasPrefix("m/config.json: states pad_token_id as a list, which LlamaConfig in transformers 5.25.0 refuses to load, so neither"))
        #expect(TyingJudge.judge(TyingQuestion(config: config("llama"), hasOutputProjection: false)).evidence == .modelTypeDefault)
        // A class that keeps the list (ModernVBertConfig) loads, and a model class that does not
        // generate builds from it: the list refuses nothing there (review-54 D1).
        var kept = config("modernvbert", tie: .value(true))
        kept.padTokenIDIsList = true
        kept.architectures = .value(["ModernVBertForMaskedLM"])
        #expect(kept.refusalReason == nil && TyingJudge.judge(TyingQuestion(config: kept, hasOutputProjection: false)).tied == true)
        // A class that generates validates its generation config, which refuses the list; with no
        // class named, any may be meant (review-54b N2: CodeGenForCausalLM, LlavaForConditionalGeneration).
        var generating = config("codegen", tie: .value(true))
        generating.padTokenIDIsList = true
        generating.architectures = .value(["CodeGenForCausalLM"])
        #expect(generating.refusalReason?.hasSuffix("keeps but CodeGenForCausalLM, a class that generates, refuses when built (its generation config check)") == true)
        kept.architectures = .absent
        #expect(kept.refusalReason?.hasSuffix("and config.json names no class") == true)
        // A list in a composite config's text_config: its text class checks it (review-54b N1).
        var nested = config("llava", tie: .value(true))
        nested.padTokenIDIsList = true
        nested.fieldsFromTextConfig = ["pad_token_id"]
        #expect(nested.refusalReason == "states its text_config's pad_token_id as a list, which transformers 5.25.0 refuses to load for "
                + "model_type 'llava' (its text_config class checks the field)")
        let bytes = TyingJudge.judge(TyingQuestion(config: refused, hasOutputProjection: true, bytesIdentical: false))
        #expect(bytes.tied == false && bytes.evidence == .identicalBytes)
    }

    @Test func aliasWinsOverEverything() {
        let j = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(false)), hasOutputProjection: true,
                                               bytesIdentical: false, aliasExists: true))
        #expect(j.tied == true && j.evidence == .metadataAlias && j.justifiesTiedExplanation)
    }

    @Test func bytesDecideWhenCompared() {
        let same = TyingJudge.judge(TyingQuestion(config: nil, hasOutputProjection: true, bytesIdentical: true))
        #expect(same.tied == true && same.evidence == .identicalBytes)
        let differ = TyingJudge.judge(TyingQuestion(config: config("bert", tie: .value(true)), hasOutputProjection: true, bytesIdentical: false))
        #expect(differ.tied == false && differ.evidence == .identicalBytes)
        #expect(differ.detail.contains("does not follow"))
        #expect(!differ.justifiesTiedExplanation)
        // The other way round: the config says untied, and the file stores the two as one
        // buffer (a torch shared storage): they were one tensor when saved.
        let contradicted = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(false)), hasOutputProjection: true,
                                                          bytesIdentical: true, identicalBytesAreShared: true))
        #expect(contradicted.tied == true && contradicted.evidence == .identicalBytes)
        #expect(contradicted.detail.hasSuffix("(m/config.json sets tie_word_embeddings to false; the file does not follow it.)"))
        // Agreement either way adds nothing.
        let agreed = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(true)), hasOutputProjection: true, bytesIdentical: true))
        #expect(agreed.detail == "The output projection's bytes are identical to the input embedding's.")
        let untied = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(false)), hasOutputProjection: true, bytesIdentical: false))
        #expect(!untied.detail.contains("does not follow"))
    }

    /// transformers loads a stored copy the config unties as its own parameter: LlamaForCausalLM
    /// with tie_word_embeddings false and lm_head.weight copied from the embedding loads two
    /// parameters (`get_output_embeddings().weight is not get_input_embeddings().weight`), and
    /// dropping the copy leaves lm_head.weight missing (review, 2026-12-05).
    @Test("two stored copies the config or the model type's default unties are equal, not tied")
    func storedCopyUntiedByConfig() {
        let stated = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(false)), hasOutputProjection: true, bytesIdentical: true))
        #expect(stated.tied == false && stated.evidence == .config && !stated.justifiesTiedExplanation)
        #expect(stated.detail.contains("sets tie_word_embeddings to false") && stated.detail.contains("equal, not tied"))
        let implied = TyingJudge.judge(TyingQuestion(config: config("llama"), hasOutputProjection: true, bytesIdentical: true))
        #expect(implied.tied == false && implied.evidence == .modelTypeDefault)
        // A config that ties them, or says nothing usable, leaves the bytes to decide.
        for tie in [ModelConfigFacts.Value<Bool>.value(true), .null] {
            let j = TyingJudge.judge(TyingQuestion(config: config("llama", tie: tie), hasOutputProjection: true, bytesIdentical: true))
            #expect(j.tied == true && j.evidence == .identicalBytes)
        }
        #expect(TyingJudge.judge(TyingQuestion(config: config("gemma"), hasOutputProjection: true, bytesIdentical: true)).evidence == .identicalBytes)
    }

    @Test func explicitConfigValue() {
        let j = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(true)), hasOutputProjection: true))
        #expect(j.tied == true && j.evidence == .config && j.justifiesTiedExplanation)
    }

    @Test func modelTypeDefaultBothWays() {
        let llama = TyingJudge.judge(TyingQuestion(config: config("llama"), hasOutputProjection: true))
        #expect(llama.tied == false && llama.evidence == .modelTypeDefault && !llama.justifiesTiedExplanation)
        let gemma = TyingJudge.judge(TyingQuestion(config: config("gemma"), hasOutputProjection: true))
        #expect(gemma.tied == true && gemma.evidence == .modelTypeDefault && gemma.justifiesTiedExplanation)
    }

    @Test func configWithoutModelTypeIsUnknownEvenWithATieKey() {
        for tie in [ModelConfigFacts.Value<Bool>.absent, .value(true)] {
            let j = TyingJudge.judge(TyingQuestion(config: config(nil, tie: tie), hasOutputProjection: true))
            #expect(j.tied == nil && j.evidence == .unknown)
            #expect(j.detail.contains("not a transformers config"))
        }
    }

    @Test func unknownModelTypeAndUnusableValues() {
        let other = TyingJudge.judge(TyingQuestion(config: config("my_custom_arch"), hasOutputProjection: true))
        #expect(other.tied == nil && other.evidence == .unknown)
        let text = TyingJudge.judge(TyingQuestion(config: config("bert", tie: .unusable("\"true\"")), hasOutputProjection: true))
        #expect(text.tied == nil && text.evidence == .unknown)
        let null = TyingJudge.judge(TyingQuestion(config: config("bert", tie: .null), hasOutputProjection: true))
        #expect(null.tied == nil && null.evidence == .unknown)
        // transformers 5.25: AutoConfig raises StrictDataclassFieldValidationError for a null or
        // a string tie_word_embeddings in BertConfig and LlamaConfig (checked by hand), and
        // T5Config pops the value and sets true. The detail said null was read "as false-y".
        #expect(null.detail.contains("refuses to load such a config") && text.detail.contains("refuses to load such a config"))
        #expect(!null.detail.contains("false-y"))
        let t5 = TyingJudge.judge(TyingQuestion(config: config("t5", tie: .null), hasOutputProjection: true))
        #expect(t5.tied == nil && t5.detail.contains("T5Config in transformers 5.25.0 replaces it with true"))
    }

    /// T5Config sets tie_word_embeddings to true whatever config.json says (transformers 5.25:
    /// `T5Config(tie_word_embeddings=False).tie_word_embeddings` is True), so a stated false
    /// unties no stored copy; BartConfig keeps a stated false, and transformers then ties
    /// nothing (generate_seq2seq.py: Pegasus' three equal embeddings load as three parameters).
    @Test("a stated false unties copies for BART, not for T5, whose config class overrides it")
    func statedFalseOverriddenByT5Config() {
        let bart = TyingQuestion(config: config("bart", tie: .value(false)), hasOutputProjection: true)
        #expect(TyingJudge.untiedCopies(bart)?.tied == false)
        let t5 = TyingQuestion(config: config("t5", tie: .value(false)), hasOutputProjection: true)
        #expect(TyingJudge.untiedCopies(t5) == nil)
        let stated = TyingJudge.judge(t5)
        #expect(stated.tied == false && stated.evidence == .config)
        #expect(stated.detail.contains("T5Config in transformers 5.25.0 sets it to true whatever config.json says"))
        // Stored copies with identical bytes: a model loaded from the file ties them.
        var copies = t5
        copies.bytesIdentical = true
        let identical = TyingJudge.judge(copies)
        #expect(identical.tied == true && identical.evidence == .identicalBytes)
        copies.config = config("bart", tie: .value(false))
        #expect(TyingJudge.judge(copies).tied == false)
        // No head stored: a model loaded from the file ties (`from_pretrained`, unstored-ties.json).
        let headless = TyingJudge.judge(TyingQuestion(config: config("t5", tie: .value(false)), hasOutputProjection: false))
        #expect(headless.tied == true && headless.evidence == .modelTypeDefault)
        #expect(headless.detail.contains("sets tie_word_embeddings to false, but T5Config in transformers 5.25.0 sets it to true whatever config.json says"))
        let bartHeadless = TyingJudge.judge(TyingQuestion(config: config("bart", tie: .value(false)), hasOutputProjection: false))
        #expect(bartHeadless.tied == false && bartHeadless.evidence == .config)
    }

    @Test("a partial checkpoint without the counterpart: a tying config or default decides nothing; an untying one still does")
    func partialCheckpoint() {
        func judge(_ tie: ModelConfigFacts.Value<Bool>, _ type: String, present: Bool = false) -> TyingJudgement {
            var question = TyingQuestion(config: config(type, tie: tie), hasOutputProjection: present)
            question.partialCheckpoint = "model-00002-of-00003.safetensors is shard 2 of 3 by its name"
            return TyingJudge.judge(question)
        }
        for judged in [judge(.value(true), "llama"), judge(.absent, "gpt2"), judge(.value(false), "t5")] {
            #expect(judged.tied == nil && judged.evidence == .unknown, "\(judged)")
            #expect(judged.detail.contains("But model-00002-of-00003.safetensors is shard 2 of 3 by its name, so the matrix it would be tied to may be stored in a part not read here"))
        }
        #expect(judge(.value(false), "llama").tied == false)
        #expect(judge(.absent, "llama").tied == false)
        // Untied by the config, no head in the part read: the files read hold none, not the checkpoint (helper-145).
        let untied = judge(.value(false), "llama").detail
        #expect(untied.contains("The files read hold no output projection, but model-00002-of-00003.safetensors is shard 2 of 3 by its name: "
            + "it may be stored in a part not read.") && !untied.contains("This checkpoint holds no output projection"), "\(untied)")
        // A head in this shard whose embedding is elsewhere (its counterpart not in the files):
        // the same. With the counterpart here the caller leaves `partialCheckpoint` nil and the
        // bytes decide.
        #expect(judge(.value(true), "llama", present: true).tied == nil)
        let bytes = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(true)), hasOutputProjection: true, bytesIdentical: false))
        #expect(bytes.tied == false && bytes.evidence == .identicalBytes)
    }

    /// An output projection stored in another element type (Q6_K beside a Q4_K embedding, F32
    /// beside F16) has bytes that cannot equal the embedding's whatever the values: the config
    /// or default decides, or nothing does (review, 2026-12-05: the same values as F16 and F32
    /// were "not tied (identical-bytes)").
    @Test("bytes of another element type decide nothing: the config does, or nothing")
    func incomparableTypes() {
        let why = "output.weight is stored as F32 and token_embd.weight as F16: bytes of different types cannot show whether the values are the same."
        let none = TyingJudge.judge(TyingQuestion(config: nil, hasOutputProjection: true, acrossTypes: why))
        #expect(none.tied == nil && none.evidence == .none)
        #expect(none.detail == why + " No config.json says whether the embedding is tied.")
        let stated = TyingJudge.judge(TyingQuestion(config: config("llama", tie: .value(false)), hasOutputProjection: true, acrossTypes: why))
        #expect(stated.tied == false && stated.evidence == .config && stated.detail.hasPrefix(why))
    }

    @Test func noConfigIsNone() {
        let j = TyingJudge.judge(TyingQuestion(config: nil, hasOutputProjection: false))
        #expect(j.tied == nil && j.evidence == .none && !j.outputProjectionPresent)
        #expect(j.detail.contains("no output projection"))
    }

    @Test func bytesNotComparableWithoutAnOutputProjection() {
        // bytesIdentical is ignored when there is no output projection to compare.
        let j = TyingJudge.judge(TyingQuestion(config: config("llama"), hasOutputProjection: false, bytesIdentical: true))
        #expect(j.evidence == .modelTypeDefault && j.tied == false)
        #expect(j.detail.contains("holds no output projection"))
        #expect(!j.detail.contains("the tie is that of"), "untied: no tie to explain")
    }

    @Test("a tie without a stored head says what it is about, so 'tied' and 'no output projection' do not read as a contradiction")
    func tiedWithoutAHead() {
        // BertConfig ties by default (transformers 5.25); config.json states true for GPT-2 here.
        for question in [TyingQuestion(config: config("bert"), hasOutputProjection: false),
                         TyingQuestion(config: config("gpt2", tie: .value(true)), hasOutputProjection: false)] {
            let j = TyingJudge.judge(question)
            #expect(j.tied == true)
            #expect(j.detail.hasSuffix("This checkpoint holds no output projection: the tie is that of a model built from this config "
                                       + "with a language-model head, whose output layer shares this matrix."), "\(j.detail)")
        }
        // A config naming the head class (BertForMaskedLM has an output projection in
        // transformers, architectures.json): that model, its tied weight saved once.
        var named = config("bert", tie: .value(true))
        named.architectures = .value(["BertForMaskedLM"])
        let j = TyingJudge.judge(TyingQuestion(config: named, hasOutputProjection: false))
        #expect(j.tied == true)
        #expect(j.detail.hasSuffix("This checkpoint stores no separate output projection: config.json's architectures name BertForMaskedLM, "
                                   + "whose output layer is this matrix when tied (transformers saves a tied weight once)."), "\(j.detail)")
    }

    @Test func evidenceNamesAreTheJSONStrings() {
        #expect(TyingEvidence.allCases.map(\.rawValue) ==
                ["identical-bytes", "metadata-alias", "format-convention", "architecture", "config", "model-type-default", "none", "unknown"])
    }
}

@Suite struct IndicatorChoiceTests {
    func judgement(_ tied: Bool?) -> TyingJudgement {
        TyingJudgement(tied: tied, evidence: tied == nil ? .unknown : .config, detail: "", outputProjectionPresent: true)
    }

    @Test func followsTheTie() {
        #expect(UndertrainedIndicator.choose(for: judgement(false), knownUnusedCount: 0) == .inputRowNorm)
        #expect(UndertrainedIndicator.choose(for: judgement(true), knownUnusedCount: 994) == .unusedSimilarity)
        #expect(UndertrainedIndicator.choose(for: judgement(true), knownUnusedCount: 0) == nil)
        #expect(UndertrainedIndicator.choose(for: judgement(nil), knownUnusedCount: 5) == .inputRowNorm)
    }
}
