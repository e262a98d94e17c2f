import CheckpointIO
import TensorScan

/// What the one scan of an audit must compute for one tensor.
public struct ScanRequest: Sendable, Equatable {
    /// Row statistics of every row (ignored for dtypes without statistics, C64).
    public var statistics = false
    /// The fingerprint of the tensor's bytes.
    public var fingerprint = false
    /// Compare the bytes with those of this tensor (an index) in passing (`RowScan.Job.comparingBytes`).
    public var sameBytesAs: Int?

    public init(statistics: Bool = false, fingerprint: Bool = false, sameBytesAs: Int? = nil) {
        self.statistics = statistics
        self.fingerprint = fingerprint
        self.sameBytesAs = sameBytesAs
    }

    /// Both requests together: the scan reads a tensor once for every analysis.
    func merged(with other: ScanRequest) -> ScanRequest {
        ScanRequest(statistics: statistics || other.statistics, fingerprint: fingerprint || other.fingerprint,
                    sameBytesAs: sameBytesAs ?? other.sameBytesAs)
    }
}

/// One analysis as `AuditPipeline` drives it, in the pipeline's order:
///
/// 1. **plan**: the stage is built from the checkpoint and says, per tensor, what the scan must
///    compute (`request(for:)`), before any byte is read;
/// 2. **summary**: for each tensor, on the core that finished reading it, the stage reduces the
///    scan's output to what it keeps (`summary(of:_:)`): row statistics are dropped right after,
///    so an audit holds one summary per tensor, never every row of every tensor;
/// 3. **findings**: once, with every tensor's summary (`findings(_:)`).
///
/// Nothing calls back into an analysis outside these three steps, and no analysis reads bytes
/// on its own during an audit (a tie candidate the scan could not compare in passing — another
/// dtype, say — is still confirmed byte by byte in step 3).
protocol AuditStage {
    associatedtype Summary: Sendable
    /// What the scan computes for tensor `index` of the checkpoint.
    func request(for index: Int) -> ScanRequest
    /// What the stage keeps of tensor `index` (`nil`: nothing).
    func summary(of index: Int, _ output: RowScan.Output) -> Summary?
    /// The stage's findings, from the summaries by tensor index.
    func findings(_ summaries: [Summary?]) throws(CheckpointError) -> [Finding]
}
