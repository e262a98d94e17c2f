import CheckpointIO
import StrictJSON
import TensorScan

/// Token tables llama.cpp's converter pads with zero rows, and how `diff` compares them.
///
/// The fact (llama.cpp `convert_hf_to_gguf.py` as vendored by llama-cpp-python 0.3.36,
/// `conversion/gemma.py`, `Gemma3NModel.modify_tensors`): for Gemma 3n every Hub tensor whose name
/// holds `embed_tokens.weight` or `embed_tokens_per_layer` and has fewer rows than config.json's
/// `vocab_size` is stored with zero rows appended up to it ("vision/audio token slots": every
/// real E2B/E4B, 262,144 → 262,400 rows). For `general.architecture` `gemma3n` such a pair is
/// compared over the Hub's rows — the GGUF side read without its last rows — when the GGUF side
/// has exactly `vocab_size` rows and every row past the Hub's is zero (read, not assumed); else
/// as stored.
///
/// Why: every faithful Gemma 3n conversion failed `diff` with its token tables as shape changes
/// (hunt-56a D3).
public enum LlamaCppVocabPadding {
    /// One table's comparison.
    public struct Decision: Sendable, Equatable {
        /// The GGUF side's rows past the Hub's, left out of the comparison; nil when compared as stored.
        public let rowsPadded: Int?
        /// Whether the GGUF file is B (else A).
        public let ggufIsB: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String
    }

    static let source = "llama.cpp's Gemma 3n converter (Gemma3NModel, conversion/gemma.py, llama-cpp-python 0.3.36)"

    /// The decision for every A tensor paired (through `nameMap`) with a tensor of the other side,
    /// where exactly one side is a `gemma3n` GGUF file, the Hub name is one the converter pads and
    /// the GGUF side has more rows of the same length.
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        guard let (architecture, pairs) = LlamaCppPair.pairs(a: a, b: b, nameMap: nameMap), architecture == "gemma3n" else { return [:] }
        let hubSide = a.ggufModel == nil ? a : b
        var result: [ExactText: Decision] = [:]
        for pair in pairs where pair.hubName.contains("embed_tokens.weight") || pair.hubName.contains("embed_tokens_per_layer") {
            let (hub, gguf) = pair.ggufIsB ? (pair.viewA, pair.viewB) : (pair.viewB, pair.viewA)
            guard hub.shape.count == 2, gguf.shape.count == 2, hub.shape[1] == gguf.shape[1], gguf.shape[0] > hub.shape[0] else { continue }
            let hubRows = Int(clamping: hub.shape[0]), ggufRows = Int(clamping: gguf.shape[0])
            func asStored(_ why: String) -> Decision {
                Decision(rowsPadded: nil, ggufIsB: pair.ggufIsB, evidence: "general.architecture is 'gemma3n', whose converter pads this table "
                    + "with zero rows up to vocab_size, but \(why): compared as stored")
            }
            guard let (vocabulary, stated) = Self.vocabulary(hubSide.config) else {
                result[ExactText(pair.viewA.name)] = asStored("the Hub side has no config.json, or one whose vocab_size is no count")
                continue
            }
            guard vocabulary == ggufRows else {
                result[ExactText(pair.viewA.name)] = asStored("\(stated) is \(vocabulary), not the GGUF side's \(ggufRows) rows")
                continue
            }
            guard let tail = gguf.rowMoments(in: hubRows ..< ggufRows), tail.count == ggufRows - hubRows else {
                result[ExactText(pair.viewA.name)] = asStored("its rows past the Hub's \(hubRows) could not be read")
                continue
            }
            if let row = tail.firstIndex(where: { !$0.allValuesZero || $0.nanCount > 0 }) {
                result[ExactText(pair.viewA.name)] = asStored("its row \(hubRows + row), past the Hub's \(hubRows), is not zero")
                continue
            }
            result[ExactText(pair.viewA.name)] = Decision(rowsPadded: ggufRows - hubRows, ggufIsB: pair.ggufIsB,
                evidence: "the Hub's \(hubRows) rows compared with the GGUF side's first \(hubRows): \(source) pads this table with zero rows "
                    + "up to \(stated) \(vocabulary), and the GGUF side's \(ggufRows - hubRows) rows past them are zero")
        }
        return result
    }

    /// The `vocab_size` the converter pads to and where it comes from: config.json's as the
    /// converter reads it (`ModelConfig.converterVocabSize`: a text_config's over the top level's),
    /// else Gemma3nTextConfig's default, 262,400, which transformers' `AutoConfig` fills in and the
    /// converter then reads (hunt-57a F3). Nil without a config, or with a vocab_size that is no
    /// count.
    static func vocabulary(_ config: ModelConfig?) -> (Int, String)? {
        guard let config, !config.invalidValues.contains(where: { $0.key == "vocab_size" }) else { return nil }
        if let stated = config.converterVocabSize { return (stated, "config.json's vocab_size") }
        // The default only where no vocab_size is written at all: one the converter reads that is
        // no count (a text_config's string beside a top-level number) gives no claim.
        guard config.vocabSize == nil else { return nil }
        return (262_400, "Gemma3nTextConfig's default vocab_size (config.json states none)")
    }
}
