import CheckpointIO
import StrictJSON

extension TensorView {
    /// For each of `indices` (positions in `views`, ascending) that reads the same file bytes
    /// (path by code points, and range) as an earlier one of them with the same `key`: that
    /// earlier one's position, the first such; views read by no earlier one are absent.
    ///
    /// Why a search of its own: a torch file may name one stored buffer many times (65,536
    /// names of one storage fit in 395 KB), and reading or summarising the buffer's rows per
    /// name made the work grow with names × rows (the scan, `RowScan.sameReadings`; the tie
    /// sieve, `TieAnalysis.Twins`). Byte ranges are compared first (two integers a view): only
    /// views whose range another one has are keyed in full; the full key for every view of a
    /// 50,000-tensor header cost ~90 ms.
    public static func earlierReadings<Key: Hashable>(_ views: [TensorView], among indices: [Int],
                                                      key: (Int) -> Key) -> [Int: Int] {
        var spans: [TensorView.ReadRange: Int] = [:]
        spans.reserveCapacity(indices.count)
        for j in indices { spans[views[j].readRange, default: 0] += 1 }
        guard spans.count < indices.count else { return [:] }
        var first: [StoredReading<Key>: Int] = [:]
        var earlier: [Int: Int] = [:]
        for j in indices where (spans[views[j].readRange] ?? 0) > 1 {
            let reading = StoredReading(path: ExactText(views[j].path), span: views[j].readRange, key: key(j))
            if let found = first[reading] { earlier[j] = found } else { first[reading] = j }
        }
        return earlier
    }
}

/// Where a view's bytes are stored (the file by code points, and the range) and how it reads them.
private struct StoredReading<Key: Hashable>: Hashable {
    let path: ExactText
    let span: TensorView.ReadRange
    let key: Key
}
