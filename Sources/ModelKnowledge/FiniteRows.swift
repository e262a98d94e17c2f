/// The rows of a matrix that hold only finite values, numbered `0 ..< rowCount` in their
/// original order, for the indicators that combine rows.
///
/// Why: the unused-similarity indicator takes a mean of rows and a principal component over all
/// rows, so one NaN or ±Inf value anywhere made every score NaN and the indicator said nothing
/// (one NaN in a 30522 × 8 embedding left `tokens` without candidates or a word of why). Such
/// rows are findings of their own (`nan-values`, `inf-values`); the indicator runs on the
/// other rows exactly as on a matrix that never had them.
public struct FiniteRows<Base: EmbeddingRowSource>: EmbeddingRowSource {
    public let base: Base
    /// The row of `base` behind each row here, ascending.
    public let baseRows: [Int]
    /// The rows of `base` holding NaN or ±Inf, ascending.
    public let leftOut: [Int]

    /// One pass over `base`.
    public init(_ base: Base) {
        self.base = base
        var kept: [Int] = [], leftOut: [Int] = []
        for i in 0..<base.rowCount {
            if base.row(i).allSatisfy(\.isFinite) { kept.append(i) } else { leftOut.append(i) }
        }
        baseRows = kept
        self.leftOut = leftOut
    }

    public var rowCount: Int { baseRows.count }
    public var dimension: Int { base.dimension }
    public func row(_ index: Int) -> [Double] { base.row(baseRows[index]) }
    public func withRow<R>(_ index: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try base.withRow(baseRows[index], body)
    }
}
