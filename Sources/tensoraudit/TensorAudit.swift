import ArgumentParser
import CheckpointIO
import TensorScan
import StrictJSON
import TensorAnalysis
#if canImport(Glibc)
import Glibc
#endif

/// The `tensoraudit` command: audits model checkpoints straight from memory-mapped files.
@main
struct TensorAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensoraudit",
        abstract: "Audit model checkpoints (safetensors, PyTorch .bin/.pt without running pickle, GGUF) straight from memory-mapped files.",
        discussion: """
        Exit codes: 0 success, 1 audit found failing findings or diff found B not a faithful copy of A \
        (or could not verify it), 2 invalid or unreadable input, \
        64 usage error.
        """,
        version: "0.1.0",
        subcommands: [
            InspectCommand.self,
            PaddingCommand.self,
            TiesCommand.self,
            RowsCommand.self,
            TokensCommand.self,
            DiffCommand.self,
            AuditCommand.self,
        ]
    )

    /// Installs the SIGBUS guard (a file truncated while mapped exits 2 with a message
    /// instead of crashing), makes writes past a file-size limit fail instead of killing the
    /// process, sets the heap policy (freed large blocks leave the process's memory; one malloc
    /// arena), starts the scan's worker threads while the command line is parsed, then runs the
    /// parsed command.
    static func main() {
        ReportWriter.guardStandardDescriptors()
        ReportWriter.failWritesPastFileSizeLimit()
        FaultGuard.installBusErrorHandler()
        HeapPolicy.returnLargeBlocksWhenFreed()
        HeapPolicy.limitArenas()
        if runsACommand(Array(CommandLine.arguments.dropFirst())) { ParallelWork.startWorkers() }
        if let message = argumentNotUTF8() {
            printError(message)
            Glibc.exit(64)
        }
        if let message = negativeCompletionIndex(Array(CommandLine.arguments.dropFirst())) {
            printError(message)
            Glibc.exit(64)
        }
        // No command at all: the help, on stderr, as a usage error. A CI line whose command
        // variable came out empty passed with exit 0 (review-63b L3).
        if CommandLine.arguments.count <= 1 {
            helpMessage().split(separator: "\n", omittingEmptySubsequences: false).forEach { printError(String($0)) }
            Glibc.exit(64)
        }
        if let message = unknownCommand(Array(CommandLine.arguments.dropFirst())) {
            message.split(separator: "\n").forEach { printError(String($0)) }
            Glibc.exit(64)
        }
        do {
            // A plain command line (`audit FILE --json`) is built without the library's parse
            // (`DirectParse`); anything else, or anything that refuses, is parsed as before.
            var command = try DirectParse.command(Array(CommandLine.arguments.dropFirst())) ?? parseAsRoot()
            try command.run()
        } catch {
            // A usage error goes through `printError` line by line, like every other error: its
            // lines quote the arguments, and a 50,000-digit `--pad-id` printed a 50 KB line.
            // Everything else (help, version, exit codes thrown by the commands) as the library
            // prints it.
            let code = exitCode(for: error)
            // An `ExitCode` was thrown after its message was printed (`runReportingErrors`).
            guard code == .validationFailure, !(error is ExitCode) else { exit(withError: error) }
            usageMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).forEach { printError(String($0)) }
            Glibc.exit(code.rawValue)
        }
    }

    /// The library's message for a usage error, with the arguments it quotes escaped where they
    /// hold a line break.
    ///
    /// Why: the library quotes arguments raw, so a value holding a newline (`--rows $'1\n2'`)
    /// split the message before `printError` could escape it; escaped first, only the library's
    /// own line breaks remain. It quotes the value of `--opt=value` alone; a value of nothing
    /// but line breaks is looked for with its quotes, or it would match the library's breaks.
    static func usageMessage(for error: any Error) -> String {
        var message = fullMessage(for: error)
        for argument in CommandLine.arguments.dropFirst() {
            let value = argument.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init)
            for quotedText in [argument, value].compactMap({ $0 }) where quotedText.contains(where: \.isNewline) {
                let found = quotedText.allSatisfy(\.isNewline) ? "'\(quotedText)'" : quotedText
                message = message.replacing(found, with: TextEscaping.displayMessage(found))
            }
        }
        return message
    }

    /// Whether the command line names a command (`audit`, `inspect`, …), so the scan's worker
    /// threads are worth starting before it is parsed.
    ///
    /// Why: `--version`, `--help`, `help` and a bare `tensoraudit` print a text and exit; the
    /// pool's thread and the cgroup quota reads (`ProcessorCount`) were ~6% of the samples of
    /// `perf record` over 200 `--version` runs. A command still gets its pool started before
    /// parsing, as before; a typo is refused by `unknownCommand` without starting it either.
    /// Workers are only ever a head start: `ParallelWork.cores` is read on first use all the same.
    static func runsACommand(_ arguments: [String]) -> Bool {
        guard let first = arguments.first, !first.hasPrefix("-"), first != "help" else { return false }
        return configuration.subcommands.contains { $0._commandName == first }
    }

    /// The message for an argument that is not UTF-8, or nil.
    ///
    /// Why refuse it: `CommandLine.arguments` turns such bytes into U+FFFD, so a path named
    /// `a\xff.safetensors` was looked up as `a\u{FFFD}.safetensors` and reported as "No such
    /// file or directory", a file that is there. The raw `argv` says what was given.
    static func argumentNotUTF8() -> String? {
        // `stride`, not `1..<argc`: a program started with no argv at all (argc 0, which older
        // Linux kernels allow) would trap on an empty range's bounds.
        for index in stride(from: 1, to: Int(CommandLine.argc), by: 1) {
            guard let argument = CommandLine.unsafeArgv[index] else { continue }
            // The C-string validator first: the same UTF-8 check, but not the generic
            // `String(validating:as:)`, whose first call instantiated metadata on every start
            // (~2% of the samples of `perf record` over 200 `--version` runs). The bytes are
            // copied only for the message.
            if String(validatingCString: argument) != nil { continue }
            let bytes = UnsafeBufferPointer(start: argument, count: strlen(argument)).map { UInt8(bitPattern: $0) }
            if String(validating: bytes, as: UTF8.self) == nil {
                return "tensoraudit: error: argument \(index) (\(quoted(String(decoding: bytes, as: UTF8.self)))) is not UTF-8: "
                    + "tensoraudit reads every argument as UTF-8 (paths, tensor names); for a path, rename the file or folder, "
                    + "or link to it under a UTF-8 name"
            }
        }
        return nil
    }

    /// The message for a shell-completion callback (`---completion [<subcommand> …] --
    /// <argument-name> <argument-index> <cursor-index> …`, swift-argument-parser's protocol)
    /// whose argument or cursor index is negative, or nil. Why: the library takes that many
    /// characters of the word with `prefix(_:)`, which traps on a negative count (SIGILL, exit
    /// 132, outside the exit codes; a hand-made call, as the generated scripts pass indices of
    /// 0 or more: helper-144). Refused as a usage error instead.
    static func negativeCompletionIndex(_ arguments: [String]) -> String? {
        guard arguments.first == "---completion", let dash = arguments.firstIndex(of: "--") else { return nil }
        let indices = arguments[(dash + 1)...].dropFirst().prefix(2)
        for (field, value) in zip(["argument index", "cursor index"], indices) {
            if let number = Int(value), number < 0 {
                return "tensoraudit: error: ---completion: the \(field) is \(number); it must be 0 or more"
            }
        }
        return nil
    }

    /// The message for a first argument that is no command (`inspct`), naming the closest
    /// commands; swift-argument-parser alone says "2 unexpected arguments", which hides the typo.
    /// `help NAME` with an unknown NAME too: the library printed the main help and exited 0.
    static func unknownCommand(_ arguments: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        // A command's name is looked up among the configurations up to its own: mapping all of
        // them built `audit`'s (its rule list) for every other command too.
        if first != "help", configuration.subcommands.contains(where: { $0._commandName == first }) { return nil }
        let commands = configuration.subcommands.map { $0._commandName }
        let names = commands + ["help"]
        var asked = first
        if first == "help" {
            guard arguments.count > 1, !arguments[1].hasPrefix("-") else { return nil }
            asked = arguments[1]
            guard !names.contains(asked) else { return nil }
        } else {
            guard !names.contains(first) else { return nil }
        }
        return "tensoraudit: error: unknown command \(quoted(asked))\(DidYouMean.phrase(for: asked, among: first == "help" ? commands : names))\n"
            + "Commands: \(commands.joined(separator: ", ")); see 'tensoraudit --help'."
    }
}
