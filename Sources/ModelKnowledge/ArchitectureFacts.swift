/// What transformers' model classes are, by the name config.json's `architectures` gives.
public struct ArchitectureFact: Sendable, Equatable {
    /// The model type whose modeling module defines the class.
    public var modelType: String
    /// Whether the class has an output projection (`get_output_embeddings()` is not None):
    /// an LM head that `tie_word_embeddings` would tie to the input embedding.
    public var hasOutputProjection: Bool
    /// Whether transformers never ties that output projection to the input embedding: built
    /// with `tie_word_embeddings` true it stays a weight of its own, and no key of the class's
    /// `_tied_weights_keys` names it (BigBirdPegasusForCausalLM, xLSTMForCausalLM,
    /// LukeForMaskedLM). An equal stored copy is then two parameters, not a tie.
    public var neverTies: Bool

    public init(modelType: String, hasOutputProjection: Bool, neverTies: Bool = false) {
        self.modelType = modelType
        self.hasOutputProjection = hasOutputProjection
        self.neverTies = neverTies
    }
}

/// The model classes transformers registers, read from transformers
/// (`TestData/knowledge/generate_architectures.py`, which writes `generatedRows`): the classes of
/// every model type, not only those of `ModelTypeFacts` (an `XGLMModel` or `MvpModel`
/// checkpoint has no output projection whatever its model type's default says; review,
/// 2026-12-05).
///
/// Why: `tie_word_embeddings` and its model-type default speak of the classes with an LM head.
/// A checkpoint saved from a class without one (`BertModel`, a sequence classifier) has no
/// output projection to tie: all-MiniLM-L6-v2's config says `"architectures": ["BertModel"]`,
/// and its embedding was called tied by BertConfig's default.
public enum ArchitectureFacts {
    /// The transformers version the table was read from.
    public static let transformersVersion = ModelTypeFacts.transformersVersion

    /// The class named `className`, found by binary search in `generatedRows`' lines, which
    /// the generator writes sorted by name (code points, so UTF-8 bytes).
    ///
    /// Why no dictionary: building one from the 1,790 lines split as a `String` (by Characters,
    /// with grapheme breaking) took 4–5 ms of every audit whose config.json names its
    /// architectures, a dictionary from their bytes ~1 ms (`perf stat -r 50`, 2026-12-05); the
    /// lines' byte ranges take a scan for newlines.
    public static func fact(for className: String) -> ArchitectureFact? {
        let key = Array(className.utf8)
        var low = 0, high = rows.count
        while low < high {
            let middle = (low + high) / 2
            let name = rows[middle].name
            if bytes[name].lexicographicallyPrecedes(key) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        guard low < rows.count, bytes[rows[low].name].elementsEqual(key) else { return nil }
        return fact(rows[low])
    }

    /// The classes of `modelType` with an output projection, by name, sorted.
    public static func outputClasses(of modelType: String) -> [(name: String, fact: ArchitectureFact)] {
        let key = Array(modelType.utf8)
        return rows.filter { $0.kind != UInt8(ascii: "0") && bytes[$0.modelType].elementsEqual(key) }
            .map { (String(decoding: bytes[$0.name], as: UTF8.self), fact($0)) }
    }

    /// Whether some class of the table is of `modelType`: a model type transformers registers
    /// with at least one model class.
    public static func hasClasses(ofModelType modelType: String) -> Bool {
        let key = Array(modelType.utf8)
        return rows.contains { bytes[$0.modelType].elementsEqual(key) }
    }

    /// Every class of the table by name (tests compare it with architectures.json).
    static var generatedTable: [String: ArchitectureFact] {
        Dictionary(rows.map { (String(decoding: bytes[$0.name], as: UTF8.self), fact($0)) }, uniquingKeysWith: { first, _ in first })
    }

    /// `generatedRows` as bytes, and each line's fields as ranges of them.
    private static let bytes = Array(generatedRows.utf8)
    private struct Row {
        var name: Range<Int>
        var modelType: Range<Int>
        /// `0` no output projection, `1` one, `2` one transformers never ties.
        var kind: UInt8
    }
    private static let rows: [Row] = {
        var rows: [Row] = []
        rows.reserveCapacity(2048)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let line = start..<end
            if let first = bytes[line].firstIndex(of: UInt8(ascii: " ")),
               let second = bytes[(first + 1)..<end].firstIndex(of: UInt8(ascii: " ")), second + 2 == end {
                rows.append(Row(name: start..<first, modelType: (first + 1)..<second, kind: bytes[second + 1]))
            }
            start = end + 1
        }
        return rows
    }()

    private static func fact(_ row: Row) -> ArchitectureFact {
        ArchitectureFact(modelType: String(decoding: bytes[row.modelType], as: UTF8.self),
                         hasOutputProjection: row.kind != UInt8(ascii: "0"), neverTies: row.kind == UInt8(ascii: "2"))
    }
}
