import Testing
import TensorAnalysis

/// Expert `E` of a Hub MoE layer names entry `E` of the GGUF tensor llama.cpp's converter stacks
/// the experts into (names by gguf-py 0.19's `get_tensor_name_map`, hand-checked: the converter
/// looks up the name without `E.`).
@Suite struct ExpertNameTests {
    @Test("Qwen-MoE, OLMoE and DeepSeek experts, Mixtral's w1/w2/w3: entry E of the stacked tensor")
    func experts() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.7.mlp.experts.12.gate_proj.weight", architecture: "qwen3moe")
                == "blk.7.ffn_gate_exps.weight[12]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.experts.0.down_proj.weight", architecture: "olmoe")
                == "blk.0.ffn_down_exps.weight[0]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.block_sparse_moe.experts.5.w3.weight", architecture: "llama")
                == "blk.3.ffn_up_exps.weight[5]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.language_model.layers.1.mlp.experts.2.up_proj.weight", architecture: "qwen3moe")
                == "blk.1.ffn_up_exps.weight[2]")
        // A shared expert is one matrix, no entry.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.mlp.shared_expert.up_proj.weight", architecture: "qwen2moe")
                == "blk.1.ffn_up_shexp.weight")
    }

    @Test("no entry for a zero-padded or non-numeric expert, or experts not a name part")
    func notExperts() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.experts.01.gate_proj.weight", architecture: "qwen3moe") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.experts.x.gate_proj.weight", architecture: "qwen3moe") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.myexperts.1.gate_proj.weight", architecture: "qwen3moe") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.experts.1", architecture: "qwen3moe") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.mlp.experts.1.unknown.weight", architecture: "qwen3moe") == nil)
    }

    /// LFM2-MoE's converter stacks under the merged name without `model.` (lfm2.py), and it, AFMoE's
    /// and Ling's rename a router's `expert_bias` to `expert_bias.bias` (gguf-py 0.19 then names
    /// `layers.1.feed_forward.experts.w2.weight` `blk.1.ffn_down_exps.weight` and
    /// `model.layers.1.feed_forward.expert_bias.bias` `blk.1.exp_probs_b.bias`).
    @Test("LFM2-MoE experts and the expert_bias renames")
    func lfm2AndExpertBias() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.feed_forward.experts.3.w2.weight", architecture: "lfm2moe")
                == "blk.1.ffn_down_exps.weight[3]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.feed_forward.expert_bias", architecture: "lfm2moe") == "blk.1.exp_probs_b.bias")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.mlp.expert_bias", architecture: "afmoe") == "blk.1.exp_probs_b.bias")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.mlp.gate.expert_bias", architecture: "bailingmoe2") == "blk.1.exp_probs_b.bias")
        // Other architectures' converters keep the name: gguf-py's whole-key match, no suffix.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.feed_forward.expert_bias", architecture: "llama") == "blk.1.exp_probs_b")
    }

    /// Nemotron-H MoE's converter (nemotron.py) collects `backbone.layers.N.mixer.experts.E.W.weight`
    /// and stacks them as `model.layers.N.mlp.experts.W.weight`, which gguf-py 0.19's NEMOTRON_H_MOE
    /// table names `blk.N.ffn_up_exps.weight` / `ffn_down_exps.weight`.
    @Test("Nemotron-H MoE experts: the converter's merged name")
    func nemotronH() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "backbone.layers.1.mixer.experts.2.up_proj.weight", architecture: "nemotron_h_moe")
                == "blk.1.ffn_up_exps.weight[2]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "backbone.layers.3.mixer.experts.0.down_proj.weight", architecture: "nemotron_h_moe")
                == "blk.3.ffn_down_exps.weight[0]")
    }

    /// State-space layers' `dt_bias`, renamed `dt_proj.bias` by the converters before gguf-py's
    /// table (which names `model.layers.0.linear_attn.dt_proj.bias` `blk.0.ssm_dt.bias` for
    /// QWEN3NEXT, `backbone.layers.0.mixer.dt_proj.bias` alike for NEMOTRON_H_MOE).
    @Test("dt_bias pairs with ssm_dt.bias")
    func dtBias() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.0.linear_attn.dt_bias", architecture: "qwen3next") == "blk.0.ssm_dt.bias")
        #expect(LlamaCppNameMap.ggufName(forHubName: "backbone.layers.0.mixer.dt_bias", architecture: "nemotron_h_moe") == "blk.0.ssm_dt.bias")
    }
}

/// Gemma 4's converter (`conversion/gemma.py`, `Gemma4Model.filter_tensors` and `modify_tensors`)
/// renames before gguf-py's map, or names a tensor itself; hand-checked against conversions by the
/// converter (TestData/gguf-gemma4/generate.py says which).
@Suite struct Gemma4NameTests {
    @Test("layer_scalar, the fused experts and the router scales of a gemma4 file")
    func renamed() {
        let cases = [("model.language_model.layers.3.layer_scalar", "blk.3.layer_output_scale.weight"),
                     ("model.layers.0.experts.gate_up_proj", "blk.0.ffn_gate_up_exps.weight"),
                     ("model.layers.12.experts.down_proj", "blk.12.ffn_down_exps.weight"),
                     ("model.layers.2.router.scale", "blk.2.ffn_gate_inp.scale"),
                     ("model.language_model.layers.5.router.per_expert_scale", "blk.5.ffn_down_exps.scale"),
                     ("model.layers.2.router.proj.weight", "blk.2.ffn_gate_inp.weight")]
        for (hub, gguf) in cases {
            #expect(LlamaCppNameMap.ggufName(forHubName: hub, architecture: "gemma4") == gguf, "\(hub)")
            #expect(LlamaCppNameMap.ggufName(forHubName: hub, architecture: "gemma4-assistant") == gguf, "\(hub)")
        }
    }

    /// gguf-py 0.19.0 has no `gemma4-assistant`; the converter's gguf-py gives it Gemma 4's norms and
    /// NextN projections (hunt-56a D1: `post_attention_layernorm` was paired with `ffn_norm`).
    @Test("a gemma4-assistant file: Gemma 4's norm names and the NextN projections; its masked embedding dropped")
    func assistant() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.post_attention_layernorm.weight", architecture: "gemma4-assistant")
                == "blk.1.post_attention_norm.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.pre_feedforward_layernorm.weight", architecture: "gemma4-assistant")
                == "blk.1.ffn_norm.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "pre_projection.weight", architecture: "gemma4-assistant") == "nextn.pre_projection.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "post_projection.weight", architecture: "gemma4-assistant") == "nextn.post_projection.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "pre_projection.weight", architecture: "gemma4") == nil)
        #expect(LlamaCppConverterDrops.reason(forHubName: "masked_embedding.centroids.weight", architecture: "gemma4-assistant")?
                    .contains("Gemma4AssistantModel.filter_tensors") == true)
        #expect(LlamaCppConverterDrops.reason(forHubName: "masked_embedding.centroids.weight", architecture: "gemma4") == nil)
    }

    @Test("an expert bias takes .weight too, as the converter's suffix test reads it: no name gguf-py knows")
    func expertBias() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.experts.down_proj.bias", architecture: "gemma4") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.experts.down_proj.bias", architecture: "llama") == "blk.1.ffn_down_exps.bias")
    }

    @Test("only gemma4's converter renames: another architecture's file leaves them unnamed")
    func otherArchitectures() {
        // gguf-py's map alone: no `.weight` appended, so no name a gemma4 file holds.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.layer_scalar", architecture: "gemma3") == "blk.3.layer_output_scale")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.2.router.scale", architecture: "llama") == nil)
        // A router scale with no block number is no name the converter forms.
        #expect(LlamaCppNameMap.ggufName(forHubName: "router.scale", architecture: "gemma4") == nil)
    }
}

/// GPT-OSS's converter (`conversion/gpt_oss.py`, `GptOssModel`): `.weight` after `sinks`,
/// `down_proj_bias` renamed `down_proj.bias` (checked on a conversion by the converter, hunt-55a).
@Suite struct GptOssNameTests {
    @Test("attention sinks and the experts' down-projection bias of a gpt-oss file")
    func renamed() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.self_attn.sinks", architecture: "gpt-oss") == "blk.3.attn_sinks.weight")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.mlp.experts.down_proj_bias", architecture: "gpt-oss")
                == "blk.1.ffn_down_exps.bias")
        // Another architecture's converter adds nothing: gguf-py's map alone.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.3.self_attn.sinks", architecture: "llama") == "blk.3.attn_sinks")
        // The interleaved gate/up bias is no name the converter keeps.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.1.mlp.experts.gate_up_proj_bias", architecture: "gpt-oss") == nil)
    }
}

/// Gemma 3n's converter (`conversion/gemma.py`, `Gemma3NModel`): AltUp projections stacked in
/// order 0, 1, 2, `.weight` after `_scale` (checked by value on a conversion by the converter, hunt-56a D3).
@Suite struct Gemma3nNameTests {
    @Test("AltUp projections are entries of the stacked tensor; correct_output_scale takes .weight")
    func altup() {
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.altup_projections.2.weight", architecture: "gemma3n") == "altup_proj.weight[2]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.language_model.altup_unembed_projections.0.weight", architecture: "gemma3n")
                == "altup_unembd_proj.weight[0]")
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.layers.4.altup.correct_output_scale", architecture: "gemma3n")
                == "blk.4.altup_correct_scale.weight")
        // Only three inputs are stacked; another architecture stacks nothing.
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.altup_projections.3.weight", architecture: "gemma3n") == nil)
        #expect(LlamaCppNameMap.ggufName(forHubName: "model.altup_projections.1.weight", architecture: "gemma3") == nil)
    }
}
