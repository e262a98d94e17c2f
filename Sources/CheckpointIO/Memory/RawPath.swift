#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A path as the system spells it: bytes, which on Linux need not be UTF-8.
///
/// Why not `String`: Swift replaces every invalid UTF-8 sequence of a C string with U+FFFD, so
/// `a/\xff` and `a/\xfe` became the same text, and a folder named `\xff` took a link to
/// `../\xfe/model.safetensors` for one of its own files (adversarial sweep, 2026-12-04: read
/// for every command, and config.json too). The folder boundary compares and resolves these
/// bytes; the text is only for messages.
public struct RawPath: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The UTF-8 bytes of `path` (what `open(path)` passes to the system).
    public init(_ path: String) {
        bytes = Array(path.utf8)
    }

    /// For messages: invalid UTF-8 shown as U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// `body` with the path as a NUL-terminated C string of exactly these bytes.
    func withCString<Result>(_ body: (UnsafePointer<CChar>) -> Result) -> Result {
        cString.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return body("") }
            return body(base)
        }
    }

    /// This path with `/component` added.
    public func appending(_ component: String) -> RawPath {
        RawPath(bytes: bytes + [UInt8(ascii: "/")] + Array(component.utf8))
    }

    /// The components between slashes, empty ones left out.
    var components: [ArraySlice<UInt8>] {
        bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
    }

    /// Whether this path is `root` or lies below it, byte for byte.
    public func isInside(_ root: RawPath) -> Bool {
        if root.bytes == [UInt8(ascii: "/")] || bytes == root.bytes { return true }
        return bytes.count > root.bytes.count && bytes.starts(with: root.bytes) && bytes[root.bytes.count] == UInt8(ascii: "/")
    }

    /// `realpath(3)` of this path, or the `errno` it failed with.
    func resolved() -> ResolvedPath {
        withCString { path in
            guard let resolved = realpath(path, nil) else { return .failed(errno) }
            defer { free(resolved) }
            let length = strlen(resolved)
            return .resolved(RawPath(bytes: resolved.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }))
        }
    }
}

/// `realpath(3)` of a path, or the `errno` it failed with.
enum ResolvedPath {
    case resolved(RawPath)
    case failed(Int32)
}

/// The canonical absolute path of `path` (every link resolved), or `nil` when it does not exist
/// or cannot be resolved. As text, for messages and comparisons that may only refuse too much;
/// what is opened, created or compared for the folder boundary uses the bytes (`realRawPath`).
public func realPath(_ path: String) -> String? {
    realRawPath(path)?.description
}

/// `realPath` as the system's bytes.
public func realRawPath(_ path: String) -> RawPath? {
    guard case .resolved(let real) = RawPath(path).resolved() else { return nil }
    return real
}

extension RawPath {
    /// The path up to its last `/` (`/` for a file at the root, `.` without a slash).
    public var parent: RawPath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return RawPath(".") }
        return slash == 0 ? RawPath("/") : RawPath(bytes: Array(bytes[..<slash]))
    }

    /// The bytes with a terminating NUL, for C calls that keep or fill the buffer (`mkstemp`).
    public var cString: [CChar] {
        bytes.map { CChar(bitPattern: $0) } + [0]
    }
}
