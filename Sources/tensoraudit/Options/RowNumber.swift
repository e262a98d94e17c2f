import ArgumentParser

/// A row number given on the command line (`--pad-id`): a decimal integer, 0 or more.
///
/// Why a type of its own: read as a plain `Int`, `--pad-id=-1` was accepted and the padding check
/// then skipped as "out of range" with exit 0, while every other count or index flag refuses a
/// negative value as a usage error (exit 64). The parser now refuses it before the run starts,
/// naming the flag and the value.
struct RowNumber: ExpressibleByArgument, Sendable {
    let value: Int

    init?(argument: String) {
        guard let value = Int(argument), value >= 0 else { return nil }
        self.value = value
    }
}
