import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one folder under the system's temporary directory that holds every scratch folder of this
/// test process, removed when the process exits.
///
/// Why: the suites make some 800 folders per run (real model folders, sharded copies, links,
/// FIFOs), about 400 MB; left behind, a few dozen `make test` runs fill a developer's `/tmp`.
/// Removal works through descriptors (`openat`/`unlinkat`), never through paths, because one test
/// builds a chain of folders whose path is longer than `PATH_MAX`, which `FileManager` cannot
/// remove, and because it must never follow a test's links out of the folder.
enum TestScratch {
    static let root: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("tensoraudit-tests-\(getpid())-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        // Held until the process ends, however it ends: the sign that the folder is in use.
        let lock = open(url.path + "/" + lockName, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock >= 0 { _ = flock(lock, LOCK_EX) }
        atexit {
            TestScratch.removeTree(at: TestScratch.root.path)
            TestScratch.removeFoldersOfEndedProcesses()
        }
        return url
    }()

    static let lockName = ".owner-lock"

    /// Removes the scratch folders of test processes that have ended.
    ///
    /// Why: an exit test (`#expect(processExitsWith:)`) runs its body in a child process that
    /// dies by a signal or `_exit` (the SIGBUS guard's exit), so its own `atexit` never runs;
    /// the parent, which outlives it, sweeps for it. A folder is taken for ended only when its
    /// owner's lock can be had: a process id says nothing across PID namespaces (two CI jobs
    /// sharing /tmp), a lock does. Folders without a lock file are left alone.
    static func removeFoldersOfEndedProcesses() {
        let temporary = FileManager.default.temporaryDirectory.path
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix("tensoraudit-tests-") {
            let folder = temporary + "/" + name
            let lock = open(folder + "/" + lockName, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            guard lock >= 0 else { continue }
            let ended = flock(lock, LOCK_EX | LOCK_NB) == 0
            close(lock)
            if ended { removeTree(at: folder) }
        }
    }

    /// Removes the folder at `path` and everything below it, following no link.
    static func removeTree(at path: String) {
        let parent = open((path as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else { return }
        defer { close(parent) }
        removeEntry(named: (path as NSString).lastPathComponent.utf8CString.map { $0 }, in: parent)
    }

    /// `name` is the entry's bytes with a terminating NUL, as `readdir` gives them: a `String`
    /// would turn a name that is not UTF-8 (one test makes `\xff`) into another name.
    private static func removeEntry(named name: [CChar], in parent: Int32) {
        if unlinkat(parent, name, 0) == 0 { return }
        let folder = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { return }
        let copy = dup(folder)
        if copy >= 0, let stream = fdopendir(copy) {
            var children: [[CChar]] = []
            while let entry = readdir(stream) {
                guard let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name) else { break }
                let start = (UnsafeRawPointer(entry) + offset).assumingMemoryBound(to: CChar.self)
                let child = Array(UnsafeBufferPointer(start: start, count: strlen(start) + 1))
                if child != [46, 0] && child != [46, 46, 0] { children.append(child) }
            }
            closedir(stream)
            for child in children { removeEntry(named: child, in: folder) }
        } else if copy >= 0 {
            close(copy)
        }
        close(folder)
        unlinkat(parent, name, AT_REMOVEDIR)
    }
}
