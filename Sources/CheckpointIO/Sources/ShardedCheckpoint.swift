import SafetensorsFormat
import StrictJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens a `*.safetensors.index.json` (or a torch `*.bin.index.json`) and its shards as one checkpoint, and checks that the
/// index and the shards agree (docs/FORMAT.md §8).
///
/// Each shard is mapped and only its header is parsed: data pages are touched by analyses,
/// not here. Fatal: an unreadable or non-JSON index, a shard that exists but is not valid
/// safetensors (as for a single file). Everything else is a `SourceIssue`, and the tensors
/// that could be found are analysed: a missing shard should not hide the other 99.
struct ShardedLoader {
    let limits: SourceLimits
    let indexPath: String
    let folder: String
    /// The index was found in a folder named by the user (not named itself, which may be a
    /// link): the opened index is checked against the folder too.
    var indexIsFolderMember = false

    func load(displayPath: String) throws(CheckpointError) -> Checkpoint {
        let boundary = try CheckpointLoader.boundary(of: folder)
        let index = try readIndex(confinedTo: indexIsFolderMember ? boundary : nil)
        var issues: [SourceIssue] = []
        if index.entries.isEmpty {
            issues.append(SourceIssue(.indexEmpty, file: indexPath))
        }
        for (first, duplicate) in index.duplicateEntries {
            issues.append(SourceIssue(
                .indexDuplicateKey(tensor: duplicate.tensor, offsets: [first.offset, duplicate.offset],
                                   shards: [first.shard, duplicate.shard]),
                file: indexPath))
        }
        // Tensor and shard names are keyed by code points (`ExactText`), as Python's index
        // reader and the file system compare them: keyed by `String`, an index naming
        // `café.weight` precomposed in one shard and decomposed in another listed "a tensor
        // twice" and "one tensor in two shards" (TestData/canonical-names).
        let shardOf = index.shardByTensor
        var tensorsOfShard: [ExactText: [String]] = [:]
        for (tensor, shard) in shardOf { tensorsOfShard[ExactText(shard), default: []].append(tensor.text) }

        var files: [CheckpointFile] = []
        var opened: [(shard: String, file: CheckpointFile)] = []
        // One file named by two spellings (`x` and `./x`, or a link to `x` in the folder) is
        // one shard: opened once, under its first spelling. Why: opened twice, its tensors
        // were "in two shards", it counted twice against total_size, and its tied copies were
        // "saved 3 times" (adversarial review, 2026-12-04).
        var firstSpelling: [FileIdentity: String] = [:]
        var sameFile: [ExactText: String] = [:]
        var unopened = 0
        let suffix = CheckpointLoader.shardSuffix(ofIndex: indexPath)
        for shard in index.shardNames {
            let listed = tensorsOfShard[ExactText(shard)] ?? []
            if let problem = ShardIndex.problem(withShardName: shard, suffix: suffix) {
                unopened += 1
                issues.append(SourceIssue(.indexInvalidPath(shard: shard, problem: problem, tensors: listed), file: indexPath))
                continue
            }
            let path = CheckpointLoader.join(folder, shard)
            // Nothing there at all (not even a dangling link): missing, without resolving the
            // path. Why first: resolving costs ~6 system calls, and an index of 990,000 distinct
            // missing shards (within the entry limit) took 23 s (adversarial sweep, 2026-12-04).
            if FileIdentity.ofLink(path) == nil, errno == ENOENT {
                unopened += 1
                issues.append(SourceIssue(.missingShard(shard: shard, tensors: listed), file: path))
                continue
            }
            if let problem = boundary.problem(with: path) {
                unopened += 1
                issues.append(SourceIssue(.indexInvalidPath(shard: shard, problem: problem, tensors: listed), file: indexPath))
                continue
            }
            guard FileIdentity.of(path) != nil else {
                unopened += 1
                issues.append(SourceIssue(.missingShard(shard: shard, tensors: listed), file: path))
                continue
            }
            let mapping: MappedFile
            do {
                mapping = try MappedFile(path: path)
            } catch {
                // A FIFO, a directory: as for an unreadable shard, a later payload comes first.
                throw Self.unsafePickleShard(after: shard, failure: error, of: index.shardNames, folder: folder, suffix: suffix,
                                             boundary: boundary) ?? error
            }
            if let problem = boundary.problem(withOpened: mapping) {
                unopened += 1
                issues.append(SourceIssue(.indexInvalidPath(shard: shard, problem: problem, tensors: listed), file: indexPath))
                continue
            }
            if let identity = mapping.identity {
                if let first = firstSpelling[identity] {
                    sameFile[ExactText(shard)] = first
                    continue
                }
                firstSpelling[identity] = shard
            }
            let file: CheckpointFile
            do {
                file = try CheckpointLoader.openMapped(mapping, limits: limits)
            } catch {
                if case .unsafePickle = error { throw error }
                // A later shard's payload comes before this shard's failure (adversarial test).
                throw Self.unsafePickleShard(after: shard, failure: error, of: index.shardNames, folder: folder, suffix: suffix,
                                             boundary: boundary) ?? error
            }
            files.append(file)
            opened.append((shard, file))
        }

        issues = Self.namingHeldTensors(of: issues, opened: opened)
        issues += consistencyIssues(index: index, shardOf: shardOf, opened: opened, sameFile: sameFile)
        issues += strayShards(index: index, opened: Set(firstSpelling.keys))
        if unopened == 0, let issue = totalSizeIssue(index.totalSize, files: files) { issues.append(issue) }
        if case .invalid(let text) = index.totalSize {
            issues.append(SourceIssue(.totalSizeInvalid(text: text), file: indexPath))
        }
        let (config, configPath) = try CheckpointLoader.config(in: folder, limits: limits)
        // transformers 5.25 reads `sorted(set(weight_map.values()))` (utils/hub.py) and merges every
        // key of each shard in that order, a later copy replacing an earlier one
        // (modeling_utils.py, `_load_pretrained_model`): a name in two shards is the copy in the
        // one whose name, as the index writes it, sorts last by code point.
        let loadOrder = opened.indices.sorted { ExactText.precedes(opened[$0].shard, opened[$1].shard) }
        return Checkpoint(path: displayPath, files: files, config: config, tokenizerFiles: TokenizerFiles.find(in: folder),
                          source: CheckpointSource(kind: .sharded, indexPath: indexPath, configPath: configPath),
                          sourceIssues: issues, loadOrder: loadOrder)
    }

    /// Each `missingShard` issue with those of its tensors that an opened shard holds.
    ///
    /// Why: such a tensor is read, from the shard that holds it, and `diff` compared it; the
    /// message said all of the missing shard's tensors "cannot be checked" (adversarial test,
    /// 2026-12-06).
    private static func namingHeldTensors(of issues: [SourceIssue], opened: [(shard: String, file: CheckpointFile)]) -> [SourceIssue] {
        guard issues.contains(where: { if case .missingShard = $0.kind { true } else { false } }) else { return issues }
        var held = Set<ExactText>()
        for (_, file) in opened { for tensor in file.tensors { held.insert(ExactText(tensor.name)) } }
        return issues.map { issue in
            guard case .missingShard(let shard, let tensors, _) = issue.kind else { return issue }
            let found = tensors.filter { held.contains(ExactText($0)) }.sortedByCodePoints()
            return SourceIssue(.missingShard(shard: shard, tensors: tensors, foundElsewhere: found), file: issue.file)
        }
    }

    private func readIndex(confinedTo boundary: FolderBoundary?) throws(CheckpointError) -> ShardIndex {
        let indexPath = indexPath, limit = limits.maxIndexBytes
        let mapping = try MappedFile(path: indexPath, refusingOver: (limit, { size in
            .source(path: indexPath, kind: "invalid-index", message: "index is \(size) bytes, over the limit of \(limit) bytes")
        }))
        if let boundary { try CheckpointLoader.confine(opened: mapping, to: boundary) }
        let bytes = mapping.withBytes { Array($0) }
        let index: ShardIndex
        do {
            index = try ShardIndex.parse(bytes, maxEntries: limits.maxIndexEntries)
        } catch {
            throw .source(path: indexPath, kind: "invalid-index", message: error.description)
        }
        let shards = index.shardNames.count
        guard shards <= limits.maxIndexShards else {
            throw .source(path: indexPath, kind: "invalid-index",
                          message: "index names \(shards) shard files, over the limit of \(limits.maxIndexShards)")
        }
        return index
    }

    /// Index entries against shard headers: tensors absent from their shard (unless a
    /// `__metadata__` alias explains them), tensors in two shards, tensors nobody indexed.
    /// `sameFile`: shard names that named an opened file again, with the name it was opened under.
    private func consistencyIssues(index: ShardIndex, shardOf: [ExactText: String],
                                   opened: [(shard: String, file: CheckpointFile)],
                                   sameFile: [ExactText: String]) -> [SourceIssue] {
        var issues: [SourceIssue] = []
        var locations: [ExactText: [String]] = [:]
        var fileOfShard: [ExactText: CheckpointFile] = [:]
        for (shard, file) in opened {
            fileOfShard[ExactText(shard)] = file
            for tensor in file.tensors { locations[ExactText(tensor.name), default: []].append(shard) }
        }
        for (spelling, first) in sameFile { fileOfShard[spelling] = fileOfShard[ExactText(first)] }
        // Tensors in more than one shard, grouped by the set of shards.
        var duplicatesBySet: [[ExactText]: [String]] = [:]
        for (name, shards) in locations where shards.count > 1 {
            duplicatesBySet[shards.map { ExactText($0) }, default: []].append(name.text)
        }
        for shards in duplicatesBySet.keys.sorted(by: { ExactText.precedes($0.map(\.text).joined(separator: "\n"), $1.map(\.text).joined(separator: "\n")) }) {
            let names = duplicatesBySet[shards] ?? []
            issues.append(SourceIssue(.tensorInTwoShards(tensors: names, shards: shards.map(\.text))))
        }
        // Alias convention (docs/FORMAT.md §4): metadata[removed] = kept, where kept is a tensor.
        var aliases: [ExactText: String] = [:]
        for (_, file) in opened {
            for (key, value) in file.metadata ?? [:] where locations[key] == nil && locations[ExactText(value)] != nil {
                aliases[key] = aliases[key] ?? value
            }
        }
        var mismatchByShard: [ExactText: [String]] = [:]
        var checked = Set<ExactText>()
        for entry in index.entries
        where shardOf[ExactText(entry.tensor)].map({ ExactText.same($0, entry.shard) }) == true && checked.insert(ExactText(entry.tensor)).inserted {
            guard let file = fileOfShard[ExactText(entry.shard)], file.position(of: entry.tensor) == nil else { continue }
            if let kept = aliases[ExactText(entry.tensor)] {
                issues.append(SourceIssue(.metadataAlias(removed: entry.tensor, kept: kept, shard: entry.shard), file: file.path))
            } else {
                mismatchByShard[ExactText(entry.shard), default: []].append(entry.tensor)
            }
        }
        for shard in mismatchByShard.keys.sorted() {
            let names = mismatchByShard[shard] ?? []
            let elsewhere = names.filter { locations[ExactText($0)] != nil }
            issues.append(SourceIssue(.indexMismatch(shard: shard.text, tensors: names, foundElsewhere: elsewhere.sortedByCodePoints()),
                                      file: fileOfShard[shard]?.path))
        }
        // Tensors present in a shard but not listed in weight_map.
        for (shard, file) in opened {
            let unlisted = file.tensors.map(\.name).filter { shardOf[ExactText($0)] == nil }
            guard !unlisted.isEmpty else { continue }
            issues.append(SourceIssue(.unindexedTensor(shard: shard, tensors: unlisted), file: file.path))
        }
        return issues
    }

    /// Shard files (`.safetensors`, or `.bin` beside a torch index) in the folder that the index
    /// does not name, by name or as the file a name it gives opened (`./x`, a link: `opened`
    /// holds the identities of the files loaded as shards).
    private func strayShards(index: ShardIndex, opened: Set<FileIdentity>) -> [SourceIssue] {
        let named = Set(index.shardNames.map { ExactText($0) })
        let suffix = CheckpointLoader.shardSuffix(ofIndex: indexPath)
        let names = (try? FolderListing(folder))?.names ?? []
        func loaded(_ name: String) -> Bool {
            FileIdentity.of(CheckpointLoader.join(folder, name)).map(opened.contains) ?? false
        }
        return names.filter { $0.hasSuffix(suffix) && !named.contains(ExactText($0)) && $0 != "training_args.bin" && !loaded($0) }.map { name in
            SourceIssue(.strayShard(name: name), file: CheckpointLoader.join(folder, name))
        }
    }

    /// The `unsafePickle` error of the first shard after `failed` (in `names` order) that names
    /// an unsafe global, or nil. Why: a shard that cannot be read stopped the read before the
    /// others were looked at, so a payload in a later shard of the same index went unreported
    /// (exit 2 naming the first failure) where README promises the unsafe global first.
    /// The failure of `failed` is kept in the error's detail (`read_error`), beside the later
    /// shard's own.
    static func unsafePickleShard(after failed: String, failure: CheckpointError, of names: [String], folder: String, suffix: String,
                                  boundary: FolderBoundary) -> CheckpointError? {
        guard let start = names.firstIndex(of: failed) else { return nil }
        for shard in names[(start + 1)...] where ShardIndex.problem(withShardName: shard, suffix: suffix) == nil {
            let path = CheckpointLoader.join(folder, shard)
            guard FileIdentity.of(path) != nil, boundary.problem(with: path) == nil,
                  let mapping = try? MappedFile(path: path), boundary.problem(withOpened: mapping) == nil else { continue }
            do {
                _ = try CheckpointLoader.openMapped(mapping, limits: .default)
            } catch {
                if case .unsafePickle(let unsafePath, let globals, let detail) = error {
                    let details = [detail, failure.description].compactMap { $0 }
                    return .unsafePickle(path: unsafePath, globals: globals, detail: details.joined(separator: "; "))
                }
            }
        }
        return nil
    }

    /// `total_size` against the shards (huggingface_hub counts shared storage once, so it can
    /// legitimately differ from the data bytes, but it cannot exceed what the shards hold).
    private func totalSizeIssue(_ total: ShardIndex.TotalSize, files: [CheckpointFile]) -> SourceIssue? {
        guard case .bytes(let declared) = total else { return nil }
        // Saturating: shard sizes are the file system's word (sparse files can be exabytes).
        func summed(_ part: (CheckpointFile) -> UInt64) -> UInt64 {
            files.reduce(UInt64(0)) { sum, file in
                let (next, overflow) = sum.addingReportingOverflow(part(file))
                return overflow ? .max : next
            }
        }
        let capacity = summed(\.dataCapacity)
        let data = summed(\.dataLength)
        if declared > capacity {
            return SourceIssue(.totalSizeExceedsShards(declared: declared, dataBytes: data, capacityBytes: capacity), file: indexPath)
        }
        if declared != data {
            return SourceIssue(.totalSizeDiffers(declared: declared, dataBytes: data, capacityBytes: capacity), file: indexPath)
        }
        return nil
    }
}

/// A name in double quotes with control characters escaped, for messages.
package func quotedName(_ name: String) -> String {
    var out = "\""
    for scalar in name.unicodeScalars {
        if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
