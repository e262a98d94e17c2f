extension PaddingAnalysis {
    /// One note of the padding report: a sentence for people, and what kind of thing it says,
    /// so that `audit` can turn it into the right finding (`noteFindings`) instead of dropping
    /// it. `padding` prints the sentences; the kind is not part of its output.
    public struct Note: Sendable, Equatable {
        public enum Kind: String, Sendable {
            /// From the files beside the checkpoint (`CheckpointKnowledge.notes`: an unreadable
            /// tokenizer, the tokenizer's notes on other things than the pad token, such as a
            /// file overriding another's bos_token), not from the padding analysis.
            case knowledge
            /// A source of the pad id that was not used (`PadIDResolution.notes`, and the
            /// tokenizer's `padTokenNotes`: a file's pad token another file overrides or
            /// transformers ignores, `pad_token: null`, a GGUF padding_token_id that is no
            /// integer): it declares no pad token, names no usable id, or names another id or
            /// token than the one used.
            case padIDSourceIgnored = "pad-id-source-ignored"
            /// No source gave a pad id: no matrix was analysed.
            case noPadToken = "no-pad-token"
            /// No token matrix was found by name or config.json shape.
            case noTokenMatrix = "no-token-matrix"
            /// A matrix named with `--tensor` is not 2-D.
            case notAMatrix = "not-a-matrix"
            /// A static embedding layout maps the pad id to no row (model2vec's `mapping`).
            case noMappedRow = "no-mapped-row"
            /// The pad id is past the matrix's last row.
            case padIDOutOfRange = "pad-id-out-of-range"
            /// The matrix has no row statistics (C64, an undecoded type, past an audit's row budget).
            case noStatistics = "no-statistics"
        }

        public var kind: Kind
        /// The matrices the note is about (empty when it is about none).
        public var tensors: [String]
        public var text: String

        public init(_ kind: Kind, tensors: [String] = [], _ text: String) {
            self.kind = kind
            self.tensors = tensors
            self.text = text
        }

        /// Whether the note says that some token matrix's pad row was not looked at.
        public var leftMatrixUnchecked: Bool {
            switch kind {
            case .knowledge, .padIDSourceIgnored: false
            case .noPadToken, .noTokenMatrix, .notAMatrix, .noMappedRow, .padIDOutOfRange, .noStatistics: true
            }
        }
    }
}
