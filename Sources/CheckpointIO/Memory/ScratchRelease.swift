#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Gives back to the kernel the pages of a scratch buffer whose contents are no longer needed,
/// while the buffer itself stays allocated (freed later as usual).
///
/// Why: the scan fills one buffer of row statistics per tensor and the result is a Swift array
/// copied from it, so both existed at once: 2 × 21 MB for the 262,144 rows of Gemma 3's
/// embedding, the peak of that audit. Copying in steps and releasing each copied step keeps the
/// pair near one buffer. Only pages wholly inside the range are released (`MADV_DONTNEED`: the
/// range reads as zeros if touched again); the allocator's own bytes lie outside an allocation,
/// so freeing the buffer afterwards is unaffected.
public enum ScratchRelease {
    /// Releases the whole pages inside `start ..< start + count` (bytes). A hint: failures are ignored.
    public static func release(_ start: UnsafeMutableRawPointer, count: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0, count > 0 else { return }
        let address = Int(bitPattern: start)
        let first = (address + page - 1) / page * page
        let end = (address + count) / page * page
        guard end > first, let pointer = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(pointer, end - first, Int32(MADV_DONTNEED))
    }
}
