#if canImport(Glibc)
import Glibc
#endif

/// Whether to decorate output: colour only on a terminal, never when NO_COLOR is set to a
/// non-empty value (https://no-color.org: "when present and not an empty string"; `NO_COLOR=`
/// leaves colour on), so logs and pipes get plain text.
///
/// The variables are read with `getenv`, and only for a terminal: `ProcessInfo`'s environment
/// builds a dictionary of every variable, ~0.2 ms at the end of every run (`perf record`).
enum Terminal {
    static var colorEnabled: Bool {
        isatty(1) == 1 && (variable("NO_COLOR") ?? "").isEmpty
    }

    /// Progress goes to stderr only when a person is watching it, on a terminal that can erase
    /// a line: the line is redrawn with a carriage return and `ESC[K`, which `TERM=dumb` (Emacs
    /// shells, some CI consoles that allocate a pty) prints as junk.
    static var progressEnabled: Bool {
        isatty(2) == 1 && variable("TERM") != "dumb"
    }

    /// The environment variable `name`, nil when unset.
    private static func variable(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
