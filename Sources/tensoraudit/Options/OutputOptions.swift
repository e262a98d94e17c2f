import ArgumentParser
import Foundation

/// Every report format of every command; each command says which it writes.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, ndjson, csv, junit, sarif
}

/// The output options every command shares: one spelling everywhere.
///
/// `--format` picks the report (`text` by default), `--json` is short for `--format json`, and
/// `--output FILE` writes the report to a file instead of standard output. A command lists the
/// formats it supports; asking another is a usage error (exit 64) naming them.
struct OutputOptions: ParsableArguments {
    @Option(help: "Report format: text or json; rows also writes ndjson and csv, audit junit and sarif.")
    var format: OutputFormat?

    @Flag(help: "Short for --format json (a machine-readable report, schema_version 1).")
    var json = false

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    /// The format asked for by `--format`, `--json` or a command's own alias flags
    /// (`aliases`, e.g. `rows --csv`), checked against `supported`.
    func resolved(supported: [OutputFormat], aliases: [(flag: String, isSet: Bool, format: OutputFormat)] = [])
        throws -> OutputFormat {
        var chosen: [(String, OutputFormat)] = []
        if let format { chosen.append(("--format \(format.rawValue)", format)) }
        if json { chosen.append(("--json", .json)) }
        for alias in aliases where alias.isSet { chosen.append((alias.flag, alias.format)) }
        if Set(chosen.map(\.1)).count > 1 {
            throw ValidationError("choose one of " + chosen.map(\.0).joined(separator: ", "))
        }
        let format = chosen.first?.1 ?? .text
        guard supported.contains(format) else {
            throw ValidationError("this command writes " + supported.map(\.rawValue).joined(separator: ", ")
                + ", not \(format.rawValue)")
        }
        return format
    }

    /// Whether text may be coloured: only on a terminal, never into a file.
    var colorEnabled: Bool { output == nil && Terminal.colorEnabled }

    /// Writes `report` (its final newline included) to `--output`, or to standard output.
    func write(_ report: String) throws {
        guard let output else {
            print(report, terminator: "")
            return
        }
        do {
            try report.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            printError("tensoraudit: error: \(output): cannot write report: \(error.localizedDescription)")
            throw ExitCode(ExitStatus.invalidInput)
        }
    }
}
