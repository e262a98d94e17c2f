/// Bounds the reader enforces beyond "fits in the file", so a small hostile file cannot make
/// it allocate or recurse without limit.
///
/// Why these numbers: real GGUF metadata nests arrays at most one deep (the tokenizer's string
/// arrays); llama.cpp's own reader refuses nested arrays. The element budget is far above the
/// largest vocabularies seen (~260,000 tokens and as many merges) and caps the memory a
/// metadata section can claim at a few hundred MB even when every element is one byte.
public struct GGUFLimits: Sendable, Equatable {
    /// Arrays inside arrays: depth 1 is a plain array.
    public var maximumArrayDepth: Int
    /// Array elements across the whole metadata section.
    public var maximumArrayElements: Int
    /// Key-value pairs in the metadata section. Real files hold tens (an architecture's
    /// hyperparameters, the tokenizer's arrays count one each); 2.4 million one-byte keys in a
    /// 48 MB file took `inspect --json` 13 s and 1.56 GB, every key a dictionary entry and a
    /// report object (review, 2026-12-05).
    public var maximumKeyValues: Int

    public init(maximumArrayDepth: Int = 4, maximumArrayElements: Int = 16_777_216, maximumKeyValues: Int = 65_536) {
        self.maximumArrayDepth = maximumArrayDepth
        self.maximumArrayElements = maximumArrayElements
        self.maximumKeyValues = maximumKeyValues
    }

    public static let `default` = GGUFLimits()
}
