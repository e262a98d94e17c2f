import CheckpointIO
import Foundation
import Testing
import TensorAnalysis
import TestSupport

/// Many identical tensors: one group of n members must cost the audit work and memory linear
/// in n. Found by the hostile-input round: a 3.2 MB safetensors file of 50,000 one-byte U8
/// tensors, all 0, made `audit` peak at 23.7 GB RSS (every member's list of its n − 1 copies,
/// `TieAnalysis.Report.copies`) and `ties` take 8 s (each member checked against every kept
/// member for shared bytes).
@Suite struct TieScaleTests {
    /// `n` one-byte U8 tensors `t0`, `t1`, …, each at its own offset, every byte 0.
    static func identical(_ n: Int) throws -> Checkpoint {
        let entries = (0 ..< n).map { SafetensorsWriter.Entry(name: "t\($0)", dtype: .u8, shape: [1], bytes: [0]) }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "same-\(n).safetensors")
        return try Checkpoint.open(path: path)
    }

    @Test("ties: n identical tensors form one group, in time linear in n")
    func tiesLinear() throws {
        let small = try Self.identical(1000), large = try Self.identical(4000)
        let report = TieAnalysis.analyze(large)
        #expect(report.groups.count == 1 && report.groups.first?.tensors.count == 4000)
        let ratio = LinearTime.ratio(1000) { n in _ = TieAnalysis.analyze(n == 1000 ? small : large) }
        #expect(ratio < LinearTime.bound, "4x the identical tensors took \(ratio)x the time")
    }

    @Test("audit: n identical tensors cost time linear in n (each member's copies are not materialised)")
    func auditLinear() throws {
        let small = try Self.identical(1000), large = try Self.identical(4000)
        let ratio = try LinearTime.ratio(1000) { n in _ = try AuditPipeline.run(n == 1000 ? small : large) }
        #expect(ratio < LinearTime.bound, "4x the identical tensors took \(ratio)x the time")
    }

    @Test("a group's copies, by name: the other members, none for a tensor in no group")
    func copiesByName() throws {
        let report = TieAnalysis.analyze(try Self.identical(4))
        #expect(report.copies["t2"] == ["t0", "t1", "t3"])
        #expect(report.copies["t0"] == ["t1", "t2", "t3"])
        #expect(report.copies["absent"] == nil)
    }
}
