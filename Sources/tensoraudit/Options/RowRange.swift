import ArgumentParser

/// `--rows A..B`: a half-open row range like Python's `A:B` (`A..` to the end, `..B` from 0,
/// `N` a single row). A range past the tensor's end is cut at the end, as Python cuts a slice,
/// and the report states the rows it lists (`row_range`).
struct RowRange: Equatable {
    var lower: Int
    var upper: Int?

    /// Why a throwing parser and not `ExpressibleByArgument`: a `nil` from the latter prints only
    /// "the value is invalid", and `-1..2` (a Python user's habit) was taken for an unknown flag
    /// and reported as a missing value. This names what is wrong with the text.
    init(parsing text: String) throws {
        let parts = text.components(separatedBy: "..")
        guard parts.count <= 2 else { throw Self.malformed }
        let numbers = try parts.map { part -> Int? in
            guard !part.isEmpty else { return nil }
            let digits = part.hasPrefix("-") ? part.dropFirst() : Substring(part)
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw Self.malformed }
            if digits.count < part.count {
                throw ValidationError("rows count from 0; a negative row (\(part)) is not supported")
            }
            guard let n = Int(part) else { throw ValidationError("row \(part) is larger than any tensor can have") }
            return n
        }
        if numbers.count == 1 {
            guard let n = numbers[0] else { throw Self.malformed }
            lower = n
            // Row Int.max cannot exist (a tensor's rows are fewer), so its range saturates
            // to the empty Int.max..<Int.max instead of overflowing.
            upper = n == .max ? n : n + 1
            return
        }
        lower = numbers[0] ?? 0
        upper = numbers[1]
        if let upper, upper < lower {
            throw ValidationError("the range ends (\(upper)) before it starts (\(lower))")
        }
        // An empty listing is taken for a mistake, as a start past the last row is.
        if let upper, upper == lower {
            throw ValidationError("the range is empty (it ends where it starts, at \(upper), and its end is not included)")
        }
    }

    private static let malformed = ValidationError("expected A..B, A.., ..B or a single row N, in decimal")

    /// The rows this range selects in a tensor of `rowCount` rows, or `nil` when it starts at
    /// or past the end — in a tensor of no rows, any range (an empty listing is taken for a
    /// mistake; `--rows 0` of a [0, 3] tensor listed nothing and exited 0).
    func resolved(rowCount: Int) -> Range<Int>? {
        guard lower < rowCount else { return nil }
        return lower..<min(upper ?? rowCount, rowCount)
    }
}
