#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// Whether to decorate output: colour only on a terminal, never when NO_COLOR is set to a
/// non-empty value (https://no-color.org: "when present and not an empty string"; `NO_COLOR=`
/// leaves colour on), so logs and pipes get plain text.
enum Terminal {
    static var colorEnabled: Bool {
        (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty && isatty(1) == 1
    }

    /// Progress goes to stderr only when a person is watching it, on a terminal that can erase
    /// a line: the line is redrawn with a carriage return and `ESC[K`, which `TERM=dumb` (Emacs
    /// shells, some CI consoles that allocate a pty) prints as junk.
    static var progressEnabled: Bool {
        isatty(2) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}
