/// Read access to the rows of a token matrix, whatever stores them (a mapped tensor of any
/// dtype, an array). Indicators only read rows through this, one at a time, so memory stays at
/// a few rows however large the matrix is.
public protocol EmbeddingRowSource {
    var rowCount: Int { get }
    var dimension: Int { get }
    /// Row `index` (`0 ..< rowCount`) as `dimension` values widened to Double.
    func row(_ index: Int) -> [Double]
    /// `body` on row `index`'s values, without an array made for it where the source holds
    /// them already (`MatrixRows`): the power iteration reads every row once a step.
    func withRow<R>(_ index: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R
}

extension EmbeddingRowSource {
    public func withRow<R>(_ index: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try row(index).withUnsafeBufferPointer(body)
    }
}

/// A row-major matrix held in memory, for tests and small inputs.
public struct MatrixRows: EmbeddingRowSource, Sendable {
    public let rowCount: Int
    public let dimension: Int
    private let values: [Double]

    /// nil when `values.count` is not `rowCount × dimension`.
    public init?(rowCount: Int, dimension: Int, values: [Double]) {
        guard rowCount >= 0, dimension >= 0 else { return nil }
        let (count, overflow) = rowCount.multipliedReportingOverflow(by: dimension)
        guard !overflow, count == values.count else { return nil }
        self.rowCount = rowCount
        self.dimension = dimension
        self.values = values
    }

    public init?(rowCount: Int, dimension: Int, values: [Float]) {
        self.init(rowCount: rowCount, dimension: dimension, values: values.map(Double.init))
    }

    public func row(_ index: Int) -> [Double] {
        Array(values[(index * dimension)..<((index + 1) * dimension)])
    }

    public func withRow<R>(_ index: Int, _ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[(index * dimension)..<((index + 1) * dimension)]))
        }
    }
}
