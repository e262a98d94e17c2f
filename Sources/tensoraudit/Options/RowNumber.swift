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
        guard let value = try? Self(parsing: argument, flag: "") else { return nil }
        self = value
    }

    /// What `--pad-id` takes: a decimal row, 0 or more, saying what is wrong otherwise (a sign,
    /// a hexadecimal or a row past any tensor's were taken or refused without a word; hunt-60a).
    init(parsing text: String, flag: String = "--pad-id") throws {
        // The decimal form first: `-abc` and `""` are not rows at all (hunt-60d P1, P2).
        guard DecimalText.isInteger(text) else { throw DecimalText.notDecimal(text, flag: flag) }
        // `-0` too, as `--rows` refuses it.
        guard !text.hasPrefix("-") else { throw ValidationError("rows count from 0; a negative row (\(text)) is not supported") }
        guard let value = Int(text) else { throw ValidationError("row \(text) is larger than any tensor can have") }
        self.value = value
    }
}
