#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names on disk, learned with `stat`/`lstat` before anything is opened.
///
/// Why before `open`: opening a FIFO for reading blocks until a writer appears, so a FIFO named
/// `model.safetensors` hung the process forever when the type was checked after `open`.
/// Every source (file, folder entry, shard, index, config.json, .zst, policy) is checked here
/// first, and then opened with `O_NONBLOCK` so a file swapped for a FIFO in between cannot
/// block either.
public struct FileIdentity: Sendable, Equatable, Hashable {
    public enum Kind: Sendable, Equatable {
        case regular, directory, fifo, characterDevice, blockDevice, socket, symbolicLink, other

        /// "a FIFO", "a character device", ... for messages.
        public var phrase: String {
            switch self {
            case .regular: "a regular file"
            case .directory: "a directory"
            case .fifo: "a FIFO (named pipe)"
            case .characterDevice: "a character device"
            case .blockDevice: "a block device"
            case .socket: "a socket"
            case .symbolicLink: "a symbolic link"
            case .other: "a special file"
            }
        }
    }

    public let kind: Kind
    public let device: UInt64
    public let inode: UInt64

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFIFO: kind = .fifo
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        case S_IFSOCK: kind = .socket
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        device = UInt64(truncatingIfNeeded: info.st_dev)
        inode = UInt64(truncatingIfNeeded: info.st_ino)
    }

    /// The identity of what `path` finally names (symbolic links followed), or `nil` when
    /// nothing is there (or it cannot be reached).
    public static func of(_ path: String) -> FileIdentity? {
        var info = stat()
        return stat(path, &info) == 0 ? FileIdentity(info) : nil
    }

    /// The identity of `path` itself (a symbolic link is reported as one).
    public static func ofLink(_ path: String) -> FileIdentity? {
        var info = stat()
        return lstat(path, &info) == 0 ? FileIdentity(info) : nil
    }

    /// `ofLink` of a path given as the system's bytes (`RawPath`).
    static func ofLink(_ path: RawPath) -> FileIdentity? {
        var info = stat()
        return path.withCString { lstat($0, &info) } == 0 ? FileIdentity(info) : nil
    }

    /// The same file: device and inode match (hard links and symbolic links included).
    public func isSameFile(as other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }
}
