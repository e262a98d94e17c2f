import Foundation
@testable import ModelKnowledge
import TestSupport
import Testing

/// The generated list of composite model types against transformers' own answer
/// (TestData/knowledge/composite-model-types.json, written by generate_composite_types.py).
@Suite struct CompositeModelTypesTests {
    @Test("the Swift list is transformers' list of config classes with a text_config sub-config")
    func listMatchesTransformers() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let types = try #require(document["model_types"] as? [String])
        #expect(types.count > 100)
        #expect(ModelTypeFacts.compositeTypes == Set(types))
        #expect(document["transformers_version"] as? String == ModelTypeFacts.transformersVersion)
        // By hand from transformers' config classes: LlavaConfig has a text_config, NemotronConfig not.
        #expect(ModelTypeFacts.isComposite("llava") && ModelTypeFacts.isComposite("gemma3") && !ModelTypeFacts.isComposite("nemotron"))
        // The rule's ground: the sample built by transformers takes the text_config's 7 over a top-level 5.
        let built = try #require(document["built_with_text_config_pad"] as? [String: Int])
        #expect(built.count >= 10 && built.values.allSatisfy { $0 == 7 }, "\(built)")
        #expect(built.keys.allSatisfy(ModelTypeFacts.isComposite))
        let forwarding = try #require(document["forwards_top_level"] as? [String])
        #expect(ModelTypeFacts.forwardingTypes == Set(forwarding) && forwarding.contains("qwen2_vl") && !forwarding.contains("llava"))
    }

    /// Each measured class's twelve answers (the class built by transformers for each way a
    /// config states the two keys), against the judge reading the matching config.json text:
    /// the parsing of the keys and the lookup agree with what transformers built.
    @Test("every composite type measured: the judge of each of the twelve config.json spellings is transformers' built answer")
    func measuredTies() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let ties = try #require(document["ties"] as? [String: [String: Any]])
        #expect(ties.count >= 80)
        // By hand, from transformers' config classes: LlavaConfig ties when either key says true.
        #expect(ties["llava"]?["ties"] as? String == "001011110010")
        let tops = ["", #""tie_word_embeddings": true, "#, #""tie_word_embeddings": false, "#]
        let texts = ["", #", "text_config": {}"#, #", "text_config": {"tie_word_embeddings": true}"#, #", "text_config": {"tie_word_embeddings": false}"#]
        for (type, entry) in ties.sorted(by: { $0.key < $1.key }) {
            let bits = Array(try #require(entry["ties"] as? String))
            #expect(bits.count == 12 && CompositeTies.measured(type)?.className == entry["class"] as? String, "\(type)")
            guard ModelTypeFacts.fact(for: type) == nil else { continue }  // the table's facts answer first
            for (row, top) in tops.enumerated() {
                for (column, text) in texts.enumerated() {
                    let json = "{\(top)\"model_type\": \"\(type)\"\(text)}"
                    let config = try ModelConfigFacts.read(NamedBytes(path: "c/config.json", bytes: Array(json.utf8)))
                    let judged = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
                    let want = bits[row * 4 + column] == "1"
                    #expect(judged.tied == want, "\(type) \(json): \(judged)")
                    let stated = row != 0 || column >= 2
                    #expect(judged.evidence == (stated ? .config : .modelTypeDefault), "\(type) \(json)")
                }
            }
        }
    }

    /// A text_config naming its model type without the key: the class builds that type's
    /// config, whose default fills it, for the types whose class reads the nested value from
    /// a free-typed text_config (LLaVA, BLIP-2); a fixed text_config class (Qwen2-VL) keeps its
    /// own default. transformers built each such type with a Llama (default false) and a Gemma
    /// (default true) text model (`ties_with_text_model`).
    @Test("a text_config naming llama or gemma without the key: the judge is what transformers built with that text model")
    func textModelDefault() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let ties = try #require(document["ties"] as? [String: [String: Any]])
        let measured = ties.compactMap { type, entry in (entry["ties_with_text_model"] as? [String: String]).map { (type, $0) } }
        #expect(measured.count >= 8)
        // By hand: LLaVA over a Gemma text model ties whatever the top level says; over Llama only when it says true.
        #expect(ties["llava"]?["ties_with_text_model"] as? [String: String] == ["gemma": "111", "llama": "010"])
        let tops = ["", #""tie_word_embeddings": true, "#, #""tie_word_embeddings": false, "#]
        for (type, byText) in measured.sorted(by: { $0.0 < $1.0 }) where ModelTypeFacts.fact(for: type) == nil {
            for (textType, bits) in byText.sorted(by: { $0.key < $1.key }) {
                for (row, top) in tops.enumerated() {
                    let json = "{\(top)\"model_type\": \"\(type)\", \"text_config\": {\"model_type\": \"\(textType)\"}}"
                    let config = try ModelConfigFacts.read(NamedBytes(path: "c/config.json", bytes: Array(json.utf8)))
                    let judged = TyingJudge.judge(TyingQuestion(config: config, hasOutputProjection: false))
                    #expect(judged.tied == (Array(bits)[row] == "1"), "\(json): \(judged)")
                }
            }
        }
    }

    /// A text_config naming a model type outside the table (`ministral` here, which
    /// transformers registers but the table leaves out) without the key: known only where the
    /// Llama and Gemma text models gave the same answer (the text default cannot matter), else
    /// unknown — never the top-level key alone for a class that does not read it (BLIP-2).
    @Test("a nested model type outside the table: the answer where Llama and Gemma agree, else unknown")
    func unknownTextModelType() throws {
        #expect(ModelTypeFacts.fact(for: "ministral") == nil)
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let ties = try #require(document["ties"] as? [String: [String: Any]])
        let tops = ["", #""tie_word_embeddings": true, "#, #""tie_word_embeddings": false, "#]
        var unknown = 0
        for (type, entry) in ties.sorted(by: { $0.key < $1.key }) where CompositeTies.measured(type)?.nestedTypeDecides == true {
            let byText = try #require(entry["ties_with_text_model"] as? [String: String])
            let (llama, gemma) = (Array(try #require(byText["llama"])), Array(try #require(byText["gemma"])))
            for (row, top) in tops.enumerated() {
                let json = "{\(top)\"model_type\": \"\(type)\", \"text_config\": {\"model_type\": \"ministral\"}}"
                let judged = TyingJudge.judge(TyingQuestion(config: try ModelConfigFacts.read(NamedBytes(path: "c/config.json", bytes: Array(json.utf8))),
                                                            hasOutputProjection: false))
                if llama[row] == gemma[row] {
                    #expect(judged.tied == (llama[row] == "1"), "\(json): \(judged)")
                } else {
                    unknown += 1
                    #expect(judged.tied == nil && judged.evidence == .unknown && judged.detail.contains("\"ministral\" is not in the table"), "\(json): \(judged)")
                }
            }
        }
        #expect(unknown >= 8)
    }

    /// A class that built the same under a top-level absent, true and false (BLIP-2 reads only
    /// its text_config) sets a top-level null or string aside: the answer is the measured one for
    /// an absent top level. (`from_pretrained` of a BLIP-2 with a top-level null or "true" loads
    /// and ties, in the review that found it.) A class that reads the top level leaves such a
    /// value to the general rule (unknown).
    @Test("a top-level null or string: set aside where the class ignores the top level, unknown where it reads it")
    func nonBooleanTopLevel() throws {
        let document = try #require(try Fixtures.json("knowledge/composite-model-types.json") as? [String: Any])
        let ties = try #require(document["ties"] as? [String: [String: Any]])
        let texts = ["", #", "text_config": {}"#, #", "text_config": {"tie_word_embeddings": true}"#, #", "text_config": {"tie_word_embeddings": false}"#]
        var ignoring = 0
        for (type, entry) in ties.sorted(by: { $0.key < $1.key }) where ModelTypeFacts.fact(for: type) == nil {
            let bits = Array(try #require(entry["ties"] as? String))
            let ignores = bits[0 ..< 4] == bits[4 ..< 8] && bits[0 ..< 4] == bits[8 ..< 12]
            #expect(CompositeTies.measured(type)?.ignoresTopLevel == ignores, "\(type)")
            if ignores { ignoring += 1 }
            for value in ["null", #""true""#] {
                for (column, text) in texts.enumerated() {
                    let json = "{\"tie_word_embeddings\": \(value), \"model_type\": \"\(type)\"\(text)}"
                    let judged = TyingJudge.judge(TyingQuestion(config: try ModelConfigFacts.read(NamedBytes(path: "c/config.json", bytes: Array(json.utf8))),
                                                                hasOutputProjection: false))
                    #expect(judged.tied == (ignores ? bits[column] == "1" : nil), "\(json): \(judged)")
                }
            }
        }
        #expect(ignoring >= 3 && ties["blip-2"].map { _ in CompositeTies.measured("blip-2")?.ignoresTopLevel } == true)
    }
}
