import Testing
import ModelKnowledge

/// The pad id of a wrapper that builds its decoder from a `decoder` sub-config: the decoder's
/// `pad_token_id` (its input embedding's `padding_idx`) when the top level states none, the
/// encoder has no token matrix or states the same id, and the decoder's type builds its
/// embedding with one; cases written by hand.
@Suite struct DecoderWrapperPadTests {
    static func facts(_ json: String) throws -> ModelConfigFacts {
        try ModelConfigFacts.read(NamedBytes(path: "w/config.json", bytes: Array(json.utf8)))
    }

    @Test("the decoder's id when the top level states none (absent or null), with the key it came from")
    func fromDecoder() throws {
        for top in ["", #""pad_token_id": null, "#] {
            let config = try Self.facts(#"{"model_type": "vision-encoder-decoder", "#+top+#""decoder": {"model_type": "trocr", "pad_token_id": 1}}"#)
            #expect(config.padTokenID == .value(1) && config.padTokenIDKey == "decoder.pad_token_id", "\(top)")
        }
    }

    @Test("not the decoder's: a top-level id, an encoder stating another, a model type that is no wrapper")
    func notFromDecoder() throws {
        let top = try Self.facts(#"{"model_type": "encoder-decoder", "pad_token_id": 3, "decoder": {"pad_token_id": 1}}"#)
        #expect(top.padTokenID == .value(3) && top.padTokenIDKey == nil)
        let encoder = try Self.facts(#"{"model_type": "encoder-decoder", "encoder": {"pad_token_id": 0}, "decoder": {"pad_token_id": 1}}"#)
        #expect(encoder.padTokenID == .absent)
        // A text encoder that leaves it out has its class's default (BertConfig 0), not the decoder's.
        let unstated = try Self.facts(#"{"model_type": "encoder-decoder", "encoder": {"model_type": "bert"}, "decoder": {"pad_token_id": 1}}"#)
        #expect(unstated.padTokenID == .absent)
        let same = try Self.facts(#"{"model_type": "encoder-decoder", "encoder": {"pad_token_id": 1}, "decoder": {"pad_token_id": 1}}"#)
        #expect(same.padTokenID == .value(1))
        // GPT2Model builds wte without padding_idx: its pad id is no padding_idx.
        let gpt2 = try Self.facts(#"{"model_type": "speech-encoder-decoder", "decoder": {"model_type": "gpt2", "pad_token_id": 3}}"#)
        #expect(gpt2.padTokenID == .absent)
        let bert = try Self.facts(#"{"model_type": "bert", "decoder": {"pad_token_id": 1}}"#)
        #expect(bert.padTokenID == .absent && bert.padTokenIDKey == nil)
    }
}
