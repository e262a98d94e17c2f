import ArgumentParser
import CheckpointIO
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where reports go, and the promise that a lost report is never a success: every write is
/// checked (`> /dev/full`, a closed stdout, a full disk give exit 2 and a message), and
/// `--output` never replaces an input or anything that is not a regular file.
enum ReportWriter {
    /// Whether standard output was closed when the process started (`>&-`).
    nonisolated(unsafe) private static var standardOutputWasClosed = false

    /// Occupies closed standard descriptors with /dev/null before anything is opened. Why: a
    /// closed fd 1 would be reused by the next `open` (a checkpoint, a temporary report file),
    /// and writing "standard output" would then write into that file. Standard output stays
    /// unwritable (opened read-only), so the report's write fails and is reported.
    static func guardStandardDescriptors() {
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let replacement = open("/dev/null", fd == 2 ? O_WRONLY : O_RDONLY)
            if fd == 1 { standardOutputWasClosed = true }
            if replacement >= 0, replacement != fd {
                dup2(replacement, fd)
                close(replacement)
            }
        }
    }

    /// Makes a write past the file-size limit (`ulimit -f`, RLIMIT_FSIZE) fail with EFBIG
    /// instead of killing the process.
    ///
    /// Why: by default the kernel sends SIGXFSZ at the write that crosses the limit, and the
    /// process died (exit 153) with its temporary report file left beside the target. With
    /// the signal ignored, the write fails like any other (a full disk): the report's failure
    /// path runs, exit 2 with a message naming the file, the target untouched, the temporary
    /// file removed.
    static func failWritesPastFileSizeLimit() {
        _ = signal(SIGXFSZ, SIG_IGN)
    }

    /// Throws when standard output was closed at start (`>&-`): its report would be lost.
    static func checkStandardOutputIsOpen() throws(CheckpointError) {
        if standardOutputWasClosed {
            throw .source(path: "standard output", kind: "io", message: "cannot write the report: standard output is closed")
        }
    }

    /// The input `path` is (or links to: same device and inode), when it is an existing regular
    /// file. Checked before any other refusal: `diff A B --output A` was refused as "in the folder
    /// of the input B", naming the other input (hunt-61b P2), and so was its error report.
    static func inputItself(_ path: String, inputs: [String]) -> String? {
        guard let target = FileIdentity.of(path), target.kind == .regular else { return nil }
        return inputs.first { FileIdentity.of($0)?.isSameFile(as: target) == true }
    }

    /// Why the report may not be written to `path`, or `nil`: it is (or links to) one of
    /// `inputs` — same device and inode, so hard links count —, an existing non-regular
    /// file (directory, FIFO, device, socket, or a link to one), a link to nothing, or a regular file that
    /// `replacementProblem` refuses (no write permission, several hard links).
    static func outputProblem(_ path: String, inputs: [String]) -> String? {
        if let input = inputItself(path, inputs: inputs) { return "is the input \(input) (same file); --output never replaces an input" }
        if let problem = checkpointFolderProblem(path, inputs: inputs) { return problem }
        guard let link = FileIdentity.ofLink(path) else { return nil }  // nothing there yet
        // A link to nothing: `>` would create the file it names, a rename would replace the
        // link itself (which is what happened: the user's link was lost). Neither is asked for
        // plainly enough to do; the message says both ways out.
        guard let target = FileIdentity.of(path) else {
            guard link.kind == .symbolicLink else { return "cannot be examined" }
            var info = stat()
            let loops = stat(path, &info) != 0 && errno == ELOOP
            return (loops ? "is a symbolic link that loops (too many levels of links)" : "is a symbolic link to a file that does not exist")
                + "; --output writes through a link only to an existing regular file (remove the link, or give the path it points to)"
        }
        if target.kind != .regular {
            let what = link.kind == .symbolicLink ? "a symbolic link to \(target.kind.phrase)" : target.kind.phrase
            return "is \(what); --output writes only to a new or regular file"
        }
        return replacementProblem(path)
    }

    /// Why `path` may not be written although it is no input, or `nil`: it lies in the folder
    /// of an input and is named like a file tensoraudit reads there (a shard, an index,
    /// config.json, a tokenizer file), new or not.
    ///
    /// Why: `inspect FOLDER --output FOLDER/extra.safetensors` replaced a stray shard the same run
    /// listed, and `--output FOLDER/special_tokens_map.json` created a file that every later run
    /// read as the folder's tokenizer file, and refused as invalid JSON, losing the tokenizer
    /// evidence (black-box fuzz round, 2026-12-05).
    ///
    /// Both the path as given and, when it is a link, the file it resolves to: the target's name
    /// and folder are what a report written through the link replaces. `--output report.json`
    /// linking to a stray shard in the checkpoint's folder replaced that shard (helper-144).
    static func checkpointFolderProblem(_ path: String, inputs: [String]) -> String? {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        if Checkpoint.isReadInFolder(fileName: name),
           let problem = inputFolderProblem(folder: realRawPath(RawPath(path).parent.description) ?? RawPath(path).parent, inputs: inputs) {
            return problem
        }
        guard let target = realRawPath(path), target != RawPath(path) else { return nil }
        let targetName = String(decoding: target.bytes.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self)
        guard Checkpoint.isReadInFolder(fileName: targetName) else { return nil }
        return inputFolderProblem(folder: target.parent, inputs: inputs).map { "links to \(target), which " + $0 }
    }

    /// The refusal of `checkpointFolderProblem` when `folder` (resolved) is an input's folder.
    private static func inputFolderProblem(folder: RawPath, inputs: [String]) -> String? {
        for input in inputs {
            // An input that does not exist (a mistyped path, whose error report is being
            // written) still names its folder: the report was written there as `vocab.txt`.
            // A file input's folder both as given and as its link resolves: the loader reads
            // config.json and the tokenizer beside the path as given, so with `A/m.safetensors`
            // linking into `B/`, `--output A/config.json` broke every later run (helper-146).
            let folders: [RawPath?] = FileIdentity.of(input)?.kind == .directory ? [realRawPath(input)]
                : [realRawPath(input)?.parent, realRawPath(RawPath(input).parent.description)]
            if folders.contains(where: { $0 == folder }) {
                return "is in the folder of the input \(input) and named like a file tensoraudit reads there "
                    + "(weights, shard index, config.json, tokenizer); a report there would be read as one by later runs"
            }
        }
        return nil
    }

    /// Why replacing the existing regular file at `path` by a rename would do what `>` into it
    /// would not, or `nil`.
    ///
    /// Why: the report replaces its target by a rename, which asks only for the folder's
    /// permission. A target with no write permission (`chmod a-w`, a report someone froze) was
    /// replaced where `>` says "Permission denied", and a target with several names (hard links)
    /// got a new file under this name while the others kept the old report, where `>` writes
    /// the one file all names share. Both are refused rather than done differently. No write
    /// bit at all refuses even root, whom `access` lets write anything: the bits say "keep".
    static func replacementProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if info.st_mode & 0o222 == 0 || access(path, W_OK) != 0 {
            let mode = "0" + String(info.st_mode & 0o777, radix: 8)
            return "is not writable (mode \(mode)); --output replaces only a file it may write, as > would"
        }
        if info.st_nlink > 1 {
            return "has \(info.st_nlink) hard links; replacing it would leave the other names with the old contents"
        }
        return nil
    }

    /// Why the report of an audit whose checkpoint could not be opened may not be written to
    /// `path`, or `nil`. The files that checkpoint would have read are unknown (the index
    /// named shards that were never reached), so on top of `outputProblem` an existing file
    /// in the checkpoint's folder (or below it) is never replaced: it may be a shard, the index or
    /// config.json. A new file there, or any file elsewhere, is fine.
    static func errorReportProblem(_ path: String, checkpointPath: String) -> String? {
        if let problem = outputProblem(path, inputs: [checkpointPath]) { return problem }
        guard FileIdentity.of(path) != nil, let target = realRawPath(path) else { return nil }
        // Bytes, as the folder boundary compares them (`RawPath`). A checkpoint path that does not
        // resolve (nothing there) has its folder resolved instead: compared unresolved, the
        // relative `rep` of `rep/missing.safetensors` held no absolute target, and an existing
        // `rep/notes.txt` was replaced (helper-148, 2026-12-06).
        let folder: RawPath
        if let checkpoint = realRawPath(checkpointPath) {
            folder = FileIdentity.of(checkpointPath)?.kind == .directory ? checkpoint : checkpoint.parent
        } else {
            // Trailing slashes dropped first (`rep/missingdir/` names `rep/missingdir`, in `rep`),
            // then `x/..` pairs removed by text when the folder does not resolve as written
            // (`rep/nodir/../missing.safetensors` is in `rep`; helper-150).
            var trimmed = Array(checkpointPath.utf8)
            while trimmed.count > 1, trimmed.last == UInt8(ascii: "/") { trimmed.removeLast() }
            let unresolved = RawPath(bytes: trimmed).parent
            folder = realRawPath(unresolved.description) ?? realRawPath(Self.withoutParentSteps(unresolved.description)) ?? unresolved
        }
        guard target.isInside(folder), target != folder else { return nil }
        return "it exists in the folder of a checkpoint that could not be read and may be one of its files"
    }

    /// `path` with each `name/..` pair removed by text (`a/b/../c` → `a/c`), for a path whose
    /// `b` does not exist, which `realpath` refuses to resolve.
    static func withoutParentSteps(_ path: String) -> String {
        var kept: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            if component == "..", let last = kept.last, last != "..", last != "", last != "." { kept.removeLast() } else { kept.append(component) }
        }
        let joined = kept.joined(separator: "/")
        return joined.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : joined
    }

    /// Whether `output` names the place of `input`, which need not exist: the same resolved
    /// folder and the same last name (trailing slashes ignored). For an input that a failed run
    /// never opened (`diff --map nomap.json --output nomap.json`): the report written there
    /// was read as the map by the next run (review-52 D6).
    static func namesSamePlace(_ output: String, as input: String) -> Bool {
        func place(_ path: String) -> (RawPath, String)? {
            var bytes = Array(path.utf8)
            while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
            let raw = RawPath(bytes: bytes)
            let name = String(decoding: bytes.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self)
            guard !name.isEmpty, name != ".", name != "..", let folder = realRawPath(raw.parent.description) else { return nil }
            return (folder, name)
        }
        guard let a = place(output) else { return false }
        // A dangling link's target too: the report written there was the next run's map
        // (review-52b D5). One step of the link, relative to the link's folder.
        var places = [place(input)]
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink(input, &buffer, buffer.count - 1)
        if length > 0 {
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            places.append(place(target.hasPrefix("/") ? target : RawPath(input).parent.description + "/" + target))
        }
        return places.contains { $0.map { $0.0 == a.0 && $0.1 == a.1 } ?? false }
    }

    /// Throws when `outputProblem` finds one.
    static func checkOutput(_ path: String, inputs: [String]) throws(CheckpointError) {
        if let problem = outputProblem(path, inputs: inputs) {
            throw .source(path: path, kind: "output", message: "refusing to write the report: \(problem)")
        }
    }

    /// Writes `text` (a report rendered whole) to `output`, or to standard output when it is
    /// nil, through a `ReportStream`: to a file by a temporary file beside it and a rename, so
    /// a reader never sees half a report; `outputProblem` is checked first and again just
    /// before the rename. A symbolic link to a regular file is written through (the link stays).
    static func write(_ text: String, to output: String?, inputs: [String]) throws(CheckpointError) {
        let stream = try ReportStream(output: output, inputs: inputs)
        try stream.write(text)
        try stream.finish()
    }
}
