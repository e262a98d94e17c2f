import Testing
@testable import TensorAnalysis
import CheckpointIO

/// The Hub names shard i of n `NAME-iiiii-of-nnnnn.EXT` (transformers' `save_pretrained`,
/// `huggingface_hub.split_torch_state_dict_into_shards`): read by hand here.
@Suite struct LoneShardNameTests {
    @Test("shard numbers from the Hub's shard names, and none from other names", arguments: [
        ("model-00006-of-00007.safetensors", 6, 7),
        ("pytorch_model-00001-of-00002.bin", 1, 2),
        ("model-1-of-1.safetensors", 1, 1),
        ("a-of-b-00002-of-00003.safetensors", 2, 3),
    ])
    func shardNames(name: String, index: Int, total: Int) {
        let numbers = Checkpoint.shardNumbers(in: name)
        #expect(numbers?.0 == index && numbers?.1 == total, "\(name)")
    }

    @Test("names that are not shard names", arguments: ["model.safetensors", "model-of-00002.safetensors", "model-00001-of-.safetensors",
                                                        "00001-of-00002.safetensors", "model-00001-of-00002", "model-1234567890-of-2.bin", "model-00x01-of-00002.bin"])
    func notShardNames(name: String) {
        #expect(Checkpoint.shardNumbers(in: name) == nil, "\(name)")
    }
}
