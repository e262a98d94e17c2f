import StrictJSON

/// The picture of one token matrix's row norms that a report draws: a histogram binned here
/// (a 256k-row vocabulary becomes a few dozen numbers, so the page stays small), the sorted
/// norms sampled along their length, and the rows worth naming (the pad row, untrained
/// candidates, rows beyond the tokenizer's vocabulary).
///
/// Binning follows `numpy.histogram`: `binCount` equal-width bins over [min, max] of the
/// finite norms, each half-open except the last, which includes max. NaN and infinite norms
/// are counted apart (`nonFiniteCount`), never binned.
public struct NormProfile: Sendable, Equatable {
    public struct Bin: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var count: Int
    }

    /// A row the picture names.
    public struct Mark: Sendable, Equatable {
        public enum Kind: String, Sendable, CaseIterable {
            case pad = "pad row"
            case untrained = "untrained candidate"
            case beyondVocabulary = "beyond the vocabulary"
        }
        public var kind: Kind
        public var row: Int
        public var norm: Double
        /// The token the tokenizer gives this row, when known.
        public var token: String?

        public init(kind: Kind, row: Int, norm: Double, token: String?) {
            self.kind = kind
            self.row = row
            self.norm = norm
            self.token = token
        }
    }

    public var tensor: String
    /// `embedding`, `output-projection` or `requested` (`PaddingAnalysis.Role`).
    public var role: String
    public var rowCount: Int
    public var nonFiniteCount: Int
    public var bins: [Bin]
    /// Ascending norms at evenly spaced positions of the sorted list (first and last included):
    /// `(position in 0...1, norm)`.
    public var sortedCurve: [(position: Double, norm: Double)]
    public var median: Double?
    /// At most `markLimit` marks of each kind, lowest rows first; `markCounts` has the totals.
    public var marks: [Mark]
    public var markCounts: [Mark.Kind: Int]

    public static let markLimit = 50

    public static func == (a: NormProfile, b: NormProfile) -> Bool {
        ExactText.same(a.tensor, b.tensor) && a.role == b.role && a.rowCount == b.rowCount && a.bins == b.bins
            && a.marks == b.marks && a.sortedCurve.map(\.norm) == b.sortedCurve.map(\.norm)
    }

    /// Bins `norms` (one per row, in row order) and keeps `marks` whose row exists.
    public init(tensor: String, role: String, norms: [Double], marks: [Mark], binCount: Int = 40, curvePoints: Int = 200) {
        self.tensor = tensor
        self.role = role
        rowCount = norms.count
        let finite = norms.filter(\.isFinite)
        nonFiniteCount = norms.count - finite.count
        bins = Self.histogram(finite, binCount: binCount)
        let sorted = finite.sorted()
        median = sorted.isEmpty ? nil
            : sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        if sorted.count <= curvePoints {
            sortedCurve = sorted.enumerated().map { (sorted.count == 1 ? 0 : Double($0.offset) / Double(sorted.count - 1), $0.element) }
        } else {
            sortedCurve = (0..<curvePoints).map { k in
                let position = Double(k) / Double(curvePoints - 1)
                return (position, sorted[Int((position * Double(sorted.count - 1)).rounded())])
            }
        }
        var counts: [Mark.Kind: Int] = [:]
        var kept: [Mark] = []
        for mark in marks.sorted(by: { ($0.kind.rawValue, $0.row) < ($1.kind.rawValue, $1.row) }) where mark.row < norms.count {
            counts[mark.kind, default: 0] += 1
            if (counts[mark.kind] ?? 0) <= Self.markLimit { kept.append(mark) }
        }
        self.marks = kept
        markCounts = counts
    }

    /// `numpy.histogram(values, bins: binCount)` for finite values; one bin [v, v] when every
    /// value is the same (numpy widens that range by ±0.5; we keep the value itself).
    public static func histogram(_ values: [Double], binCount: Int) -> [Bin] {
        guard let low = values.min(), let high = values.max(), binCount > 0 else { return [] }
        guard high > low else { return [Bin(lower: low, upper: high, count: values.count)] }
        // numpy's own steps, so a value on an edge lands in the same bin: edges from
        // linspace, an index from (x - low) · (n / (high - low)), then corrected by the edges.
        let step = (high - low) / Double(binCount)
        var edges = (0...binCount).map { low + Double($0) * step }
        edges[binCount] = high
        let scale = Double(binCount) / (high - low)
        var counts = [Int](repeating: 0, count: binCount)
        for value in values {
            var index = min(binCount - 1, max(0, Int((value - low) * scale)))
            if value < edges[index] { index -= 1 }
            if index < binCount - 1, value >= edges[index + 1] { index += 1 }
            counts[max(0, index)] += 1
        }
        return counts.enumerated().map { i, count in Bin(lower: edges[i], upper: edges[i + 1], count: count) }
    }
}
