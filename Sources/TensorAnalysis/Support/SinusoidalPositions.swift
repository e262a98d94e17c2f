import CheckpointIO
import TensorScan
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fixed sinusoidal position tables, recognised by their values: a `[positions, width]` matrix
/// whose row p holds sin and cos of p at geometrically spaced frequencies, as transformers'
/// classes compute them (never trained, so two stacks that save one are equal by construction).
///
/// Why the values and not only the names: a config's `model_type` and a tensor's name cost
/// nothing to write, and two random matrices named `encoder.embed_positions.weight` and
/// `decoder.embed_positions.weight` under a Pegasus config were a "repeated buffer", their
/// duplicate hidden (adversarial review, 2026-12-05). The values cannot be written by accident.
enum SinusoidalPositions {
    /// The two layouts, checked against transformers 5.25 on saved tables (Pegasus, FSMT).
    enum Layout: CaseIterable {
        /// Marian and Pegasus (`…SinusoidalPositionalEmbedding._init_weight`): the first ⌈w/2⌉
        /// columns sin(p / 10000^(2k/w)), the next ⌊w/2⌋ cos of the same angles.
        case halves
        /// fairseq, FSMT's (`SinusoidalPositionalEmbedding.get_embedding`): h = ⌊w/2⌋
        /// frequencies exp(−k·ln(10000)/(h − 1)), sin in the first h columns, cos in the next
        /// h, a last zero column for odd widths; the padding row (padding_idx) is zero.
        case fairseq
    }

    /// The largest table checked: real ones hold 512–1,026 positions of 512–1,024 values
    /// (Marian, Pegasus, FSMT). Each value costs a sin or cos, ~15 ns, so a hostile 4-billion-value
    /// "table" that is the sinusoid would cost a minute; a larger pair stays a duplicate.
    static let maximumElements = 1 << 24

    /// How far a stored value may be from the sinusoid: the table's own rounding (float32
    /// arguments in fairseq's, ~1e-4 at position 1,000) plus the storage type's.
    static func tolerance(_ view: TensorView) -> Double? {
        switch view.dtype {
        case .f32, .f64: 1e-3
        case .f16: 4e-3
        case .bf16: 1.6e-2
        default: nil
        }
    }

    /// Each model type's layout, checked against tables its transformers 5.25 class computes
    /// (Marian and Pegasus, widths 16 and 17: within 3e-8 of `halves`; FSMT: within 2e-6 of
    /// `fairseq`). A table of the other family's formula is no table this model computes
    /// (regression hunt, 2026-12-05).
    static let layouts: [String: Layout] = ["marian": .halves, "pegasus": .halves, "fsmt": .fairseq]

    /// Whether every row of `view` is its position's sinusoid in `layout`; a fairseq table's
    /// padding row, `paddingRow` (the config's pad id), is zero instead, and no other row may be.
    static func holds(_ view: TensorView, layout: Layout, paddingRow: Int?) -> Bool {
        guard view.shape.count == 2, view.rowCount > 1, view.rowLength >= 2, view.elementCount <= maximumElements,
              let tolerance = tolerance(view) else { return false }
        // A negative padding_idx counts from the end, as nn.Embedding and fairseq index it.
        let zeroRow = paddingRow.map { $0 < 0 ? view.rowCount + $0 : $0 }
        return matches(view, layout, tolerance: tolerance, zeroRow: layout == .fairseq ? zeroRow : nil)
    }

    static func matches(_ view: TensorView, _ layout: Layout, tolerance: Double, zeroRow: Int?) -> Bool {
        let width = view.rowLength
        let (frequencies, sinColumns) = columns(layout, width: width)
        guard !frequencies.isEmpty else { return false }
        for position in 0 ..< view.rowCount {
            let row = view.decodedRow(position)
            if position == zeroRow {
                guard row.allSatisfy({ $0 == 0 }) else { return false }
                continue
            }
            for column in 0 ..< width {
                let cosColumn = column - sinColumns
                let expected = column < sinColumns ? sin(Double(position) * frequencies[column])
                    : cosColumn < frequencies.count ? cos(Double(position) * frequencies[cosColumn])
                    : 0  // fairseq's last column of an odd width
                guard abs(row[column] - expected) <= tolerance else { return false }
            }
        }
        return true
    }

    /// The angular frequency of each sin column, and how many sin columns come first.
    static func columns(_ layout: Layout, width: Int) -> (frequencies: [Double], sinColumns: Int) {
        switch layout {
        case .halves:
            let sinColumns = (width + 1) / 2
            return ((0 ..< sinColumns).map { 1 / pow(10000, 2 * Double($0) / Double(width)) }, sinColumns)
        case .fairseq:
            let half = width / 2
            guard half > 1 else { return ([], 0) }
            let step = log(10000) / Double(half - 1)
            return ((0 ..< half).map { exp(-Double($0) * step) }, half)
        }
    }
}
