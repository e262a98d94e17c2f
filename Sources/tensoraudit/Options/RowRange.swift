import ArgumentParser

/// `--rows A..B`: a half-open row range like Python's `A:B` (`A..` to the end, `..B` from 0,
/// `N` a single row).
struct RowRange: ExpressibleByArgument, Equatable {
    var lower: Int
    var upper: Int?

    init?(argument: String) {
        if let n = Int(argument), n >= 0 {
            lower = n
            // Row Int.max cannot exist (a tensor's rows are fewer), so its range saturates
            // to the empty Int.max..<Int.max instead of overflowing.
            upper = n == .max ? n : n + 1
            return
        }
        let parts = argument.components(separatedBy: "..")
        guard parts.count == 2 else { return nil }
        let a = parts[0].isEmpty ? 0 : Int(parts[0])
        let b = parts[1].isEmpty ? nil : Int(parts[1])
        guard let a, a >= 0 else { return nil }
        if !parts[1].isEmpty {
            guard let b, b >= a else { return nil }
        }
        lower = a
        upper = b
    }

    /// The rows this range selects in a tensor of `rowCount` rows, or `nil` when it starts
    /// past the end.
    func resolved(rowCount: Int) -> Range<Int>? {
        guard lower < rowCount || (lower == 0 && rowCount == 0) else { return nil }
        return lower..<min(upper ?? rowCount, rowCount)
    }
}

