import StrictJSON
import CheckpointIO
import TensorScan
/// Findings drawn from row statistics (rules `nan-values`, `inf-values`, `all-zero-rows`,
/// `duplicate-rows`, `outlier-rows`).
extension RowSummary {
    /// At most this many row indices are listed in a message.
    static let listed = 5

    /// Rows holding fewer bits than this can be equal by chance, so `duplicate-rows` is info
    /// there and does not call them untrained. Why: a one-column matrix of a million BF16 values
    /// has at most 65,536 distinct rows, so equal rows are certain (a reader's review found 89
    /// such "signs of rows that never trained"), and eight BOOL values make only 256 (adversarial
    /// review); 64 bits (four BF16 values, two F32) make a chance match among a vocabulary's rows
    /// vanishingly unlikely (about n²/2⁶⁵ pairs for n rows).
    static let chanceRowBits = 64.0

    /// The bits a row of `rowLength` elements can vary in: a BOOL element one, a scalar its
    /// width, a quantized element its block's bits over its block size (Q8_0: 8.5).
    static func rowBits(rowLength: Int, dtype: ElementType) -> Double {
        let perElement: Double = switch dtype {
        case .scalar(let scalar): scalar == .bool ? 1 : Double(scalar.bitWidth)
        case .blocks(let type): Double(type.typeSize * 8) / Double(max(type.blockSize, 1))
        }
        return Double(rowLength) * perElement
    }

    /// Whether the row-shape rules (all-zero, duplicate and outlier rows) mean anything here:
    /// only for tensors of two or more dimensions; a bias is one row.
    public var hasRowStructure: Bool { shape.count >= 2 }

    /// `findings()` limited to the rules that fit the tensor's shape: every rule for a matrix,
    /// the value rules (`nan-values`, `inf-values`) for every tensor. `audit` and `rows` both
    /// report these, so a NaN in a bias shows in both.
    public func applicableFindings(keepingOutlier keep: (Outlier) -> Bool = { _ in true },
                                   token: (Int) -> String? = { _ in nil }) -> [Finding] {
        findings(keepingOutlier: keep, token: token).filter { hasRowStructure || $0.rule == .nanValues || $0.rule == .infValues }
    }

    /// The rules' findings. `keepingOutlier` chooses the outliers `outlier-rows` reports (the
    /// audit leaves the low rows of an input embedding to `untrained-tokens`); `token` names a
    /// row's token where the tensor is a token matrix.
    public func findings(keepingOutlier keep: (Outlier) -> Bool = { _ in true },
                         token: (Int) -> String? = { _ in nil }) -> [Finding] {
        var out: [Finding] = []
        let total = rowCount
        let nanValues = nanValueCount
        if nanValues > 0 {
            out.append(Finding(.nanValues, tensors: [tensor],
                               message: "\(tensor): \(nanValues) NaN values in \(nanRows.count) of \(total) rows (first rows: \(Self.list(nanRows)))",
                               evidence: ["nan_values": .int(Int64(nanValues)), "rows": .int(Int64(nanRows.count)),
                                          "first_row": .int(Int64(nanRows[0]))]))
        }
        let infValues = infiniteValueCount
        if infValues > 0 {
            out.append(Finding(.infValues, tensors: [tensor],
                               message: "\(tensor): \(infValues) infinite values in \(infRows.count) of \(total) rows (first rows: \(Self.list(infRows)))",
                               evidence: ["inf_values": .int(Int64(infValues)), "rows": .int(Int64(infRows.count)),
                                          "first_row": .int(Int64(infRows[0]))]))
        }
        if !zeroRows.isEmpty && rowCount > 1 {
            // Every row zero is the catalog's warning; some rows only is info.
            out.append(Finding(.allZeroRows, severity: zeroRows.count == total ? nil : .info, tensors: [tensor],
                               message: "\(tensor): \(zeroRows.count) of \(total) rows are all zero (rows \(Self.list(zeroRows)))",
                               evidence: ["rows": .int(Int64(zeroRows.count)), "first_row": .int(Int64(zeroRows[0]))]))
        }
        if !duplicateGroups.isEmpty {
            let largest = duplicateGroups.max { $0.count < $1.count } ?? []
            let (short, sentence) = Self.identicalRowsMeaning(rowLength: rowLength, dtype: dtype)
            let meaning = (short ? "; " : ", ") + sentence
            out.append(Finding(.duplicateRows, severity: short ? .info : nil, tensors: [tensor],
                               message: "\(tensor): \(duplicateGroups.count) groups of identical rows, \(redundantRowCount) redundant rows; largest group has \(largest.count) rows (\(Self.list(largest, token: token)))\(meaning)",
                               evidence: ["groups": .int(Int64(duplicateGroups.count)),
                                          "redundant_rows": .int(Int64(redundantRowCount)),
                                          "largest_group": .int(Int64(largest.count))]))
        }
        let kept = outliers.filter(keep)
        if let first = kept.first, let norms {
            let name = token(first.row)
            var evidence: [String: Evidence] = [
                "rows": .int(Int64(kept.count)), "top_row": .int(Int64(first.row)),
                "top_norm": .double(first.norm), "top_score": .double(first.score),
                "median_norm": .double(norms.median)]
            if let name { evidence["top_token"] = .string(name) }
            // A tenth of the rows or more, and at least 20 of them, is the tail of a skewed
            // distribution, not a few odd rows: ALBERT's 168 of 591 rows read as a list of
            // outliers (helper-149, 2026-12-06). One row of 8 is no tail.
            let share = total > 0 ? Double(kept.count) / Double(total) : 0
            // One side only: high and low rows together are two tails, not one (helper-150).
            let oneSided = kept.allSatisfy { $0.score > 0 } || kept.allSatisfy { $0.score < 0 }
            let tail = share >= 0.1 && kept.count >= 20 && oneSided
                ? "; \(kept.count) of \(total) rows (\(Int((share * 100).rounded()))%) is the tail of a skewed distribution (mean \(Self.short(norms.mean)), "
                    + "median \(Self.short(norms.median))), not a few odd rows"
                : ""
            out.append(Finding(.outlierRows, tensors: [tensor],
                               message: "\(tensor): \(Self.count(kept.count, "row")) with outlying norms (|robust z| > \(Self.outlierThreshold)); row \(first.row)\(name.map { " " + quoted($0) } ?? "") has norm \(Self.short(first.norm)) vs median \(Self.short(norms.median))" + tail,
                               evidence: evidence))
        }
        return out
    }

    /// "1 row", "3 rows".
    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    static func list(_ rows: [Int]) -> String {
        let head = rows.prefix(listed).map(String.init).joined(separator: ", ")
        return rows.count > listed ? head + ", …" : head
    }

    /// `list` with each row's token after it where `token` names one (`8 "<issue_start>"`):
    /// a token matrix's equal rows said only their numbers (reader's review, 2026-12-05).
    static func list(_ rows: [Int], token: (Int) -> String?) -> String {
        let head = rows.prefix(listed).map { row in token(row).map { "\(row) \(quoted($0))" } ?? String(row) }.joined(separator: ", ")
        return rows.count > listed ? head + ", …" : head
    }

    static func short(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) { return "\(value)" }
        return "\((value * 1e4).rounded() / 1e4)"
    }

    /// What identical rows of a static embedding model's matrix say (model2vec, sentence-
    /// transformers' StaticEmbedding): its rows are distilled or trained without a random start,
    /// so "never trained" over-claims (review, 2026-12-05).
    public static let staticModelIdenticalRows = "in a static model (rows distilled or trained without a random start), equal rows mean only that the model does not tell these tokens apart"

    /// What identical rows of a matrix of `rowLength` `dtype` values say, for `duplicate-rows`
    /// and `tokens`: `weak` when they can say nothing about training, with the sentence why.
    /// Integers and booleans are indices, counts and masks, not trained weights (adversarial
    /// review); rows of fewer than `chanceRowBits` bits can be equal by chance.
    public static func identicalRowsMeaning(rowLength: Int, dtype: ElementType) -> (weak: Bool, sentence: String) {
        let bits = rowBits(rowLength: rowLength, dtype: dtype)
        if dtype.scalar.map({ $0.isInteger || $0 == .bool }) ?? false {
            return (true, "the rows hold \(dtype.rawValue) values (indices, counts, masks), not trained weights: equal rows say nothing about training")
        }
        if bits < chanceRowBits {
            return (true, "with \(rowLength) \(dtype.rawValue) value\(rowLength == 1 ? "" : "s") per row (\(bits == bits.rounded() ? String(Int(bits)) : RowSummary.short(bits)) bits), "
                + "equal rows can be chance, not a sign of rows that never trained")
        }
        if let block = dtype.blockType?.name {
            // Quantized rows that are byte-identical were equal, or closer than the rounding,
            // when quantized: the bytes prove no more (helper-149 on a Q8_0 token_embd).
            return (false, neverTrained + " (their \(block) values are identical: the trained rows were equal, or closer than \(block)'s rounding)")
        }
        return (false, neverTrained)
    }

    /// What identical rows of a trained matrix of wide rows say.
    static let neverTrained = "a sign of rows that never trained"
}
