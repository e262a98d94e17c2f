import ArgumentParser
import TensorAnalysis

/// A command that can be built from a plain command line without swift-argument-parser
/// (`DirectParse`).
///
/// Its builder sets every property: an option the line does not give gets its declared default
/// (a property left unset would stop the program when read). `DirectParseTests` checks each
/// builder against the library's parse of the same lines, so a new option that is not added
/// here fails the tests instead of being dropped.
protocol DirectlyParsable: ParsableCommand {
    /// The long names (without `--`) of the command's options that take a value, its option
    /// groups' included; every other `--name` is read as a flag.
    static var valueOptions: [String] { get }

    /// The command with its properties read from `line`, as the library would decode them, its
    /// option groups validated as the library validates them while decoding.
    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect)
}

/// Builds the command a plain command line names (`audit FILE --json`) without the library's
/// parse, or says it cannot (nil), and the caller parses the line with `parseAsRoot()` as before.
///
/// Why: see `DirectCommandLine`; the library's parse was about half of the CPU time of
/// `inspect` or `audit` of a small file. Why the result is the library's: the line has only
/// values, `--name VALUE` and `--name` flags; each value is converted by the same
/// `init?(argument:)` or transform the option declares; the option groups' and the command's
/// `validate()` run as in the library's parse; and any refusal, of the line's shape or by a
/// `validate()`, hands the line to the library, so every help, version, completion and error
/// text (and its exit status) is the library's, unchanged.
enum DirectParse {
    static func command(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first else { return nil }
        switch name {
        case InspectCommand._commandName: return build(InspectCommand.self, arguments)
        case PaddingCommand._commandName: return build(PaddingCommand.self, arguments)
        case TiesCommand._commandName: return build(TiesCommand.self, arguments)
        case RowsCommand._commandName: return build(RowsCommand.self, arguments)
        case TokensCommand._commandName: return build(TokensCommand.self, arguments)
        case DiffCommand._commandName: return build(DiffCommand.self, arguments)
        case AuditCommand._commandName: return build(AuditCommand.self, arguments)
        default: return nil
        }
    }

    private static func build<Command: DirectlyParsable>(_: Command.Type, _ arguments: [String]) -> Command? {
        do {
            var line = try DirectCommandLine(arguments.dropFirst(), valueOptions: Command.valueOptions)
            var command = try Command(direct: &line)
            try line.finish()
            try command.validate()
            return command
        } catch {
            return nil
        }
    }
}

extension CheckpointArgument {
    /// The checkpoint path: the line's next positional value.
    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        path = try line.positional()
        do { try validate() } catch { throw DirectCommandLine.NotDirect() }
    }
}

extension OutputOptions {
    /// The output options that take a value.
    static let valueOptions = ["format", "output"]

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        format = try line.value("format", as: OutputFormat.self)
        json = try line.flag("json")
        output = try line.value("output")
        do { try validate() } catch { throw DirectCommandLine.NotDirect() }
    }
}

/// A command that takes a checkpoint and the output options, nothing else (`inspect`, `ties`).
protocol CheckpointReportCommand: DirectlyParsable {
    var checkpointArgument: CheckpointArgument { get set }
    var output: OutputOptions { get set }
}

extension CheckpointReportCommand {
    static var valueOptions: [String] { OutputOptions.valueOptions }

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        checkpointArgument = try CheckpointArgument(direct: &line)
        output = try OutputOptions(direct: &line)
    }
}

extension InspectCommand: CheckpointReportCommand {}
extension TiesCommand: CheckpointReportCommand {}

extension PaddingCommand: DirectlyParsable {
    static let valueOptions = ["pad-id", "tensor"] + OutputOptions.valueOptions

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        checkpointArgument = try CheckpointArgument(direct: &line)
        padId = try line.value("pad-id", as: RowNumber.self)
        tensor = try line.values("tensor")
        output = try OutputOptions(direct: &line)
    }
}

extension RowsCommand: DirectlyParsable {
    static let valueOptions = ["tensor", "rows"] + OutputOptions.valueOptions

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        checkpointArgument = try CheckpointArgument(direct: &line)
        tensor = try line.value("tensor")
        rows = nil
        if let text = try line.value("rows") {
            // The option's own transform; its error goes to the library, which prints it.
            guard let range = try? RowRange(parsing: text) else { throw DirectCommandLine.NotDirect() }
            rows = range
        }
        output = try OutputOptions(direct: &line)
        ndjson = try line.flag("ndjson")
        csv = try line.flag("csv")
    }
}

extension TokensCommand: DirectlyParsable {
    static let valueOptions = ["tensor", "percentile", "limit"] + OutputOptions.valueOptions

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        checkpointArgument = try CheckpointArgument(direct: &line)
        tensor = try line.values("tensor")
        percentile = try line.value("percentile", parsing: DecimalText.real) ?? Self.defaultPercentile
        limit = try line.value("limit", parsing: DecimalText.integer)
        output = try OutputOptions(direct: &line)
    }
}

extension DiffCommand: DirectlyParsable {
    static let valueOptions = ["tolerance", "top-rows", "map"] + OutputOptions.valueOptions

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        a = try line.positional()
        b = try line.positional()
        tolerance = try line.value("tolerance", parsing: DecimalText.real) ?? CheckpointDiff.defaultTolerance
        topRows = try line.value("top-rows", parsing: DecimalText.integer) ?? Self.defaultTopRows
        map = try line.value("map")
        output = try OutputOptions(direct: &line)
    }
}

extension AuditCommand: DirectlyParsable {
    static let valueOptions = ["policy", "fail-on", "pad-id", "tensor"] + OutputOptions.valueOptions

    init(direct line: inout DirectCommandLine) throws(DirectCommandLine.NotDirect) {
        self.init()
        checkpointArgument = try CheckpointArgument(direct: &line)
        policy = try line.value("policy")
        failOn = try line.values("fail-on")
        padId = try line.value("pad-id", as: RowNumber.self)
        tensor = try line.values("tensor")
        output = try OutputOptions(direct: &line)
    }
}
