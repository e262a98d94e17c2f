import ArgumentParser

/// Output options shared by the reporting commands.
struct ReportOptions: ParsableArguments {
    @Flag(name: .long, help: "Write a machine-readable JSON report (schema_version 1) instead of text.")
    var json = false
}
