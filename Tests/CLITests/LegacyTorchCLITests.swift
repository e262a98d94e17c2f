import Foundation
import Testing
import TestSupport

/// Every command on legacy (pre-1.6) torch.save files, TestData/pytorch-legacy (expected values
/// from torch and numpy, `generate.py`): the rows of a stream whose storages start at odd
/// offsets, the tied BERT folder, and one line for each lying file.
@Suite struct LegacyTorchCLITests {
    static func expected() throws -> [String: [String: [String: Any]]] {
        try #require(try Fixtures.json("pytorch-legacy/expected.json") as? [String: [String: [String: Any]]])
    }

    @Test("rows of an embedding stored at an odd offset: every row norm as numpy computes it from torch.load's tensor")
    func rowNorms() throws {
        let file = Fixtures.path("pytorch-legacy/odd-offset.bin")
        let name = "embeddings.word_embeddings.weight"
        let tensors = try #require(try Self.expected()["good"]?["odd-offset.bin"]?["tensors"] as? [[String: Any]])
        let want = try #require(tensors.first { $0["name"] as? String == name }?["row_norms"] as? [Double])
        let offset = try #require(tensors.first { $0["name"] as? String == name }?["data_offset"] as? Int)
        #expect(offset % 2 == 1, "the fixture's point: F32 elements at an odd offset")
        let result = try CLI.run(["rows", file, "--tensor", name, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(report["rows"] as? [[String: Any]])
        let norms = rows.compactMap { $0["l2_norm"] as? Double }
        #expect(norms.count == want.count)
        for (row, (got, expected)) in zip(norms, want).enumerated() {
            #expect(abs(got - expected) <= 1e-12 * max(1, expected), "row \(row): \(got) vs numpy \(expected)")
        }
    }

    @Test("audit of a legacy BERT folder: the decoder shares the embedding's storage, so the moved pad row is explained (info)")
    func tiedBert() throws {
        let result = try CLI.run(["audit", Fixtures.path("pytorch-legacy/bert"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let pad = try #require(findings.first { $0["rule"] as? String == "padding-row-nonzero" })
        #expect(pad["severity"] as? String == "info")
        let evidence = try #require(pad["evidence"] as? [String: Any])
        #expect(evidence["tied_with"] as? [String] == ["cls.predictions.decoder.weight"])
        #expect(evidence["pad_id"] as? Int == 0)
        let facts = try #require(try Self.expected()["good"]?["bert/pytorch_model.bin"])
        let tensors = try #require(facts["tensors"] as? [[String: Any]])
        let norms = try #require(tensors.first { $0["name"] as? String == "bert.embeddings.word_embeddings.weight" }?["row_norms"] as? [Double])
        let norm = try #require(evidence["row_norm"] as? Double)
        #expect(abs(norm - norms[0]) <= 1e-12 * norms[0], "pad row norm \(norm) vs numpy \(norms[0])")
        let shared = try #require(facts["shared_storage_groups"] as? [[String]])
        #expect(shared.contains(["bert.embeddings.word_embeddings.weight", "cls.predictions.decoder.weight"]))
        #expect(!findings.contains { $0["rule"] as? String == "tied-weights-duplicated" }, "one storage is not a copy")
    }

    @Test("each lying legacy file is refused by every command with one line naming the file and the storage or version")
    func hostile() throws {
        let hostile = try #require(try Self.expected()["hostile"])
        for (name, facts) in hostile.sorted(by: { $0.key < $1.key }) {
            guard let kind = facts["kind"] as? String, kind != "pickle-unsafe-global" else { continue }
            let path = Fixtures.path("pytorch-legacy/" + name)
            for command in ["inspect", "rows", "padding"] {
                let result = try CLI.run([command, path])
                #expect(result.status == 2 && !result.crashed, "\(name) \(command): exit \(result.status)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + path + ": ")
                        && result.stderr.split(separator: "\n").count == 1, "\(name) \(command): \(result.stderr)")
            }
            let audit = try CLI.run(["audit", path, "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
            #expect((report["error"] as? [String: Any])?["kind"] as? String == kind, "\(name)")
        }
    }
}
