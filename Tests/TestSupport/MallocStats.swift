import Foundation
#if canImport(Glibc)
import Glibc

/// glibc's own count of heap bytes (`malloc_stats`), for memory tests. `malloc_stats` prints to
/// stderr, so this redirects the process's stderr to a temporary file for a moment: call it
/// from exit tests only (each runs in a child process of its own).
public struct MallocStats {
    /// Bytes in use, over all arenas and mmapped blocks.
    public let inUse: Int
    /// Bytes in use in the arenas' heaps (blocks not mmapped on their own).
    public let inUseInArenas: Int

    /// Bytes in use in blocks that have a mapping of their own.
    public var inUseMapped: Int { inUse - inUseInArenas }

    public static func current() -> MallocStats? {
        typealias Print = @convention(c) () -> Void
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_stats") else { return nil }
        let path = NSTemporaryDirectory() + "malloc-stats-\(getpid()).txt"
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard file >= 0 else { return nil }
        let saved = dup(2)
        dup2(file, 2)
        unsafeBitCast(symbol, to: Print.self)()
        dup2(saved, 2)
        close(saved)
        close(file)
        defer { unlink(path) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        // "Arena N:" blocks each give "in use bytes = …"; the last one is the total, mmap included.
        let counts = text.split(separator: "\n").filter { $0.contains("in use bytes") }
            .compactMap { $0.split(separator: "=").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        guard let total = counts.last, counts.count >= 2 else { return nil }
        return MallocStats(inUse: total, inUseInArenas: counts.dropLast().reduce(0, +))
    }
}
#endif
