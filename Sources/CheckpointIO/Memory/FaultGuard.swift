#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CFaultRegistry
import StrictJSON

/// Turns a bus error into one message naming the file and a documented exit status.
///
/// Why: tensors are read straight from a memory mapping, and a file that another process
/// truncates while we read it makes the kernel send SIGBUS on the first access past the new
/// end, which would kill the process with status 135 and no message. Checking the size before
/// every load would cost throughput on multi-GB scans; instead the CLI installs this handler
/// once at start, and `SafetensorsFile.checkUnchanged()` re-checks the size as a second guard.
///
/// The handler is async-signal-safe: it looks the faulting address (`si_addr`) up in the table
/// of mapped files (`FaultRegistration`, filled when a file is mapped, with the message made
/// then), and only calls `write` and `_exit`: no allocation, no lock, no `String`. An address in
/// no recorded mapping (a signal sent by `kill`, a table full) gets the generic message.
public enum FaultGuard {
    /// The exit status after a bus error: 2, the same as any other unreadable input, so
    /// scripts treat a file that changed under us like a file that was broken to begin with.
    /// (Computed, not stored: a stored static is initialized lazily behind a lock, which a
    /// signal handler must not take.)
    public static var busErrorExitStatus: Int32 { 2 }

    /// The line written to standard error when the fault is at no recorded file's address.
    public static var busErrorMessage: StaticString {
        "tensoraudit: error: a memory-mapped input file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n"
    }

    /// The line written to standard error when a mapping of the file at `path` faults: the path
    /// shown as every error line shows it (`TextEscaping.displayMessage`: a line break or a
    /// right-to-left override in a file name cannot split or reorder the line).
    public static func busErrorMessage(forFile path: String) -> String {
        "tensoraudit: error: \(TextEscaping.displayMessage(path)): the file shrank or became unreadable while it was being read "
            + "(SIGBUS); no report was produced\n"
    }

    /// Installs the SIGBUS handler for the rest of the process. Calling it again is harmless.
    public static func installBusErrorHandler() {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_sigaction = handleBusError
        #else
        action.__sigaction_handler.sa_sigaction = handleBusError
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_SIGINFO
        _ = sigaction(SIGBUS, &action, nil)
    }
}

/// The signal handler; a plain C function pointer capturing nothing. `si_addr` is trusted only
/// for a signal the kernel raised for a fault (`si_code` > 0); `kill` and `raise` fill the same
/// bytes with a process and user id.
private func handleBusError(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?) {
    var length = 0
    if let info, info.pointee.si_code > 0, let message = fault_registry_message(faultAddress(info), &length) {
        writeAll(message, length)
    } else {
        let message = FaultGuard.busErrorMessage
        writeAll(message.utf8Start, message.utf8CodeUnitCount)
    }
    _exit(FaultGuard.busErrorExitStatus)
}

/// The address whose access faulted.
private func faultAddress(_ info: UnsafeMutablePointer<siginfo_t>) -> UInt {
    #if canImport(Darwin)
    UInt(bitPattern: info.pointee.si_addr)
    #else
    UInt(bitPattern: info.pointee._sifields._sigfault.si_addr)
    #endif
}

/// `write` until every byte is out or the descriptor fails (a message longer than a pipe's
/// atomic write can be cut by a signal).
private func writeAll(_ bytes: UnsafeRawPointer, _ count: Int) {
    var done = 0
    while done < count {
        let written = write(2, bytes + done, count - done)
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return }
        done += written
    }
}
