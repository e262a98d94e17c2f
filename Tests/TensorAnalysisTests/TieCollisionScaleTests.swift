import CheckpointIO
import Foundation
import Testing
import TensorAnalysis
import TensorScan
import TestSupport

/// Tensors whose row digests collide on purpose. The audit keys the tensors of a prefix class
/// that differ from its first member by a digest of their row statistics; rows that are
/// permutations of the same small integers have equal sums, squares, extremes and counts, so
/// every such tensor lands in one bucket, and the bucket was then split by comparing each
/// member with every other: 4,000 tensors of 8 KiB took 1.2 s of CPU, 32,000 over a minute.
@Suite struct TieCollisionScaleTests {
    /// `n` F32 [1, 1040] tensors: 1,024 zeros (the sieve's 4 KiB prefix, equal in all), then
    /// 16 values 0…15 in permutation `i`. Tensors 0 and 1 are repeated at the end (`copy0`,
    /// `copy1`), so the groups to find are known.
    static func checkpoint(_ n: Int) throws -> Checkpoint {
        func tensor(_ i: Int) -> [UInt8] {
            let values = [Float](repeating: 0, count: 1024) + Permutations.numbered(i, of: 16).map(Float.init)
            return values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        }
        var entries = (0 ..< n).map { SafetensorsWriter.Entry(name: "w\($0)", dtype: .f32, shape: [1, 1040], bytes: tensor($0)) }
        entries += [SafetensorsWriter.Entry(name: "copy0", dtype: .f32, shape: [1, 1040], bytes: tensor(0)),
                    SafetensorsWriter.Entry(name: "copy1", dtype: .f32, shape: [1, 1040], bytes: tensor(1))]
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "perm-\(n).safetensors")
        return try Checkpoint.open(path: path)
    }

    @Test("the premise: permuted rows give one row digest, distinct bytes")
    func digestsCollide() throws {
        let checkpoint = try Self.checkpoint(8)
        let digests = try checkpoint.tensors.map { TieAnalysis.rowDigest(of: try #require($0.rowMoments())) }
        #expect(Set(digests).count == 1)
        #expect(Set(checkpoint.tensors.map { $0.copyBytes() }).count == 8)
    }

    @Test("audit: colliding digests are grouped by bytes, in time linear in their number (up to a log)")
    func auditLinear() throws {
        let small = try Self.checkpoint(1000), large = try Self.checkpoint(4000)
        let report = try AuditPipeline.run(large)
        let groups = report.findings.filter { $0.rule.id == "duplicate-tensors" }.map { $0.tensors.sorted() }
        #expect(groups.sorted { $0[0] < $1[0] } == [["copy0", "w0"], ["copy1", "w1"]], "\(groups)")
        let ratio = try LinearTime.ratio(1000) { n in _ = try AuditPipeline.run(n == 1000 ? small : large) }
        #expect(ratio < LinearTime.bound, "4x the colliding tensors took \(ratio)x the time")
    }
}
