#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns a bus error into a clean message and a documented exit status.
///
/// Why: tensors are read straight from a memory mapping, and a file that another process
/// truncates while we read it makes the kernel send SIGBUS on the first access past the new
/// end, which would kill the process with status 135 and no message. Checking the size before
/// every load would cost throughput on multi-GB scans; instead the CLI installs this handler
/// once at start, and `SafetensorsFile.checkUnchanged()` re-checks the size as a second guard.
///
/// The handler is async-signal-safe: it only calls `write` and `_exit`, with a message that
/// is a static string (no allocation, no locks). It cannot name the file, because finding it
/// from the faulting address would not be signal-safe.
public enum FaultGuard {
    /// The exit status after a bus error: 2, the same as any other unreadable input, so
    /// scripts treat a file that changed under us like a file that was broken to begin with.
    /// (Computed, not stored: a stored static is initialized lazily behind a lock, which a
    /// signal handler must not take.)
    public static var busErrorExitStatus: Int32 { 2 }

    /// The line written to standard error when a mapped file faults.
    public static var busErrorMessage: StaticString {
        "tensoraudit: error: a memory-mapped input file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n"
    }

    /// Installs the SIGBUS handler for the rest of the process. Calling it again is harmless.
    public static func installBusErrorHandler() {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handleBusError
        #else
        action.__sigaction_handler.sa_handler = handleBusError
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        _ = sigaction(SIGBUS, &action, nil)
    }
}

/// The signal handler; a plain C function pointer capturing nothing.
private func handleBusError(_ signal: Int32) {
    let message = FaultGuard.busErrorMessage
    _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
    _exit(FaultGuard.busErrorExitStatus)
}
