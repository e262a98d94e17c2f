#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Real paths and the folder boundary.
///
/// A checkpoint folder is untrusted: a shard name, an index or config.json may be a symbolic
/// link (or pass through a linked subfolder, `sub -> /`) to a file anywhere. tensoraudit opens
/// only files whose real path lies inside the real path of the folder asked for, compared byte
/// for byte (`RawPath`). One exception, because refusing it would refuse every model downloaded
/// with `huggingface_hub`: in its cache, `models--org--name/snapshots/<revision>/` holds links
/// into `models--org--name/blobs/`, so for a folder whose real path is
/// `<repo>/snapshots/<revision>` or a folder below it, `<repo>/blobs` is inside too.
public struct FolderBoundary: Sendable, Equatable {
    /// The folder as given, for messages.
    public let folder: String
    /// Real paths of the allowed roots (the folder, and a Hugging Face cache's blobs folder).
    public let roots: [RawPath]

    /// The boundary of `folder`, or the `errno` of `realpath` when its real path cannot be
    /// resolved (read right where it failed, not later from the global `errno`).
    public static func resolving(_ folder: String) -> Result<FolderBoundary, ResolutionFailure> {
        switch RawPath(folder).resolved() {
        case .resolved(let real): .success(FolderBoundary(folder: folder, real: real))
        case .failed(let code): .failure(ResolutionFailure(code: code))
        }
    }

    /// `realpath` failed with `code`.
    public struct ResolutionFailure: Error, Sendable {
        public let code: Int32
    }

    private init(folder: String, real: RawPath) {
        self.folder = folder
        var roots = [real]
        let parts = real.components
        // Only a real `blobs` directory of the repo itself: a `blobs` that is a link (to `/`,
        // say) would widen the boundary to wherever it points. And only in a folder named as
        // `huggingface_hub` names a cached repo (`models--org--name`; datasets and spaces
        // likewise): any other `x/snapshots/rev` folder got the exception too, so a folder laid
        // out that way could reach into its grandparent's `blobs`.
        // A folder below the revision (`snapshots/<rev>/unet` of a diffusers repo, a
        // sentence-transformers `1_Pooling`) holds links into the same `blobs` (`../../../blobs/…`):
        // the nearest `snapshots` with a cache repo above it and a revision below decides.
        let snapshots = Array("snapshots".utf8)
        if let index = parts.indices.dropFirst().dropLast().last(where: { i in
               parts[i].elementsEqual(snapshots) && Self.cacheRepoPrefixes.contains(where: { parts[i - 1].starts(with: $0.utf8) })
           }) {
            let repo = RawPath(bytes: parts[..<index].flatMap { [UInt8(ascii: "/")] + $0 })
            let blobs = repo.appending("blobs")
            if FileIdentity.ofLink(blobs)?.kind == .directory, case .resolved(let resolved) = blobs.resolved(), resolved == blobs {
                roots.append(blobs)
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
        let real: RawPath
        switch RawPath(path).resolved() {
        case .resolved(let found): real = found
        // Missing for `realpath` and for `stat` alike: left to the caller. A path `stat` still
        // reaches goes through a link `realpath` cannot name: a /proc "magic" link to a deleted
        // file or into another mount namespace (`/proc/<pid>/fd/3`, `/proc/<pid>/root/…`), which
        // `open` follows (adversarial re-check, 2026-12-04).
        case .failed(let code) where (code == ENOENT || code == ENOTDIR) && FileIdentity.of(path) == nil: return nil
        case .failed(let code):
            return "cannot be checked against the folder \(folder): its real path cannot be resolved (\(errnoDescription(code)))"
        }
        if roots.contains(where: { real.isInside($0) }) { return nil }
        return "resolves to \(real), outside the folder \(folder) (links out of a checkpoint folder are not followed; a checkpoint file named on the command line may be a link)"
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
            if roots.contains(where: { real.isInside($0) }) { return nil }
            return "was opened as \(real), outside the folder \(folder) (it changed after it was checked)"
        }
    }

    /// How `huggingface_hub` names a cached repo's folder: `<type>s--<org>--<name>`.
    static let cacheRepoPrefixes = ["models--", "datasets--", "spaces--"]
}
