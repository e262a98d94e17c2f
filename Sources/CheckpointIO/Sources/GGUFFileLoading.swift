import GGUFFormat

/// A GGUF file (llama.cpp's format) as a checkpoint file: its strict header read
/// (`GGUFFile.parse`), every tensor a zero-copy view of its bytes in the data section, typed by
/// ggml (`ElementType(GGMLType)`: plain types as scalars, quantized ones as blocks) with its
/// row-major shape. A file the reader refuses is one line naming what it lies about.
extension CheckpointFile {
    init(gguf mapping: MappedFile) throws(CheckpointError) {
        let path = mapping.path
        let file: GGUFFile
        do {
            file = try mapping.withBytes { (bytes) throws(GGUFError) in try GGUFFile.parse(bytes) }
        } catch {
            if case .bigEndian = error { throw .source(path: path, kind: "unsupported-format", message: error.description) }
            throw .source(path: path, kind: "invalid-gguf", message: "invalid GGUF file: " + error.description)
        }
        // The parsed header holds copies of everything in it (strings and arrays included), so its
        // pages are dropped from this process (still in the page cache; re-read if touched):
        // Gemma 3's 6.5 MB of metadata, most of it the vocabulary, stayed resident to the end.
        mapping.discard(offset: 0, length: UInt64(file.dataOffset))
        let entries = file.tensors.map { tensor in
            // The reader checked every product and range against the file: no overflow here.
            TensorEntry(name: tensor.name, dtype: ElementType(tensor.type), shape: tensor.shape.map { UInt64($0) },
                        begin: tensor.relativeOffset, end: tensor.relativeOffset + UInt64(tensor.byteCount),
                        elementCount: UInt64(tensor.elementCount))
        }
        let ordered = entries.enumerated().sorted { ($0.element.begin, $0.offset) < ($1.element.begin, $1.offset) }.map(\.element)
        self.init(path: path, format: .gguf(file), mapping: mapping,
                  tensors: ordered.map { TensorView(info: $0, mapping: mapping, dataStart: UInt64(file.dataOffset)) })
    }
}

extension CheckpointFile {
    /// Problems a GGUF file's reader noted, and metadata that contradicts the tensors.
    static func ggufIssues(_ file: GGUFFile, path: String) -> [SourceIssue] {
        var issues = file.problems.map { problem -> SourceIssue in
            if case .tensorNameTooLong(let name, _) = problem {
                return SourceIssue(.ggufProblem(description: problem.description, tensor: name), file: path)
            }
            if case .unexpectedOffset(let name, _, _) = problem {
                return SourceIssue(.ggufProblem(description: problem.description, tensor: name), file: path)
            }
            return SourceIssue(.ggufProblem(description: problem.description, tensor: nil), file: path)
        }
        for problem in GGUFTokenizerMetadata.unusedKeys(in: file.metadata) {
            issues.append(SourceIssue(.ggufProblem(description: problem, tensor: nil), file: path))
        }
        return issues + ggufModelIssues(file, path: path)
    }

    /// Metadata of a GGUF model that contradicts its tensors, as llama.cpp's loader would find
    /// it: for a split model, asked of `Checkpoint.ggufModel` (every part's tensors against the
    /// first part's metadata), since a part holds only some tensors.
    static func ggufModelIssues(_ file: GGUFFile, path: String) -> [SourceIssue] {
        var issues: [SourceIssue] = []
        // An architecture whose loader always takes token_embd.weight as the output never reads
        // an output.weight, and llama.cpp refuses a file with a tensor its loader did not take
        // ("wrong number of tensors"): a Gemma file with one passed `audit` (review, 2026-12-05).
        if let architecture = LlamaCppArchitectures.architecture(of: file),
           LlamaCppArchitectures.outputRule(for: architecture) == .alwaysEmbedding,
           file.tensor(named: LlamaCppTensorNames.output) != nil {
            issues.append(SourceIssue(.ggufProblem(description: "\(LlamaCppTensorNames.output) is in the file, but the loader of architecture '\(architecture)' "
                                                   + "(\(LlamaCppArchitectures.source)) always uses \(LlamaCppTensorNames.tokenEmbedding) as the output projection "
                                                   + "and never reads it, so llama.cpp refuses the file (wrong number of tensors)",
                                                   tensor: LlamaCppTensorNames.output), file: path))
        }
        // llama.cpp makes both token_embd.weight and output.weight with one row per token of the
        // vocabulary and refuses a file where either disagrees ("wrong shape"); an output.weight
        // of other rows passed `audit` (review, 2026-12-05).
        if let tokenizer = GGUFTokenizerMetadata(file.metadata) {
            for name in [LlamaCppTensorNames.tokenEmbedding, LlamaCppTensorNames.output] {
                guard let matrix = file.tensor(named: name), matrix.shape.count == 2, matrix.shape[0] != tokenizer.tokens.count else { continue }
                issues.append(SourceIssue(.ggufVocabularyMismatch(tokens: tokenizer.tokens.count, tensor: matrix.name,
                                                                  rows: matrix.shape[0]), file: path))
            }
        } else if let embedding = file.tensor(named: LlamaCppTensorNames.tokenEmbedding), let output = file.tensor(named: LlamaCppTensorNames.output),
                  embedding.shape.count == 2, output.shape.count == 2, embedding.shape[0] != output.shape[0] {
            // Without a vocabulary to hold them to, the two still must agree with each other
            // (adversarial review, 2026-12-05).
            issues.append(SourceIssue(.ggufProblem(description: "\(embedding.name) has \(embedding.shape[0]) rows and \(output.name) \(output.shape[0]): "
                                                   + "llama.cpp makes both with one row per vocabulary token and refuses the file",
                                                   tensor: output.name), file: path))
        }
        if let problem = stackedExpertProblem(file) {
            issues.append(SourceIssue(.ggufProblem(description: problem.description, tensor: problem.tensor), file: path))
        }
        return issues
    }

    /// Stacked expert tensors (`blk.N.ffn_gate_exps.weight`, …: rank 3, `[experts, rows,
    /// columns]`) whose expert count is not the file's `{arch}.expert_count`, as one problem
    /// naming the first; or an `expert_count` above llama.cpp's limit. llama.cpp's loader
    /// (vendored by llama-cpp-python 0.3.36) reads the count from that key (0 when it is
    /// missing), asserts it is at most `LLAMA_MAX_EXPERTS` (1,024; `src/llama-model.cpp`,
    /// `load_hparams`), and makes every `*_EXPS` weight (`src/models/*.cpp`) with that many
    /// entries: `check_tensor_dims` refuses another shape, and most loaders refuse a count of 0
    /// outright ("n_expert must be > 0"). Said only for an architecture llama.cpp has a loader
    /// for (`LlamaCppArchitectures`; any other it refuses by name), not for `hunyuan-dense` and
    /// `hunyuan_vl`, whose loader turns a count of 1 into 0, nor when the key holds no integer
    /// (what llama.cpp then does is its type check's). Why: a conversion that stacked one expert
    /// too few read and audited cleanly, and llama.cpp would not load it.
    static func stackedExpertProblem(_ file: GGUFFile) -> (description: String, tensor: String?)? {
        guard let architecture = LlamaCppArchitectures.architecture(of: file), LlamaCppArchitectures.outputRule(for: architecture) != nil,
              !["hunyuan-dense", "hunyuan_vl"].contains(architecture) else { return nil }
        let key = "\(architecture).expert_count"
        let stated = file.metadata[key]
        guard stated == nil || stated?.integer != nil else { return nil }
        let experts = stated?.integer ?? 0
        if experts > maximumExperts {
            return ("\(key) is \(experts), more than llama.cpp's limit of \(maximumExperts) experts (LLAMA_MAX_EXPERTS, "
                    + "\(LlamaCppArchitectures.source)): its loader stops on an assertion", nil)
        }
        let wrong = file.tensors.filter {
            $0.name.hasPrefix("blk.") && $0.name.hasSuffix("_exps.weight") && $0.shape.count == 3 && $0.shape[0] != experts
        }
        guard let first = wrong.first else { return nil }
        let others = wrong.count == 1 ? "" : " (and \(wrong.count - 1) more stacked expert tensor\(wrong.count == 2 ? "" : "s"))"
        let count = stated == nil ? "the file states no \(key) (llama.cpp then takes 0)" : "\(key) is \(experts)"
        return ("\(first.name) stacks \(first.shape[0]) experts\(others), but \(count): llama.cpp makes every stacked expert tensor "
                + "with that many (\(LlamaCppArchitectures.source)) and will not load the file", first.name)
    }

    /// llama.cpp's `LLAMA_MAX_EXPERTS` (`src/llama-hparams.h`).
    static let maximumExperts = 1_024
}

extension GGUFValue {
    /// One line for reports: scalars as written, arrays as their element type and count (a
    /// vocabulary of 150,000 tokens is not printed).
    var summary: String {
        switch self {
        case let .uint8(v): String(v)
        case let .int8(v): String(v)
        case let .uint16(v): String(v)
        case let .int16(v): String(v)
        case let .uint32(v): String(v)
        case let .int32(v): String(v)
        case let .uint64(v): String(v)
        case let .int64(v): String(v)
        case let .float32(v): String(v)
        case let .float64(v): String(v)
        case let .bool(v): String(v)
        case let .string(v): v
        case let .array(a): "[\(a.count) × \(a.elementType)]"
        }
    }
}
