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

    /// The same file: device and inode match (hard links and symbolic links included).
    public func isSameFile(as other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }
}

/// Real paths and the folder boundary.
///
/// A checkpoint folder is untrusted: a shard name, an index or config.json may be a symbolic
/// link (or pass through a linked subfolder, `sub -> /`) to a file anywhere. tensoraudit opens
/// only files whose real path lies inside the real path of the folder asked for. One exception,
/// because refusing it would refuse every model downloaded with `huggingface_hub`: in its cache,
/// `models--org--name/snapshots/<revision>/` holds links into `models--org--name/blobs/`, so for
/// a folder whose real path is `<repo>/snapshots/<revision>` or a folder below it,
/// `<repo>/blobs` is inside too.
public struct FolderBoundary: Sendable, Equatable {
    /// The folder as given, for messages.
    public let folder: String
    /// Real paths of the allowed roots (the folder, and a Hugging Face cache's blobs folder).
    public let roots: [String]

    /// The boundary of `folder`; `nil` when its real path cannot be resolved.
    public init?(folder: String) {
        guard let real = realPath(folder) else { return nil }
        self.folder = folder
        var roots = [real]
        let parts = real.split(separator: "/", omittingEmptySubsequences: true)
        // Only a real `blobs` directory of the repo itself: a `blobs` that is a link (to `/`,
        // say) would widen the boundary to wherever it points. And only in a folder named as
        // `huggingface_hub` names a cached repo (`models--org--name`; datasets and spaces
        // likewise): any other `x/snapshots/rev` folder got the exception too, so a folder laid
        // out that way could reach into its grandparent's `blobs`.
        // A folder below the revision (`snapshots/<rev>/unet` of a diffusers repo, a
        // sentence-transformers `1_Pooling`) holds links into the same `blobs` (`../../../blobs/…`):
        // the nearest `snapshots` with a cache repo above it and a revision below decides.
        if let index = parts.indices.dropFirst().dropLast().last(where: { i in
               parts[i] == "snapshots" && Self.cacheRepoPrefixes.contains(where: { parts[i - 1].hasPrefix($0) })
           }) {
            let repo = "/" + parts[..<index].joined(separator: "/")
            if FileIdentity.ofLink(repo + "/blobs")?.kind == .directory, realPath(repo + "/blobs") == repo + "/blobs" {
                roots.append(repo + "/blobs")
            }
        }
        self.roots = roots
    }

    /// Why `path` may not be opened, or `nil` when its real path lies inside the boundary (a
    /// path that does not exist is left to the caller's "missing" handling).
    ///
    /// A path whose real path cannot be worked out for another reason is refused: `realpath`
    /// gives up on a resolved path longer than `PATH_MAX` (`ENAMETOOLONG`), while `open` follows
    /// the same chain of links link by link and reaches the file, so a folder could lead out of
    /// itself through a long enough chain (found by an adversarial sweep, 2026-12-04:
    /// `config.json` reaching `/etc/passwd`).
    public func problem(with path: String) -> String? {
        let real: String
        switch resolvedPath(path) {
        case .resolved(let found): real = found
        // Missing for `realpath` and for `stat` alike: left to the caller. A path `stat` still
        // reaches goes through a link `realpath` cannot name: a /proc "magic" link to a deleted
        // file or into another mount namespace (`/proc/<pid>/fd/3`, `/proc/<pid>/root/…`), which
        // `open` follows (adversarial re-check, 2026-12-04).
        case .failed(let code) where (code == ENOENT || code == ENOTDIR) && FileIdentity.of(path) == nil: return nil
        case .failed(let code):
            return "cannot be checked against the folder \(folder): its real path cannot be resolved (\(errnoDescription(code)))"
        }
        if roots.contains(where: { Self.isInside(real, $0) }) { return nil }
        return "resolves to \(real), outside the folder \(folder) (links out of a checkpoint folder are not followed)"
    }

    /// Why the file behind `mapping`, opened after `problem(with:)` approved its path, may not
    /// be read, or `nil` when it lies inside the boundary (or there is no /proc to ask).
    ///
    /// Why after `open` as well: the path is checked, then opened again by name, and a folder
    /// someone writes to during the run can swap a link in between: with `model.safetensors`
    /// flipped between an inside and an outside file by a script, 83 of 600 runs of `inspect`
    /// read the outside one, none since (README "Trust boundaries"). The descriptor cannot be
    /// swapped.
    public func problem(withOpened mapping: MappedFile) -> String? {
        switch mapping.opened {
        case .unknown: return nil
        case .unnamed:
            return "was opened as a file the system names no path for (deleted, or in another mount namespace): "
                + "it cannot be checked against the folder \(folder)"
        case .path(let real):
            if roots.contains(where: { Self.isInside(real, $0) }) { return nil }
            return "was opened as \(real), outside the folder \(folder) (it changed after it was checked)"
        }
    }

    /// How `huggingface_hub` names a cached repo's folder: `<type>s--<org>--<name>`.
    static let cacheRepoPrefixes = ["models--", "datasets--", "spaces--"]

    static func isInside(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }
}

/// The canonical absolute path of `path` (every link resolved), or `nil` when it does not exist
/// or cannot be resolved.
public func realPath(_ path: String) -> String? {
    guard case .resolved(let real) = resolvedPath(path) else { return nil }
    return real
}

/// `realpath(3)` of `path`, or the `errno` it failed with.
enum ResolvedPath {
    case resolved(String)
    case failed(Int32)
}

func resolvedPath(_ path: String) -> ResolvedPath {
    guard let resolved = realpath(path, nil) else { return .failed(errno) }
    defer { free(resolved) }
    return .resolved(String(cString: resolved))
}
