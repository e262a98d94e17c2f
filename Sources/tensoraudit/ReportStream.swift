import CGlibcExtras
import CheckpointIO
import StrictJSON
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What writes a report into a stream, made once the checkpoint has been read (see
/// `OutputOptions.streamReport`).
typealias StreamedReport = (ReportStream) throws(CheckpointError) -> Void

/// A report written while it is rendered: a renderer fills a `JSONWriter` (which takes plain
/// text too) and hands it over with `flushIfFull` between entries; every `chunkSize` bytes or
/// so go out in one write, and the buffer is reused.
///
/// Why: `rows --tensor token_embd.weight --ndjson` of the Gemma 3 GGUF (262,144 rows, a 61 MB
/// report) peaked at 188 MB holding the report as strings (`--json`, 89 MB, at 407 MB); streamed,
/// a report costs one chunk of memory however long it is (README "rows").
///
/// `ReportWriter`'s promises hold: every write is checked (exit 2 and a message when one
/// fails), and `--output` is never an input or a non-regular file. To `--output` the bytes go
/// to a temporary file beside the target, which `finish()` renames over it after checking the
/// target again: a failure part-way (a full disk, a file-size limit, an error while rendering)
/// leaves the target as it was and no temporary file behind. On standard output, what was
/// written before a failure stays written; the exit status says the report is incomplete.
final class ReportStream {
    /// Large enough that a write costs little next to rendering, small enough to stay in L2.
    static let defaultChunkSize = 64 * 1024

    /// Bytes at which `flushIfFull` writes the buffer.
    let chunkSize: Int
    private let descriptor: Int32
    /// What an error message names: "standard output" or the `--output` path as given.
    private let name: String
    /// With `--output`: the temporary file and the file it replaces (NUL-terminated bytes of
    /// their real paths: a folder's name need not be UTF-8, and as text the report went to
    /// another folder whose name read the same), the path as given, and the inputs it must not be.
    /// An unnamed temporary file (`unnamed`) has a template for the name it gets at `finish`.
    private var replacement: (temporary: [CChar], target: [CChar], output: String, inputs: [String], unnamed: Bool)?
    private var isOpen = true
    private var isCommitted = false

    /// A stream to `output` (a path: written through a temporary file and a rename) or, when
    /// `output` is nil, to standard output. Throws what `ReportWriter.checkOutput` throws, and
    /// when standard output is closed or the temporary file cannot be made.
    init(output: String?, inputs: [String], chunkSize: Int = ReportStream.defaultChunkSize) throws(CheckpointError) {
        self.chunkSize = max(1, chunkSize)
        guard let output else {
            try ReportWriter.checkStandardOutputIsOpen()
            descriptor = 1
            name = "standard output"
            replacement = nil
            return
        }
        try ReportWriter.checkOutput(output, inputs: inputs)
        let target = realRawPath(output) ?? RawPath(output)
        let folder = target.parent
        var template = folder.appending(".tensoraudit-report-XXXXXX").cString
        // An unnamed file while the report is written: whatever ends the process, SIGKILL and
        // a CI runner's hard timeout included, the kernel frees it and nothing is left beside
        // the target (a named one stayed after SIGKILL). It gets a name only at `finish`,
        // through /proc/self/fd, so both must be there; else a named file as below.
        var unnamed = false
        var fd: Int32 = -1
        if access("/proc/self/fd", X_OK) == 0 {
            fd = folder.cString.withUnsafeBufferPointer { $0.baseAddress.map { cglibc_open_unnamed($0) } ?? -1 }
            unnamed = fd >= 0
        }
        // Ctrl-C or a CI job's timeout (SIGINT, SIGTERM, SIGHUP) removes a named file, also when
        // the signal comes while the file is being made (hunt-60d: a `.tensoraudit-report-XXXXXX`
        // file stayed beside the target).
        if !unnamed {
            fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return cglibc_create_removed_on_signal(base)
            }
        }
        guard fd >= 0 else {
            // Name the folder: "cannot create a temporary file beside: No such file or directory"
            // did not say which folder was missing.
            let code = errno
            let shown = folder.description
            // ENOENT also comes from a folder that exists but takes no new files (/proc):
            // "does not exist" only when stat finds nothing there.
            var info = stat()
            let folderExists = folder.cString.withUnsafeBufferPointer { $0.baseAddress.map { stat($0, &info) == 0 } ?? false }
            let problem = switch code {
            case ENOENT where !folderExists: "the folder \(shown) does not exist"
            case ENOTDIR: "\(shown) is not a folder"
            default: "cannot create a file in the folder \(shown): \(String(cString: strerror(code)))"
            }
            throw .source(path: output, kind: "output", message: "cannot write the report: \(problem)")
        }
        let temporary = template
        // mkstemp makes the file 0600, owned by us. A report replacing a regular file keeps that
        // file's owner (when permitted: root replacing a user's 0600 report left it root's, and
        // unreadable to its user) and permission bits, as `>` into it would; a new report gets
        // the mode a new file would get.
        var existing = stat()
        let replaced = target.cString.withUnsafeBufferPointer { $0.baseAddress.map { stat($0, &existing) == 0 } ?? false }
        if replaced && (existing.st_mode & S_IFMT) == S_IFREG {
            _ = fchown(fd, existing.st_uid, existing.st_gid)  // refused unless root or already ours: fine
            fchmod(fd, existing.st_mode & 0o777)
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(fd, 0o666 & ~mask)
        }
        descriptor = fd
        name = output
        replacement = (temporary, target.cString, output, inputs, unnamed)
    }

    deinit {
        guard let replacement, !isCommitted else { return }
        if isOpen { close(descriptor) }
        // An unnamed file goes with its descriptor; one that `finish` named was removed there.
        guard !replacement.unnamed else { return }
        unlink(replacement.temporary)
        cglibc_keep_on_signal()
    }

    /// Writes `buffer` and empties it (keeping its capacity) once it holds `chunkSize` bytes.
    func flushIfFull(_ buffer: inout JSONWriter) throws(CheckpointError) {
        if buffer.count >= chunkSize { try flush(&buffer) }
    }

    /// Appends to `buffer` the elements of `items` as a JSON array at nesting `indent`, as
    /// `JSONWriter.value(.array(…))` lays out an array of objects (`[]` when empty), making
    /// each element's tree with `element` only when it is written and flushing between
    /// elements: a long list is never held as one tree.
    func writeArray<Items: Sequence>(_ items: Items, indent: Int, into buffer: inout JSONWriter,
                                     element: (Items.Element) -> JSONValue) throws(CheckpointError) {
        var written = 0
        for item in items {
            buffer.raw(written == 0 ? "[" : ",")
            buffer.newline(indent + 1)
            buffer.value(element(item), indent: indent + 1)
            written += 1
            try flushIfFull(&buffer)
        }
        if written == 0 {
            buffer.raw("[]")
        } else {
            buffer.newline(indent)
            buffer.raw("]")
        }
    }

    /// Writes a whole report: a JSON object of `members` and one more member, `streamed`, that
    /// `write` appends itself (a long array, `writeArray`), every member in code point order and
    /// laid out as `JSONValue.rendered()` would, then a newline.
    func writeObject(_ members: [ExactText: JSONValue], streamed: ExactText,
                     write: (inout JSONWriter) throws(CheckpointError) -> Void) throws(CheckpointError) {
        var out = JSONWriter(reservingCapacity: chunkSize + 4096)
        out.raw("{")
        for (i, name) in (Array(members.keys) + [streamed]).sorted().enumerated() {
            if i > 0 { out.raw(",") }
            out.key(name.text, indent: 1)
            if name == streamed {
                try write(&out)
            } else if let value = members[name] {
                out.value(value, indent: 1)
            }
            try flushIfFull(&out)
        }
        out.newline(0)
        out.raw("}\n")
        try flush(&out)
    }

    /// Writes `buffer`, all of it, and empties it (keeping its capacity).
    func flush(_ buffer: inout JSONWriter) throws(CheckpointError) {
        guard buffer.count > 0 else { return }
        try buffer.withBytes { bytes throws(CheckpointError) in try send(bytes) }
        buffer.removeAll()
    }

    /// Writes `text` at once (a report rendered whole).
    func write(_ text: String) throws(CheckpointError) {
        var text = text
        var failure: CheckpointError?
        text.withUTF8 { bytes in
            do throws(CheckpointError) { try send(UnsafeRawBufferPointer(bytes)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Ends the report: to `--output`, closes the temporary file, checks the target again
    /// (it may have become an input or a non-regular file meanwhile) and renames over it.
    /// Write everything (`flush`) before calling this.
    func finish() throws(CheckpointError) {
        guard var replacement else { return }
        var written = descriptor
        if replacement.unnamed {
            // Named beside the target (a name only from here to the rename, armed against
            // SIGINT, SIGTERM and SIGHUP as a named file is), then closed as a named file is.
            let linked = replacement.temporary.withUnsafeMutableBufferPointer { buffer -> Bool in
                guard let base = buffer.baseAddress else { return false }
                return cglibc_link_removed_on_signal(descriptor, base) == 0
            }
            if !linked {
                // A system that refuses the link (a sandbox's filter, a /proc of another kind):
                // the bytes are copied into a named file, as made without `O_TMPFILE`.
                isOpen = false
                defer { close(descriptor) }
                written = try copiedIntoNamedFile(&replacement.temporary)
            }
            replacement.unnamed = false
            self.replacement = replacement
        }
        isOpen = false
        guard close(written) == 0 else { throw .io(path: name, operation: "write", errno: errno) }
        try ReportWriter.checkOutput(replacement.output, inputs: replacement.inputs)
        // What was just checked is `--output` as it resolves now; the rename replaces the real
        // path it resolved to at the start. They must be the same file's path, or a link
        // retargeted meanwhile would have the check look at one file and the rename replace another.
        guard (realRawPath(replacement.output) ?? RawPath(replacement.output)).cString == replacement.target else {
            throw .source(path: name, kind: "output", message: "refusing to write the report: the path changed while the report was written")
        }
        guard rename(replacement.temporary, replacement.target) == 0 else {
            throw .io(path: name, operation: "replace", errno: errno)
        }
        cglibc_keep_on_signal()
        isCommitted = true
    }

    /// The unnamed file's bytes copied into a new named one from `template` (filled in), armed
    /// against signals; its descriptor. On a failure the named file is removed.
    private func copiedIntoNamedFile(_ template: inout [CChar]) throws(CheckpointError) -> Int32 {
        let named = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return cglibc_create_removed_on_signal(base)
        }
        guard named >= 0 else { throw .io(path: name, operation: "write", errno: errno) }
        // The owner and mode `init` gave the unnamed file (mkstemp makes 0600).
        var made = stat()
        if fstat(descriptor, &made) == 0 {
            _ = fchown(named, made.st_uid, made.st_gid)
            fchmod(named, made.st_mode & 0o777)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        do throws(CheckpointError) {
            while true {
                let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw .io(path: name, operation: "write", errno: errno)
                }
                if count == 0 { return named }
                var failure: CheckpointError?
                chunk.withUnsafeBytes { bytes in
                    do throws(CheckpointError) { try send(UnsafeRawBufferPointer(rebasing: bytes.prefix(count)), to: named) } catch { failure = error }
                }
                if let failure { throw failure }
                offset += off_t(count)
            }
        } catch {
            close(named)
            unlink(template)
            cglibc_keep_on_signal()
            throw error
        }
    }

    /// Writes all of `bytes` to `file` (the report's descriptor unless said), retrying
    /// interrupted and partial writes.
    private func send(_ bytes: UnsafeRawBufferPointer, to file: Int32? = nil) throws(CheckpointError) {
        guard let base = bytes.baseAddress else { return }
        let file = file ?? descriptor
        var offset = 0
        while offset < bytes.count {
            let written = writeDescriptor(file, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(path: name, operation: "write", errno: errno)
            }
            if written == 0 { throw .io(path: name, operation: "write", errno: EIO) }
            offset += written
        }
    }
}

/// `write(2)`, which `ReportStream.write(_:)` hides inside the class.
private func writeDescriptor(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
