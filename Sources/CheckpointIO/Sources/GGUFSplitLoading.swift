import GGUFFormat
import StrictJSON

/// The name of one part of a llama.cpp split GGUF model: `PREFIX-iiiii-of-nnnnn.gguf`, both
/// numbers five digits (`llama_split_path`'s `%s-%05d-of-%05d.gguf`), the part 1-based.
///
/// Why: llama.cpp's `gguf-split` (and gguf-py's writer, with `split_max_tensors` or
/// `split_max_size`) cuts a model into such parts, each holding some of the tensors and
/// `split.no` (from 0) and `split.count`, the first also every metadata key of the model and
/// `split.tensors.count`. llama.cpp loads a split model from its first part and reads each other
/// part by this name, beside it.
struct GGUFSplitName: Equatable {
    /// The path without `-iiiii-of-nnnnn.gguf`.
    let prefix: String
    let part: Int
    let count: Int

    init?(path: String) {
        let suffix = Array("-00000-of-00000.gguf".utf8)
        let bytes = Array(path.utf8)
        guard bytes.count > suffix.count else { return nil }
        let tail = bytes[(bytes.count - suffix.count)...]
        func number(_ range: Range<Int>) -> Int? {
            let digits = tail.dropFirst(range.lowerBound).prefix(range.count)
            guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard tail.first == UInt8(ascii: "-"), Array(tail.dropFirst(6).prefix(4)) == Array("-of-".utf8),
              Array(tail.suffix(5)) == Array(".gguf".utf8),
              let part = number(1 ..< 6), let count = number(10 ..< 15), part >= 1, part <= count else { return nil }
        let head = bytes[..<(bytes.count - suffix.count)]
        // Only the last path component may hold the pattern's bytes; the prefix keeps the folder.
        guard let prefix = String(validating: head, as: UTF8.self), !prefix.hasSuffix("/"), !prefix.isEmpty else { return nil }
        self.prefix = prefix
        self.part = part
        self.count = count
    }

    /// The path of part `number` (1-based) of the same model.
    func path(ofPart number: Int) -> String {
        func padded(_ n: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
        }
        return "\(prefix)-\(padded(number))-of-\(padded(count)).gguf"
    }
}

extension CheckpointLoader {
    /// The first part of a split model, opened, as the whole model when it says it is one
    /// (`split.count` > 1, `split.no` 0, named as part 1 of that many); nil otherwise.
    ///
    /// Every other part is read from beside it, confined to its folder, as llama.cpp reads
    /// them; a part that is missing, is no GGUF file, gives another `split.no` or `split.count`,
    /// or holds a tensor an earlier part holds, and a total of tensors other than the first
    /// part's `split.tensors.count`, are errors (`invalid-split`): llama.cpp refuses such a model.
    func openSplit(first: CheckpointFile, displayPath: String, issues: [SourceIssue],
                   boundary: FolderBoundary?) throws(CheckpointError) -> Checkpoint? {
        guard case .gguf(let head) = first.format, let count = head.metadata["split.count"]?.integer, count > 1,
              head.metadata["split.no"]?.integer == 0, let name = GGUFSplitName(path: first.path), name.part == 1,
              name.count == count else { return nil }
        let folder = Self.folder(of: first.path)
        let confinement: FolderBoundary
        if let boundary { confinement = boundary } else { confinement = try Self.boundary(of: folder) }
        func refuse(_ path: String, _ problem: String) -> CheckpointError {
            .source(path: path, kind: "invalid-split", message: problem + "; llama.cpp loads a split model from its first part with every other part beside it, and refuses this one")
        }
        var files = [first]
        var names = Set(first.tensors.map { ExactText($0.name) })
        for number in 2 ... count {
            let path = name.path(ofPart: number)
            guard !MappedFile.isAbsent(path) else {
                throw refuse(path, "part \(number) of this \(count)-part split model is missing (the first part, \(quotedName(first.path)), says split.count \(count))")
            }
            try Self.confine(path, to: confinement)
            let mapping = try MappedFile(path: path)
            try Self.confine(opened: mapping, to: confinement)
            let part = try Self.openMapped(mapping)
            guard case .gguf(let parsed) = part.format else {
                throw refuse(path, "named as part \(number) of \(count) of a split GGUF model, but it is a \(part.formatName) file")
            }
            let stated = parsed.metadata["split.no"]?.integer, total = parsed.metadata["split.count"]?.integer
            guard stated == number - 1, total == count else {
                let said = "split.no \(stated.map(String.init) ?? "absent"), split.count \(total.map(String.init) ?? "absent")"
                throw refuse(path, "part \(number) of \(count) by its name gives \(said), not split.no \(number - 1) of \(count)")
            }
            if let repeated = part.tensors.first(where: { !names.insert(ExactText($0.name)).inserted }) {
                throw refuse(path, "tensor \(quotedName(repeated.name)) is also in an earlier part")
            }
            files.append(part)
        }
        let held = files.reduce(0) { $0 + $1.tensors.count }
        let declared = head.metadata["split.tensors.count"]?.integer
        guard declared == held else {
            throw refuse(first.path, "the \(count) parts hold \(held) tensors, and the first part's split.tensors.count is "
                             + (declared.map(String.init) ?? "absent"))
        }
        // What the model's metadata says of tensors in other parts than the first (its
        // vocabulary against an output.weight in the last part), which no part's own check sees.
        let modelIssues = CheckpointFile.ggufModelIssues(head.joiningTensors(of: files.dropFirst().compactMap { file in
            if case .gguf(let parsed) = file.format { return parsed }
            return nil
        }), path: first.path)
        let firstIssues = first.formatIssues
        let (config, configPath) = try Self.config(in: folder, limits: limits)
        return Checkpoint(path: displayPath, files: files, config: config, tokenizerFiles: TokenizerFiles.find(in: folder),
                          source: CheckpointSource(kind: .ggufSplit, configPath: configPath),
                          sourceIssues: issues + modelIssues.filter { !firstIssues.contains($0) })
    }

    /// The first part's name when the names of a folder's torch and GGUF files are all parts of
    /// one split model, part 1 among them (the parts' contents are checked when it is opened).
    static func splitFirstPart(among names: [String]) -> String? {
        let parts = names.map { GGUFSplitName(path: $0) }
        guard let first = parts.first ?? nil, parts.allSatisfy({ $0?.prefix == first.prefix && $0?.count == first.count }) else { return nil }
        return zip(names, parts).first { $0.1?.part == 1 }?.0
    }
}

extension Checkpoint {
    /// The GGUF model this checkpoint holds, for what is asked of its metadata, names and types:
    /// its one GGUF file, or for a split model (`CheckpointSource.Kind.ggufSplit`) the first
    /// part's metadata with every part's tensors (`GGUFFile.joiningTensors(of:)`); nil when no
    /// file is GGUF.
    public var ggufModel: GGUFFile? {
        let parsed = files.compactMap { file -> GGUFFile? in
            if case .gguf(let gguf) = file.format { return gguf }
            return nil
        }
        guard let first = parsed.first else { return nil }
        return source.kind == .ggufSplit ? first.joiningTensors(of: Array(parsed.dropFirst())) : first
    }
}
