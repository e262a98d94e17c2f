/// Read access to the rows of a token matrix, whatever stores them (a mapped tensor of any
/// dtype, an array). Indicators only read rows through this, one at a time, so memory stays at
/// a few rows however large the matrix is.
public protocol EmbeddingRowSource {
    var rowCount: Int { get }
    var dimension: Int { get }
    /// Row `index` (`0 ..< rowCount`) as `dimension` values widened to Double.
    func row(_ index: Int) -> [Double]
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
}
