/// The encoder-only class of each transformers encoder-decoder class that has one (read from
/// transformers by `TestData/knowledge/generate_encoder_only_classes.py`, which writes
/// `generatedRows`).
///
/// Why: an encoder-only extraction of a T5 (a diffusion pipeline's text encoder, sentence-T5)
/// often keeps the full model's config.json, whose `architectures` names
/// T5ForConditionalGeneration. With no head stored, that config's tie read "tied … transformers
/// saves a tied weight once", though the file holds no tensor of the decoder at all (review-59d
/// D1): it was saved from T5EncoderModel, which has no output projection.
public enum EncoderOnlyClasses {
    public struct Fact: Sendable, Equatable {
        /// The encoder-only class (`T5EncoderModel`), which has no output projection.
        public var encoderClass: String
        /// The first name components of the encoder class's parameters and buffers (`encoder`,
        /// `shared`): a file saved from it holds nothing else.
        public var encoderRoots: [String]
        /// Those only the full class has (`decoder`, `lm_head`), for messages.
        public var fullOnlyRoots: [String]
        /// The encoder class's names for its input embedding (`shared.weight` and its tied
        /// `encoder.embed_tokens.weight`).
        public var embeddingNames: [String]
    }

    /// The fact of encoder-decoder class `className`, or nil when it has no encoder-only class.
    public static func fact(for className: String) -> Fact? {
        let key = Array(className.utf8)
        return rows.first { $0.first?.elementsEqual(key) == true }.map(fact)
    }

    /// Every listed class with its fact (for tests).
    public static var all: [(name: String, fact: Fact)] {
        rows.compactMap { row in row.first.map { (String(decoding: $0, as: UTF8.self), fact(row)) } }
    }

    /// `generatedRows`' lines split into fields (name first); a line of another shape is none.
    private static var rows: [[Substring.UTF8View.SubSequence]] {
        generatedRows.utf8.split(separator: UInt8(ascii: "\n")).compactMap { line in
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            return fields.count == 5 ? fields : nil
        }
    }

    private static func fact(_ fields: [Substring.UTF8View.SubSequence]) -> Fact {
        func list(_ k: Int) -> [String] { fields[k].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) } }
        return Fact(encoderClass: String(decoding: fields[1], as: UTF8.self), encoderRoots: list(2), fullOnlyRoots: list(3), embeddingNames: list(4))
    }
}
