import StrictJSON
import CheckpointIO
import TensorAnalysis
import TensorScan

/// What the HTML report draws beyond the findings: the token matrices' row-norm profiles and
/// the shard map (which tensor lives in which file, at which bytes). Built only for
/// `--format html`, from the checkpoint the audit read.
struct AuditPicture {
    struct Tensor {
        var name: String
        var dtype: String
        var shape: [UInt64]
        var byteRange: Range<UInt64>?
    }

    struct File {
        var path: String
        var tensorCount: Int
        var byteCount: UInt64
        /// The tensors listed (all of them, or the ones the page links to; see `listedAll`).
        var tensors: [Tensor]
    }

    var profiles: [NormProfile]
    var files: [File]
    /// False when the checkpoint has more than `tensorListLimit` tensors: only the tensors the
    /// findings name and the token matrices are listed, so a 50,000-tensor page stays small.
    var listedAll: Bool

    static let tensorListLimit = 2000

    /// Nothing to draw: a checkpoint refused before its tensors were read (an unsafe pickle).
    static let empty = AuditPicture(profiles: [], files: [], listedAll: true)

    private init(profiles: [NormProfile], files: [File], listedAll: Bool) {
        self.profiles = profiles
        self.files = files
        self.listedAll = listedAll
    }

    init(checkpoint: Checkpoint, report: AuditReport) throws(CheckpointError) {
        profiles = try NormProfile.profiles(checkpoint, policy: report.policy, untrained: report.untrainedRows)
        listedAll = checkpoint.tensors.count <= Self.tensorListLimit
        // By code points: a tensor whose name is canonically equivalent to a finding's is
        // another tensor, and was listed as if a finding named it.
        var wanted = Set(report.findings.flatMap(\.tensors).map { ExactText($0) })
        wanted.formUnion(profiles.map { ExactText($0.tensor) })
        let listedAll = listedAll
        files = checkpoint.files.map { file in
            let views = file.tensors
            let listed = listedAll ? views : views.filter { wanted.contains(ExactText($0.name)) }
            return File(path: file.path, tensorCount: views.count, byteCount: views.reduce(0) { $0 + $1.info.byteCount },
                        tensors: listed.map { Tensor(name: $0.name, dtype: $0.elementType.rawValue, shape: $0.shape,
                                                     byteRange: $0.fileByteRange) })
        }
    }
}
