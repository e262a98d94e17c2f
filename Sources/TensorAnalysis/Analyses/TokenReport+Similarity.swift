import CheckpointIO
import TensorScan
import ModelKnowledge

extension TokenReport {
    /// The unused-similarity scores of `view`, with what a reader must know about them in
    /// `notes`: rows left out for holding NaN or ±Inf, a component that did not converge, or why
    /// the indicator could not apply (nil then). Without the last note, a tied matrix whose
    /// scores could not be made showed no candidates and no reason, as if nothing were wrong.
    static func similarityScores(_ view: TensorView, knownUnused: [Int], notes: inout [String]) -> [Double]? {
        guard let rows = MatrixRows(rowCount: view.rowCount, dimension: view.rowLength, values: view.decodedValues()) else { return nil }
        let similarity: UnusedSimilarity
        do {
            similarity = try UndertrainedIndicators.unusedSimilarity(rows, knownUnused: knownUnused)
        } catch {
            notes.append("the unused-similarity indicator cannot apply: \(error); no candidates")
            return nil
        }
        if !similarity.leftOutRows.isEmpty { notes.append(leftOutNote(similarity, rows: view.rowCount, knownUnused: knownUnused)) }
        if !similarity.component.converged {
            let steps = similarity.component.iterations
            notes.append(similarity.component.stalled
                ? "the first principal component did not converge: after \(steps) steps, at the rate they shrank its moves, it would need more than "
                    + "\(PrincipalComponent.defaultMaxIterations) (the top two eigenvalues are close), so it stopped; the direction removed mixes the top two"
                : "the first principal component did not converge in \(steps) steps: the direction removed mixes the top two")
        }
        return similarity.distances
    }

    /// Rows shown in the left-out note; the count is complete.
    static let leftOutSampleLimit = 5

    static func leftOutNote(_ similarity: UnusedSimilarity, rows: Int, knownUnused: [Int]) -> String {
        let left = similarity.leftOutRows
        let sample = left.prefix(leftOutSampleLimit).map(String.init).joined(separator: ", ") + (left.count > leftOutSampleLimit ? ", …" : "")
        let unused = Set(knownUnused)
        let unusedLeft = left.filter { unused.contains($0) }.count
        return "\(left.count) of \(rows) rows \(left.count == 1 ? "holds" : "hold") NaN or Inf (\(left.count == 1 ? "row" : "rows") \(sample))"
            + (unusedLeft > 0 ? ", \(unusedLeft) of them known unused" : "") + ": "
            + "left out of the unused-similarity indicator (its principal component and mean known-unused row) and given no score; "
            + "the nan-values and inf-values findings of `audit` report them"
    }
}
