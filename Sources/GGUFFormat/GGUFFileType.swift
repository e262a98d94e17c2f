/// `general.file_type`: the precision a GGUF file was written or quantized to, as llama.cpp's
/// converter and `llama-quantize` record it.
///
/// Ids and names are gguf-py 0.19.0's `LlamaFileType` (ids 4–6 and 33–35 are retired there and
/// unknown here). What a file of each kind holds by design (llama.cpp `convert_hf_to_gguf.py`,
/// `prepare_tensors`): every 1-D tensor and every `*_norm.weight` is F32 whatever the file type,
/// and so are a few matrices (MoE routers, position and token-type embeddings, tensors whose
/// source name does not end in `.weight`); `MOSTLY_F16`/`MOSTLY_BF16` store the other matrices
/// in that type. A quantized type names the mix `llama-quantize` chose: several quantized
/// types (K-quant mixes give some matrices more bits), fallbacks for rows that do not fit the
/// block size, and matrices left in the source's 16-bit type (`--leave-output-tensor`).
public struct GGUFFileType: Sendable, Equatable {
    public static let key = "general.file_type"

    public enum Kind: Sendable, Equatable {
        /// `ALL_F32`, `MOSTLY_F16`, `MOSTLY_BF16`: the plain type the matrices are in.
        case float(GGMLType)
        /// A quantized file type.
        case quantized
        /// An id gguf-py does not name (or `GUESSED`, 1024).
        case unknown
    }

    public let id: Int
    /// gguf-py's name, e.g. `MOSTLY_Q4_K_M`; nil for an unknown id.
    public let name: String?

    public var kind: Kind {
        switch id {
        case 0: return GGMLType(name: "F32").map(Kind.float) ?? .unknown
        case 1: return GGMLType(name: "F16").map(Kind.float) ?? .unknown
        case 32: return GGMLType(name: "BF16").map(Kind.float) ?? .unknown
        default: return name == nil || id == 1024 ? .unknown : .quantized
        }
    }

    /// The file type these metadata record, or nil when `general.file_type` is absent or not an
    /// integer.
    public init?(_ metadata: GGUFMetadata) {
        guard let id = metadata[Self.key]?.integer else { return nil }
        self.id = id
        name = Self.names[id]
    }

    static let names: [Int: String] = [
        0: "ALL_F32", 1: "MOSTLY_F16", 2: "MOSTLY_Q4_0", 3: "MOSTLY_Q4_1", 7: "MOSTLY_Q8_0", 8: "MOSTLY_Q5_0",
        9: "MOSTLY_Q5_1", 10: "MOSTLY_Q2_K", 11: "MOSTLY_Q3_K_S", 12: "MOSTLY_Q3_K_M", 13: "MOSTLY_Q3_K_L",
        14: "MOSTLY_Q4_K_S", 15: "MOSTLY_Q4_K_M", 16: "MOSTLY_Q5_K_S", 17: "MOSTLY_Q5_K_M", 18: "MOSTLY_Q6_K",
        19: "MOSTLY_IQ2_XXS", 20: "MOSTLY_IQ2_XS", 21: "MOSTLY_Q2_K_S", 22: "MOSTLY_IQ3_XS", 23: "MOSTLY_IQ3_XXS",
        24: "MOSTLY_IQ1_S", 25: "MOSTLY_IQ4_NL", 26: "MOSTLY_IQ3_S", 27: "MOSTLY_IQ3_M", 28: "MOSTLY_IQ2_S",
        29: "MOSTLY_IQ2_M", 30: "MOSTLY_IQ4_XS", 31: "MOSTLY_IQ1_M", 32: "MOSTLY_BF16", 36: "MOSTLY_TQ1_0",
        37: "MOSTLY_TQ2_0", 38: "MOSTLY_MXFP4_MOE", 39: "MOSTLY_NVFP4", 40: "MOSTLY_Q1_0", 1024: "GUESSED",
    ]
}
