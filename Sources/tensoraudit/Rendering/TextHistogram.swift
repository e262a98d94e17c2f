#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import TensorAnalysis

/// A row-norm histogram in one line of Unicode blocks, for terminals: each bin a character
/// whose height is log(1 + count) against the fullest bin (a single row still shows as `▁`,
/// an empty bin as a space), between the lowest and highest norm; a second line points at
/// the bins of the marked rows.
///
/// ```
/// row norms, 40 bins, log counts: 0.083409 █                  ▁▃▄▅▆▆▇▇████▇▇▇▆▆▅▅▄▃▂ 0.514157
///                                          ^ pad row 0
/// ```
enum TextHistogram {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    static func bar(_ count: Int, most: Int) -> Character {
        guard count > 0, most > 0 else { return " " }
        let level = most == 1 ? 1 : log1p(Double(count)) / log1p(Double(most))
        return blocks[min(blocks.count - 1, max(0, Int((level * Double(blocks.count)).rounded(.up)) - 1))]
    }

    static func lines(_ bins: [NormProfile.Bin], marks: [(label: String, norm: Double)] = []) -> [String] {
        guard let low = bins.first?.lower, let high = bins.last?.upper else { return [] }
        let most = bins.map(\.count).max() ?? 0
        let head = "row norms, \(bins.count) bin\(bins.count == 1 ? "" : "s"), log counts: \(TextFormatting.compact(low)) "
        var lines = [head + String(bins.map { bar($0.count, most: most) }) + " " + TextFormatting.compact(high)]
        for mark in marks where mark.norm.isFinite {
            let index = bins.lastIndex { $0.lower <= mark.norm } ?? 0
            lines.append(String(repeating: " ", count: head.count + index) + "^ \(mark.label)")
        }
        return lines
    }
}
