import Testing
import TensorAnalysis

/// The names llama.cpp's converter leaves out, case by case, as its source states them
/// (convert_hf_to_gguf.py / conversion/base.py `prepare_tensors`, conversion/bert.py
/// `BertModel.filter_tensors`, llama-cpp-python 0.3.36's vendored copy).
@Suite struct LlamaCppConverterDropsTests {
    @Test("buffers are skipped for every architecture", arguments: ["llama", "bert", "qwen2", nil])
    func buffers(architecture: String?) {
        for name in ["model.layers.0.self_attn.rotary_emb.inv_freq", "h.3.attn.attention.bias", "h.3.attn.attention.masked_bias"] {
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: architecture) != nil, "\(name)")
        }
    }

    @Test("BERT's pooler, position ids and pre-training heads only under architecture bert")
    func bertOnly() {
        let dropped = ["bert.pooler.dense.weight", "pooler.dense.bias", "bert.embeddings.position_ids",
                       "cls.predictions.bias", "cls.predictions.transform.dense.weight", "cls.seq_relationship.weight"]
        for name in dropped {
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "bert") != nil, "\(name)")
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "llama") == nil, "\(name)")
        }
    }

    @Test("weights the converter keeps are never excused")
    func keptWeights() {
        let kept = ["bert.embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.bias",
                    "encoder.layer.0.attention.output.dense.bias", "pooler.dense.weight.extra", "xcls.predictions.bias",
                    "model.layers.0.self_attn.q_proj.weight", "lm_head.weight", "attention.bias.weight"]
        for name in kept {
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "bert") == nil, "\(name)")
        }
    }

    /// `DistilBertModel.filter_tensors`: "These layers act as MLM head" (`vocab_*`), for that
    /// converter class only; its `distilbert.` prefix and RoBERTa's `roberta.` come off first.
    @Test("DistilBERT's masked-LM head is dropped for a DistilBERT side only; prefixed poolers alike")
    func distilBERTHead() {
        for name in ["vocab_transform.weight", "vocab_layer_norm.bias", "distilbert.vocab_transform.weight"] {
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "bert", distilBERT: true) != nil, "\(name)")
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "bert", distilBERT: false) == nil, "\(name)")
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "llama", distilBERT: true) == nil, "\(name)")
        }
        // `vocab_projector.` holds `projector.`, which `TextModel.filter_tensors` skips for every text converter:
        // DistilBERT's own rule says why first, any other converter skips it as a projector.
        #expect(LlamaCppConverterDrops.reason(forHubName: "vocab_projector.bias", architecture: "bert", distilBERT: true)?
                    .contains("DistilBertModel.filter_tensors") == true)
        for (architecture, distilBERT) in [("bert", false), ("llama", true)] {
            #expect(LlamaCppConverterDrops.reason(forHubName: "vocab_projector.bias", architecture: architecture, distilBERT: distilBERT)?
                        .contains("TextModel.filter_tensors") == true)
        }
        #expect(LlamaCppConverterDrops.reason(forHubName: "distilbert.transformer.layer.0.ffn.lin1.weight", architecture: "bert",
                                              distilBERT: true) == nil)
        #expect(LlamaCppConverterDrops.reason(forHubName: "roberta.pooler.dense.weight", architecture: "bert") != nil)
        #expect(LlamaCppConverterDrops.reason(forHubName: "roberta.embeddings.position_ids", architecture: "bert") != nil)
    }

    /// `TextModel.filter_tensors` (`conversion/base.py`): the vision and audio towers of a
    /// multimodal checkpoint go to the `--mmproj` file, for every text architecture; a projector
    /// file (`clip`) is the other side of that split.
    @Test("vision and audio towers are skipped by every text converter, not by the projector's")
    func multimodalTowers() {
        let towers = ["model.vision_tower.encoder.layers.0.mlp.fc1.weight", "model.multi_modal_projector.linear_1.weight",
                      "model.embed_vision.embedding_projection.weight", "model.audio_tower.conformer.0.ffw.weight",
                      "visual.blocks.0.attn.qkv.weight", "vision_model.embeddings.patch_embedding.weight", "mlp1.0.weight",
                      "model.image_newline", "siglip2.encoder.weight"]
        for name in towers {
            for architecture in ["gemma4", "gemma3", "llama", "qwen2vl", "bert"] {
                #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: architecture)?.contains("TextModel.filter_tensors") == true,
                        "\(name) \(architecture)")
            }
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "clip") == nil, "\(name)")
        }
        for name in ["model.language_model.layers.0.mlp.down_proj.weight", "model.layers.0.self_attn.o_proj.weight",
                     "model.embed_tokens.weight", "transformer.h.0.mlp.c_fc.weight", "model.visionary.weight"] {
            #expect(LlamaCppConverterDrops.reason(forHubName: name, architecture: "gemma4") == nil, "\(name)")
        }
    }
}
