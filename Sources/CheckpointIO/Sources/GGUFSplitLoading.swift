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
        // An empty prefix names no file (llama.cpp refuses it: "invalid split file name"); a
        // folder alone (`dir/-00001-of-00002.gguf`) is a prefix, as llama.cpp takes it.
        guard let prefix = String(validating: head, as: UTF8.self), !prefix.isEmpty else { return nil }
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
    /// A GGUF file named as the first part of a split model (`PREFIX-00001-of-0000N.gguf`, N >
    /// 1), opened, as the whole model when its `split.count` says it is one of more than one; nil
    /// for another file, or one without `split.count` (llama.cpp loads it alone) or with
    /// `split.count` 1.
    ///
    /// As llama.cpp's loader (`llama_model_loader`): `split.count` and `split.no` are `uint16`,
    /// `split.tensors.count` an `int32`; the first part's `split.no` is 0 and its name says part 1
    /// of `split.count`; every other part is read by its name from beside it (confined to the
    /// folder), must be GGUF and give its own `split.no`; no tensor is in two parts; the parts
    /// hold `split.tensors.count` tensors. Anything else is an `invalid-split` error: llama.cpp
    /// refuses such a model. (A later part's own `split.count` is not read, as llama.cpp does not.)
    func openSplit(first: CheckpointFile, displayPath: String, issues: [SourceIssue],
                   boundary: FolderBoundary?) throws(CheckpointError) -> Checkpoint? {
        guard case .gguf(let head) = first.format, let name = GGUFSplitName(path: first.path), name.part == 1, name.count > 1,
              let stated = head.metadata["split.count"] else { return nil }
        func refuse(_ path: String, _ problem: String) -> CheckpointError {
            .source(path: path, kind: "invalid-split", message: problem + "; llama.cpp loads a split model from its first part with every other part beside it, and refuses this one")
        }
        guard case .uint16(let declared) = stated else {
            throw refuse(first.path, "split.count is \(Self.described(stated)), not a uint16")
        }
        let count = Int(declared)
        guard count > 1 else { return nil }
        guard count == name.count else {
            throw refuse(first.path, "its name says part 1 of \(name.count), and its split.count is \(count)")
        }
        guard count <= limits.maxIndexShards else {
            throw refuse(first.path, "split.count \(count) is past the limit of \(limits.maxIndexShards) parts")
        }
        guard case .uint16(0)? = head.metadata["split.no"] else {
            let no = head.metadata["split.no"].map(Self.described) ?? "absent"
            throw refuse(first.path, "split.no is \(no), not 0 as a uint16: the first part of a split model is split 0")
        }
        let folder = Self.folder(of: first.path)
        let confinement: FolderBoundary
        if let boundary { confinement = boundary } else { confinement = try Self.boundary(of: folder) }
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
            guard mapping.withBytes({ GGUFFile.hasMagic($0) }) else {
                throw refuse(path, "named as part \(number) of \(count) of a split GGUF model, but it is no GGUF file (no GGUF magic)")
            }
            let part = try CheckpointFile(gguf: mapping)
            guard case .gguf(let parsed) = part.format else { continue }
            guard case .uint16(let no)? = parsed.metadata["split.no"], Int(no) == number - 1 else {
                let said = parsed.metadata["split.no"].map(Self.described) ?? "absent"
                throw refuse(path, "part \(number) of \(count) by its name gives split.no \(said), not \(number - 1) as a uint16")
            }
            if let repeated = part.tensors.first(where: { !names.insert(ExactText($0.name)).inserted }) {
                throw refuse(path, "tensor \(quotedName(repeated.name)) is also in an earlier part")
            }
            files.append(part)
        }
        let held = files.reduce(0) { $0 + $1.tensors.count }
        let total = head.metadata["split.tensors.count"]
        guard case .int32(let tensors)? = total, Int(tensors) == held else {
            let stated = total.map { if case .int32 = $0 { $0.statedText } else { Self.described($0) + ", not an int32" } } ?? "absent"
            throw refuse(first.path, "the \(count) parts hold \(held) tensors, and the first part's split.tensors.count is \(stated)")
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

    /// A metadata value with its type, for messages (`2 (uint32)`, `a string value`).
    static func described(_ value: GGUFValue) -> String {
        value.integer == nil ? value.statedText : "\(value.statedText) (\(value.type))"
    }

    /// The first part's name when the names of a folder's torch and GGUF files are all parts of
    /// one split model, part 1 among them (the parts' contents are checked when it is opened).
    static func splitFirstPart(among names: [String]) -> String? {
        // As paths in the folder (`./-00001-of-00002.gguf` has a prefix, `./`).
        let parts = names.map { GGUFSplitName(path: "./" + $0) }
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
