import ArgumentParser

/// Shell completion of `--format`: the formats of the command on the line, not every format of
/// every command (review-63b L5: `padding --format` offered junit, sarif, csv and ndjson, which
/// padding refuses with exit 64).
///
/// `--format` belongs to `OutputOptions`, which every command shares, so its completion asks the
/// command named in the typed words (`tensoraudit padding …`) for its list.
enum FormatCompletion {
    static let kind = CompletionKind.custom { words, _, prefix in formats(words: words, prefix: prefix) }

    /// `words` starts with the program and the command; an unknown command offers every format.
    static func formats(words: [String], prefix: String) -> [String] {
        let command = words.dropFirst().first
        let written: [OutputFormat] = switch command {
        case InspectCommand._commandName: InspectCommand.formats
        case PaddingCommand._commandName: PaddingCommand.formats
        case TiesCommand._commandName: TiesCommand.formats
        case RowsCommand._commandName: RowsCommand.formats
        case TokensCommand._commandName: TokensCommand.formats
        case DiffCommand._commandName: DiffCommand.formats
        case AuditCommand._commandName: AuditCommand.formats
        default: OutputFormat.allCases
        }
        return written.map(\.rawValue).filter { $0.hasPrefix(prefix) }
    }
}
