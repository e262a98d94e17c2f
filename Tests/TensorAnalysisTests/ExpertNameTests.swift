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
}
