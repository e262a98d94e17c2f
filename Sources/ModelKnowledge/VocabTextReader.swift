/// Reads vocab.txt, BERT's one-token-per-line vocabulary: line number (from 0) = id.
///
/// As transformers 5 reads it (through the tokenizers library's `WordPiece.read_file`; checked
/// with `AutoTokenizer` 5.25): lines end at `\n` only, and each line loses its trailing
/// whitespace (`\r`, tabs, spaces, U+00A0, U+3000: Unicode's White_Space), never its leading
/// one. So `" w9 "` is the token `" w9"`, a line of spaces is the token "" and keeps its id,
/// and a lone `\r` inside a line stays in the token. A final line ending does not start
/// another token. The file must be UTF-8. (This reader split at every `\r` and stripped
/// nothing, as Python's universal-newline `load_vocab` does; transformers 5 no longer reads the
/// file that way: a row was named `" w9 "` where transformers says `" w9"`.)
enum VocabTextReader {
    static func read(_ file: NamedBytes, into table: inout VocabularyTable, limits: KnowledgeLimits) throws(KnowledgeError) {
        let bytes = file.bytes
        guard bytes.count <= limits.maxVocabTextBytes else {
            throw .fileTooLarge(file: file.path, bytes: bytes.count, limit: limits.maxVocabTextBytes)
        }
        var start = 0, index = 0, line = 0
        func emit(_ end: Int) throws(KnowledgeError) {
            guard line < limits.maxVocabularySize else {
                throw .limitExceeded(file: file.path, what: "number of lines", limit: limits.maxVocabularySize)
            }
            guard let text = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw .invalidText(file: file.path, line: line + 1, reason: "not valid UTF-8")
            }
            table.addModelEntry(trimmingTrailingWhitespace(text), id: line)
            line += 1
        }
        while index < bytes.count {
            if bytes[index] == 0x0A {
                try emit(index)
                start = index + 1
            }
            index += 1
        }
        if start < bytes.count { try emit(bytes.count) }
    }

    /// `text` without the White_Space scalars at its end (Rust's `str::trim_end`).
    static func trimmingTrailingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let last = scalars.last, last.properties.isWhitespace else { return text }
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let before = scalars.index(before: end)
            guard scalars[before].properties.isWhitespace else { break }
            end = before
        }
        return String(scalars[..<end])
    }
}
