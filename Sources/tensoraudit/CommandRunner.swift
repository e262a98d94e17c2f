import ArgumentParser
import CheckpointIO
import StrictJSON
import TensorScan
#if canImport(Glibc)
import Glibc
#endif

/// Documented exit statuses.
enum ExitStatus {
    static let findings: Int32 = 1
    static let invalidInput: Int32 = 2
}

/// Unicode scalars of an error line on standard error before it is cut (a path can be 4,096 bytes).
let errorLineLimit = 8192

/// Writes one line to standard error. Control and bidirectional-control characters in `line`
/// are made visible (`\u{a}`; `TextEscaping.displayMessage`: the names in a message are quoted
/// or already shown with `TextFormatting.safeName`, so backslashes stay as they are): a message quotes names from the input (a zip entry name read
/// through a lying length held the pickle's newlines and printed a three-line error), and the
/// promise is one line, which a hostile name must neither break nor recolour. A line longer
/// than `errorLineLimit` characters is cut there and says how much was left out: a policy key of
/// a million characters printed a megabyte-long line (the JSON report keeps the whole message).
func printError(_ line: String) {
    var shown = TextEscaping.displayMessage(line)
    // Counted in Unicode scalars, not `Character`s: a key of one letter and 500,000 combining
    // accents is a single Character, and passed uncut (adversarial re-check, 2026-12-04).
    let scalars = shown.unicodeScalars
    if scalars.count > errorLineLimit {
        let rest = scalars.count - errorLineLimit
        shown = String(String.UnicodeScalarView(scalars.prefix(errorLineLimit))) + "… (\(rest) more characters)"
    }
    let text = Array((shown + "\n").utf8)
    text.withUnsafeBytes { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

/// Runs a command body, turning checkpoint errors into the documented one-line message on
/// stderr and exit status 2. The library never exits; only this function decides.
func runReportingErrors(describing describe: (CheckpointError) -> String = { "tensoraudit: error: \($0)" },
                        _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as CheckpointError {
        printError(describe(error))
        throw ExitCode(ExitStatus.invalidInput)
    } catch let error as OptionDoesNotFit {
        printError("tensoraudit: error: \(error.message)")
        throw ExitCode(ExitCode.validationFailure.rawValue)
    }
}

/// A flag whose value is well formed but cannot apply to the checkpoint opened (`--rows 2000..`
/// of a 1,000-row tensor): a usage error (64), known only once the file is read.
///
/// Why not `ValidationError`: thrown from `run()`, the parser prints it with the usage of the
/// root command (`Usage: tensoraudit <subcommand>`), which tells the user nothing about the flag.
struct OptionDoesNotFit: Error {
    let message: String
}
