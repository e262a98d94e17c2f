import CheckpointIO

extension OutputOptions {
    /// Writes the report of a run that could not read its input (exit 2), wherever its report
    /// goes, so a CI step that uploads or parses that file finds one and shows the error.
    ///
    /// `unopened` are the checkpoint paths that could not be opened: the files they would have
    /// read are unknown (an index names shards never reached), so an existing file in such a
    /// checkpoint's folder is never replaced (`ReportWriter.errorReportProblem`); `inputs` are
    /// every file known to be read, the unopened paths included, which `write` refuses as always. A refused or failed write is
    /// said in one line naming the error report: "cannot write the report: the folder nodir does
    /// not exist" alone did not say which report was lost (helper-144).
    /// `unread` are input files that may not exist yet (a `--map` path that could not be read):
    /// the report is not written at their place either.
    func writeErrorReport(_ rendered: String, command: String, inputs: [String], unopened: [String], unread: [String] = []) throws {
        if let path = output {
            if let input = unread.first(where: { ReportWriter.namesSamePlace(path, as: $0) }) ?? ReportWriter.inputItself(path, inputs: inputs) {
                printError("tensoraudit: error: \(path): the error report was not written: it is the input \(input); --output never replaces an input")
                return
            }
            for checkpoint in unopened {
                if let problem = ReportWriter.errorReportProblem(path, checkpointPath: checkpoint) {
                    printError("tensoraudit: error: \(path): the error report was not written: \(problem)")
                    return
                }
            }
        }
        try write(rendered + "\n", inputs: inputs,
                  summary: "tensoraudit: \(command) ERROR: the input could not be read (exit 2)") { error in
            let whole = "\(error)", lead = error.path + ": "
            let reason = whole.hasPrefix(lead) ? String(whole.dropFirst(lead.count)) : whole
            let cause = reason.hasPrefix("cannot write the report: ") ? String(reason.dropFirst("cannot write the report: ".count)) : reason
            return "tensoraudit: error: \(error.path): the error report was not written: \(cause)"
        }
    }
}
