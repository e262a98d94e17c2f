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
    private let base: UnsafeMutableRawPointer?
    private let mappedLength: Int

    /// Opens and maps `path` read-only.
    public init(path: String) throws(CheckpointError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .notARegularFile(path: path, what: "a directory") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile(path: path, what: "not a regular file") }
        let size = UInt64(max(0, info.st_size))
        self.size = size
        guard size > 0 else {
            // mmap of length 0 fails with EINVAL; an empty file is reported by the parser.
            base = nil
            mappedLength = 0
            return
        }
        guard size <= UInt64(Int.max) else { throw .io(path: path, operation: "mmap", errno: EFBIG) }
        let pointer = mmap(nil, Int(size), PROT_READ, MAP_PRIVATE, fd, 0)
        guard let pointer, pointer != MAP_FAILED else { throw .io(path: path, operation: "mmap", errno: errno) }
        base = pointer
        mappedLength = Int(size)
    }

    /// Creates a private anonymous mapping of `capacity` bytes that `fill` writes once; used to
    /// hold decompressed checkpoints without a growing Swift array (pages are committed only
    /// as they are written, and freed with the mapping).
    public init(anonymousCapacity capacity: Int, label: String,
                fill: (UnsafeMutableRawBufferPointer) throws(CheckpointError) -> Int) throws(CheckpointError) {
        path = label
        guard capacity > 0 else {
            base = nil
            mappedLength = 0
            size = UInt64(try fill(UnsafeMutableRawBufferPointer(start: nil, count: 0)))
            return
        }
        let pointer = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pointer, pointer != MAP_FAILED else { throw .io(path: label, operation: "mmap", errno: errno) }
        do {
            let used = try fill(UnsafeMutableRawBufferPointer(start: pointer, count: capacity))
            size = UInt64(used)
        } catch {
            munmap(pointer, capacity)
            throw error
        }
        base = pointer
        mappedLength = capacity
    }

    deinit {
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

    /// The current size on disk, to detect a file that changed while mapped.
    public func currentSizeOnDisk() -> UInt64? {
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
