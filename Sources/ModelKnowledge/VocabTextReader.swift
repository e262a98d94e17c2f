/// Reads vocab.txt, BERT's one-token-per-line vocabulary: line number (from 0) = id.
///
/// Lines end at `\n`, `\r\n` or `\r`, because transformers reads the file in Python's
/// universal-newline text mode; nothing else is stripped, so an empty line is the token "" and
/// keeps its id. A final line ending does not start another token. The file must be UTF-8.
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
            guard let token = String(validating: bytes[start..<end], as: UTF8.self) else {
                throw .invalidText(file: file.path, line: line + 1, reason: "not valid UTF-8")
            }
            table.addModelEntry(token, id: line)
            line += 1
        }
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A:
                try emit(index)
                index += 1
                start = index
            case 0x0D:
                try emit(index)
                index += (index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                start = index
            default:
                index += 1
            }
        }
        if start < bytes.count { try emit(bytes.count) }
    }
}
