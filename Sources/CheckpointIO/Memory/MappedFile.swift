#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file; every libc call of the project lives here.
///
/// Why mmap and not `Data(contentsOf:)`: on Linux `.mappedIfSafe` reads the whole file into
/// memory, and `inspect` must touch only the header pages of a multi-GB checkpoint. The
/// mapping stays valid while any `TensorView` holds this object.
public final class MappedFile: @unchecked Sendable {
    /// The path as given by the caller, used in every message.
    public let path: String
    /// File size in bytes at the time of mapping.
    public let size: UInt64
    /// True for anonymous memory (decompressed bytes): there is no file on disk to re-check.
    public let isAnonymous: Bool
    /// Device and inode of the mapped file (`nil` for anonymous memory): lets the CLI refuse
    /// an `--output` that is an input under another name (a hard link, a symbolic link).
    public let identity: FileIdentity?
    /// What the opened descriptor is, as the kernel names it (`/proc/self/fd/N` resolved right
    /// after `open`): `.unknown` where there is no /proc, and for anonymous memory.
    /// `FolderBoundary.problem(withOpened:)` checks it, so that a link swapped between the
    /// boundary check and `open` cannot lead out of the folder.
    public let opened: OpenedPath
    private let base: UnsafeMutableRawPointer?
    private let mappedLength: Int
    /// Set while another thread may still be writing the bytes (`init(streamingLength:)`).
    private let progress: FillProgress?
    /// Set for bytes written on their first read (`init(deferredLength:label:fill:)`).
    private let deferred: DeferredFill?
    /// The mapping's entry in the SIGBUS handler's table (files only: anonymous memory does not
    /// shrink), so a fault in it names `path`; `nil` when the table is full.
    private let faultRegistration: FaultRegistration?

    /// Opens and maps `path` read-only.
    public convenience init(path: String) throws(CheckpointError) {
        try self.init(path: path, refusingOver: nil)
    }

    /// Opens `path` and maps it read-only, unless it holds more than `limit.bytes` bytes: then
    /// `limit.refusal(size)` is thrown before anything is mapped.
    ///
    /// Why before: a 3 GiB config.json under `ulimit -v 2000000` failed in `mmap` ("cannot
    /// mmap: Cannot allocate memory", kind `io`) instead of saying it is over the limit
    /// (hunt-60a).
    public init(path: String, refusingOver limit: (bytes: UInt64, refusal: (UInt64) -> CheckpointError)?) throws(CheckpointError) {
        self.path = path
        isAnonymous = false
        progress = nil
        deferred = nil
        // The type is checked before `open` (a FIFO would block it) and again on the
        // descriptor, opened non-blocking, in case the path changed in between.
        var before = stat()
        guard stat(path, &before) == 0 else { throw .io(path: path, operation: "open", errno: errno) }
        let kind = FileIdentity(before).kind
        guard kind == .regular else { throw .notARegularFile(path: path, what: kind.phrase) }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        let found = FileIdentity(info)
        guard found.kind == .regular else { throw .notARegularFile(path: path, what: found.kind.phrase) }
        identity = found
        opened = OpenedPath(descriptor: fd)
        let size = UInt64(max(0, info.st_size))
        self.size = size
        if let system = PseudoFileSystem.name(of: fd) {
            throw .notARegularFile(path: path, what: "a file of the kernel's \(system) file system (its size reads as \(size) bytes; "
                                       + "its contents are made when read)")
        }
        if let limit, size > limit.bytes { throw limit.refusal(size) }
        guard size > 0 else {
            // mmap of length 0 fails with EINVAL; an empty file is reported by the parser.
            base = nil
            mappedLength = 0
            faultRegistration = nil
            return
        }
        guard size <= UInt64(Int.max) else { throw .io(path: path, operation: "mmap", errno: EFBIG) }
        let pointer = mmap(nil, Int(size), PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else { throw .io(path: path, operation: "mmap", errno: errno) }
        base = pointer
        mappedLength = Int(size)
        faultRegistration = FaultRegistration(address: UInt(bitPattern: pointer), length: Int(size),
                                              message: FaultGuard.busErrorMessage(forFile: path))
    }

    /// Creates a private anonymous mapping that `fill` writes once, and returns its used prefix;
    /// used to hold decompressed checkpoints without a growing Swift array.
    ///
    /// Why a reservation: `capacity` is address space, not memory. The range is mapped with
    /// `MAP_NORESERVE`, pages are committed only when `fill` writes them, and the unused tail
    /// is unmapped afterwards, so reserving a large cap for a stream of unknown length costs
    /// nothing. When the kernel refuses the reservation (strict overcommit), `fallbackCapacity`
    /// is tried instead. `fill` returns the number of bytes it wrote.
    public convenience init(anonymousCapacity capacity: Int, fallbackCapacity: Int? = nil, label: String,
                            fill: (UnsafeMutableRawBufferPointer) throws(CheckpointError) -> Int) throws(CheckpointError) {
        try self.init(anonymousCapacity: capacity, fallbackCapacity: fallbackCapacity, label: label, incomplete: nil) {
            (buffer) throws(CheckpointError) -> (written: Int, size: Int) in
            let used = try fill(buffer)
            return (used, used)
        }
    }

    /// `init(anonymousCapacity:fallbackCapacity:label:fill:)` for a fill that may write only the
    /// first `written` bytes of content `size` bytes long (a `.zst` decoded through its header
    /// only): the mapping is `size` bytes, the rest reads as zeros, and when `written < size`,
    /// readers are told the rest never comes (`waitUntilFilled` is false past `written`,
    /// `waitUntilComplete` throws `incomplete`).
    init(anonymousCapacity capacity: Int, fallbackCapacity: Int? = nil, label: String, incomplete: CheckpointError?,
         fill: (UnsafeMutableRawBufferPointer) throws(CheckpointError) -> (written: Int, size: Int)) throws(CheckpointError) {
        path = label
        isAnonymous = true
        identity = nil
        opened = .unknown
        faultRegistration = nil
        deferred = nil
        guard capacity > 0 else {
            base = nil
            mappedLength = 0
            let result = try fill(UnsafeMutableRawBufferPointer(start: nil, count: 0))
            size = UInt64(result.written)
            progress = nil
            return
        }
        var length = capacity
        var reserved = Self.reserve(length)
        if reserved == nil, let fallback = fallbackCapacity, fallback > 0, fallback < capacity {
            length = fallback
            reserved = Self.reserve(length)
        }
        // No size to fall back on (a `.zst` frame that declares none): halves of the cap, down
        // to 64 MiB. Why: under `ulimit -v 4000000` the 8 GiB default cap could not be reserved,
        // and every such file failed, however small (black-box fuzz round, 2026-12-05); `fill`
        // sees how much it got, and its overflow message says so.
        var half = capacity / 2
        while reserved == nil, fallbackCapacity == nil, half >= Self.smallestReservation {
            length = half
            reserved = Self.reserve(length)
            half /= 2
        }
        guard let pointer = reserved else {
            throw .io(path: label, operation: "reserve \(length) bytes of address space to decompress into", errno: errno)
        }
        let written: Int, used: Int
        do {
            (written, used) = try fill(UnsafeMutableRawBufferPointer(start: pointer, count: length))
        } catch {
            munmap(pointer, length)
            throw error
        }
        if let incomplete, written < min(used, length) {
            let partial = FillProgress()
            partial.advance(to: written)
            partial.finish(incomplete)
            progress = partial
        } else {
            progress = nil
        }
        // Give back the address space past the last written page.
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let kept = max(page, (min(used, length) + page - 1) / page * page)
        if kept < length { munmap(pointer + kept, length - kept) }
        base = pointer
        mappedLength = min(kept, length)
        size = UInt64(min(used, length))
    }

    /// Reserves `length` bytes of anonymous memory and starts `fill` on a thread of its own; the
    /// mapping is usable at once, `size` is `length`, and readers wait for the bytes they need
    /// (`waitUntilFilled(through:)`, `waitUntilComplete()`). `fill` reports its progress, and
    /// throws when it cannot write all `length` bytes.
    ///
    /// The thread keeps the mapping alive until `fill` returns, so the bytes are never unmapped
    /// under the writer.
    init(streamingLength length: Int, label: String,
         fill: @escaping @Sendable (UnsafeMutableRawBufferPointer, FillProgress) throws(CheckpointError) -> Int)
        throws(CheckpointError) {
        path = label
        isAnonymous = true
        identity = nil
        opened = .unknown
        faultRegistration = nil
        let fillProgress = FillProgress()
        progress = fillProgress
        deferred = nil
        guard length > 0 else { throw .io(path: label, operation: "reserve address space to decompress into", errno: EINVAL) }
        guard let pointer = Self.reserve(length) else {
            throw .io(path: label, operation: "reserve \(length) bytes of address space to decompress into", errno: errno)
        }
        base = pointer
        mappedLength = length
        size = UInt64(length)
        let buffer = UncheckedSendable(UnsafeMutableRawBufferPointer(start: pointer, count: length))
        let started = startDetachedThread { [self] in
            let outcome = Result { () throws(CheckpointError) -> Int in try fill(buffer.value, fillProgress) }
            switch outcome {
            case .success(let used):
                fillProgress.advance(to: used)
                fillProgress.finish(nil)
            case .failure(let error):
                fillProgress.finish(error)
            }
            _ = self.mappedLength  // keeps `self` (and the mapping) alive until here
        }
        guard started else { throw .io(path: label, operation: "start the decoding thread for", errno: EAGAIN) }
    }

    /// Reserves `length` bytes of anonymous memory that `fill` writes whole the first time a
    /// reader asks for any of them (`waitUntilFilled(through:)`, which every `TensorView.bytes`
    /// calls), on that reader's thread; readers on other threads wait for it. Until then the
    /// reservation is address space only (`MAP_NORESERVE`).
    ///
    /// Why: a torch file's strided views are read through a row-major copy of their elements,
    /// which only the commands that read values need. Made at open, `inspect` of a file of one
    /// 4096 × 4096 F32 transpose copied its 64 MB (45 ms, and that much more memory) to print
    /// a table of names and shapes.
    init(deferredLength length: Int, label: String,
         fill: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) throws(CheckpointError) {
        path = label
        isAnonymous = true
        identity = nil
        opened = .unknown
        faultRegistration = nil
        progress = nil
        guard length > 0, let pointer = Self.reserve(length) else {
            throw .io(path: label, operation: "reserve \(length) bytes of address space to copy strided tensors into",
                      errno: length > 0 ? errno : EINVAL)
        }
        base = pointer
        mappedLength = length
        size = UInt64(length)
        deferred = DeferredFill(UnsafeMutableRawBufferPointer(start: pointer, count: length), fill: fill)
    }

    /// The smallest reservation tried for output of unknown size.
    static let smallestReservation = 64 << 20

    /// Reserves `length` bytes of private anonymous address space (`MAP_NORESERVE`: pages are
    /// committed as they are written), or `nil` when the kernel refuses (`errno` says why).
    private static func reserve(_ length: Int) -> UnsafeMutableRawPointer? {
        let pointer = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let pointer, pointer != MAP_FAILED else { return nil }
        // Transparent huge pages where the system allows them (madvise mode): one fault per
        // 2 MiB instead of per 4 KiB while a writer fills the range.
        _ = madvise(pointer, length, Int32(MADV_HUGEPAGE))
        return pointer
    }

    /// Waits until the first `count` bytes are final (at once for files and finished fills);
    /// false when the fill failed first (`waitUntilComplete()` then throws the failure).
    @discardableResult
    func waitUntilFilled(through count: Int) -> Bool {
        deferred?.runOnce()
        return progress?.wait(through: count) ?? true
    }

    /// True for a deferred mapping (`init(deferredLength:label:fill:)`) no reader has asked for
    /// yet: its bytes are not written and take no memory. Tests check that commands which read
    /// no values (`inspect`) leave it so.
    package var hasPendingFill: Bool { deferred?.isPending ?? false }

    /// True for mappings filled by another thread (`init(streamingLength:)`).
    var isFilledInBackground: Bool { progress != nil }

    /// Waits until every byte is written and throws when writing them failed.
    public func waitUntilComplete() throws(CheckpointError) {
        try progress?.waitUntilFinished()
    }

    deinit {
        // Out of the table before the range is given back: another mapping may get it next.
        faultRegistration?.remove()
        if let base { munmap(base, mappedLength) }
    }

    /// Read access to the mapped bytes. The buffer must not escape `body`.
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: Int(size)))
    }

    /// The mapped bytes for views that keep `self` alive.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base.map { UnsafeRawPointer($0) }, count: Int(size))
    }

    /// How the kernel should expect the pages to be used.
    public enum AccessPattern: Sendable {
        /// A full scan: read ahead aggressively (measured 2.4 → 3.5 GB/s on cold reads).
        case sequential
        /// Scattered lookups such as header-only inspection.
        case random
        /// Prefetch now.
        case willNeed
    }

    /// Advises the kernel about a byte range; failures are ignored because advice is a hint.
    public func advise(_ pattern: AccessPattern, offset: UInt64 = 0, length: UInt64? = nil) {
        guard let base, offset < size else { return }
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let alignedStart = offset / pageSize * pageSize
        let end = min(size, offset + (length ?? size))
        let advice: Int32
        switch pattern {
        case .sequential: advice = Int32(MADV_SEQUENTIAL)
        case .random: advice = Int32(MADV_RANDOM)
        case .willNeed: advice = Int32(MADV_WILLNEED)
        }
        _ = madvise(base + Int(alignedStart), Int(end - alignedStart), advice)
    }

    /// Drops the pages that lie wholly inside a byte range from this process's memory (they
    /// are re-read from the file if touched again; pages shared with neighbouring bytes stay).
    /// The zstd decoder calls it on input it has consumed, so peak memory holds the
    /// decompressed bytes, not the compressed file as well; scans call it behind them.
    public func discard(offset: UInt64, length: UInt64) {
        guard let base, !isAnonymous, offset < size else { return }
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let start = (offset + pageSize - 1) / pageSize * pageSize
        let end = min(size, offset + length) / pageSize * pageSize
        guard end > start else { return }
        _ = madvise(base + Int(start), Int(end - start), Int32(MADV_DONTNEED))
    }

    /// `discard` of `offset ..< end` widened to the start of the page `offset` is in, for a
    /// reader moving forward through the file, which has passed the bytes before `offset`;
    /// the page `end` falls in is left to the next read.
    public func discardBehind(offset: UInt64, end: UInt64) {
        let pageSize = UInt64(sysconf(Int32(_SC_PAGESIZE)))
        let start = offset / pageSize * pageSize
        guard end > start else { return }
        discard(offset: start, length: end - start)
    }

    /// Faults in `length` bytes at `pointer` (inside an anonymous mapping made by this type)
    /// as writable without writing them (`MADV_POPULATE_WRITE`, Linux 5.14+); false when the
    /// kernel refuses, e.g. an older kernel or no memory left to commit.
    static func populateWritable(_ pointer: UnsafeMutableRawPointer, length: Int) -> Bool {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let address = Int(bitPattern: pointer)
        let start = address / page * page
        return madvise(UnsafeMutableRawPointer(bitPattern: start), length + (address - start), 23 /* MADV_POPULATE_WRITE */) == 0
    }

    /// A descriptor on the mapped file, for reading a few scattered bytes with `pread` instead of
    /// through the mapping (`Copier.copy(offset:into:)`); `nil` for anonymous memory, and when
    /// `path` no longer names the mapped file (replaced or removed since it was mapped: the
    /// caller then reads the mapping).
    ///
    /// Why not keep the mapping's own descriptor open: a checkpoint of many shards would hold one
    /// descriptor per shard for the whole run; a copier lives only while its reader needs it.
    public func copier() -> Copier? {
        guard !isAnonymous, let identity else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, FileIdentity(info) == identity else {
            close(fd)
            return nil
        }
        return Copier(descriptor: fd, size: size)
    }

    /// An open descriptor on a mapped file (`MappedFile.copier()`), closed when released.
    public final class Copier {
        private let descriptor: Int32
        private let size: UInt64

        fileprivate init(descriptor: Int32, size: UInt64) {
            self.descriptor = descriptor
            self.size = size
        }

        deinit { close(descriptor) }

        /// Copies the `buffer.count` bytes at `offset` of the file into `buffer`; false when they
        /// lie past the mapped size or the file gave fewer (it shrank, or a read failed).
        public func copy(offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
            guard let base = buffer.baseAddress else { return true }
            guard offset <= size, UInt64(buffer.count) <= size - offset else { return false }
            var done = 0
            while done < buffer.count {
                let n = pread(descriptor, base + done, buffer.count - done, off_t(offset) + off_t(done))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { return false }
                done += n
            }
            return true
        }
    }

    /// Physical memory of the machine in bytes, or `nil` when the system does not say.
    public static var physicalMemory: UInt64? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        return UInt64(pages).multipliedReportingOverflow(by: UInt64(pageSize)).overflow
            ? nil : UInt64(pages) * UInt64(pageSize)
    }

    /// Whether `path` names an existing directory.
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` names nothing: `stat` fails because it, or a folder on the way, is not
    /// there (a dangling link included). A path `stat` fails on for another reason (a loop of
    /// links, a folder without search permission) is there but unreadable, and is reported when
    /// read, not taken for absent: such a config.json was silently skipped (adversarial
    /// re-check, 2026-12-04).
    public static func isAbsent(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) != 0 else { return false }
        return errno == ENOENT || errno == ENOTDIR
    }

    /// The current size on disk, to detect a file that changed while mapped.
    public func currentSizeOnDisk() -> UInt64? {
        guard !isAnonymous else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return UInt64(max(0, info.st_size))
    }
}

/// The text of an errno value, e.g. "No such file or directory".
func errnoDescription(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text)
}

/// The real path of an open descriptor, as `/proc/self/fd/N` names it.
public enum OpenedPath: Sendable, Equatable {
    /// The descriptor's file, by its real path (bytes: it need not be UTF-8).
    case path(RawPath)
    /// /proc names no path for it (a deleted file: " (deleted)"; a file of another mount
    /// namespace).
    case unnamed
    /// No /proc to ask (not Linux, or /proc not mounted), or anonymous memory.
    case unknown

    init(descriptor fd: Int32) {
        let link = "/proc/self/fd/\(fd)"
        guard FileIdentity.ofLink(link) != nil else {
            self = .unknown
            return
        }
        guard case .resolved(let real) = RawPath(link).resolved() else {
            self = .unnamed
            return
        }
        self = .path(real)
    }
}
