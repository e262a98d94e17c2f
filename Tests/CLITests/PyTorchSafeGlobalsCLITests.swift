import Foundation
import Testing
import TestSupport

/// Every command on checkpoints holding plain values, quantized or sparse tensors, or globals
/// torch's safe loader refuses (TestData/pytorch-safe-globals; torch's verdicts in expected.json).
@Suite struct PyTorchSafeGlobalsCLITests {
    static func facts() throws -> [String: [String: Any]] {
        let all = try #require(try Fixtures.json("pytorch-safe-globals/expected.json") as? [String: Any])
        return try #require(all["files"] as? [String: [String: Any]])
    }

    static func object(_ result: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("a file torch's safe loader opens is read: inspect lists torch's tensors, audit names no unsafe global",
          arguments: ["g_size.bin", "g_dev.bin", "g_bytes.bin", "g_set.bin", "g_complex.bin", "training.ckpt", "tensor-attribute.pt"])
    func accepted(file: String) throws {
        let facts = try #require(try Self.facts()[file])
        let path = Fixtures.path("pytorch-safe-globals/" + file)
        let inspect = try CLI.run(["inspect", path, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let tensors = try #require(try Self.object(inspect)["tensors"] as? [[String: Any]])
        let torchNames = (facts["tensors"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(tensors.compactMap { $0["name"] as? String }) == Set(torchNames))
        let audit = try CLI.run(["audit", path, "--format", "json"])
        #expect(audit.status != 2, "\(audit.stderr)")
        let findings = try #require(try Self.object(audit)["findings"] as? [[String: Any]])
        #expect(!findings.contains { $0["rule"] as? String == "pickle-unsafe-global" }, "\(file)")
    }

    @Test("a quantized or sparse tensor: every command exits 2 with one line naming its kind",
          arguments: [("quantized.bin", "(quantized, qint8)"), ("sparse.bin", "(sparse, torch.sparse_coo)")])
    func unsupportedKind(file: String, kind: String) throws {
        let path = Fixtures.path("pytorch-safe-globals/" + file)
        for command in ["inspect", "rows", "ties", "padding", "audit"] {
            let result = try CLI.run([command, path])
            #expect(result.status == 2 && !result.crashed, "\(command) \(file)")
            #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.split(separator: "\n").count == 1,
                    "\(command) \(file): \(result.stderr)")
            #expect(result.stderr.contains("unsupported tensor kind " + kind), "\(command) \(file): \(result.stderr)")
            #expect(!result.stderr.contains("unsafe"), "\(command) \(file): \(result.stderr)")
        }
    }

    @Test("a global torch's safe loader refuses is still pickle-unsafe-global (audit exits 1, other commands 2), also beside a quantized tensor",
          arguments: ["g_frozenset.bin", "g_slice.bin", "g_range.bin", "quantized-frozenset.bin"])
    func refused(file: String) throws {
        let refused = try #require(try Self.facts()[file]?["refused_globals"] as? [String])
        #expect(!refused.isEmpty)
        let path = Fixtures.path("pytorch-safe-globals/" + file)
        let audit = try CLI.run(["audit", path, "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let findings = try #require(try Self.object(audit)["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["pickle-unsafe-global"])
        #expect((findings.first?["evidence"] as? [String: Any])?["globals"] as? [String] == refused)
        let inspect = try CLI.run(["inspect", path])
        #expect(inspect.status == 2)
        #expect(inspect.stderr.contains("the pickle names unsafe globals (\(refused.joined(separator: ", ")))"), "\(inspect.stderr)")
    }
}
