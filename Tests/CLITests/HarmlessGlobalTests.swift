import Foundation
import Testing
import TestSupport

/// A torch file whose only global outside torch's safe list is `torch.torch_version.TorchVersion`
/// (a `str` subclass recording torch's version; TestData/pytorch-safe-globals/g_torch_version.bin,
/// torch's verdicts by `generate.py`): its tensors are read and `audit` warns that torch.load's
/// default refuses it; any other refused global still refuses the file.
@Suite struct HarmlessGlobalTests {
    static let path = Fixtures.path("pytorch-safe-globals/g_torch_version.bin")

    @Test("torch's safe loader refuses it over TorchVersion alone; the tensor w [2, 2] is read, audit warns and passes")
    func readWithWarning() throws {
        let files = try #require((try Fixtures.json("pytorch-safe-globals/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        let facts = try #require(files["g_torch_version.bin"])
        #expect(facts["kind"] as? String == "unsafe")
        #expect(facts["refused_globals"] as? [String] == ["torch.torch_version.TorchVersion"])
        let inspect = try CLI.json(["inspect", Self.path])
        let tensors = inspect["tensors"] as? [[String: Any]] ?? []
        #expect(tensors.compactMap { $0["name"] as? String } == ["w"])
        #expect(tensors.first?["shape"] as? [Int] == [2, 2])
        let audit = try CLI.json(["audit", Self.path], status: 0)
        let finding = try #require((audit["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "torch-weights-only-refuses" })
        #expect(finding["severity"] as? String == "warning")
        #expect((finding["evidence"] as? [String: Any])?["globals"] as? [String] == ["torch.torch_version.TorchVersion"])
        #expect(!(audit["findings"] as? [[String: Any]] ?? []).contains { $0["rule"] as? String == "pickle-unsafe-global" })
    }

    @Test("a refused global that is not harmless (defaultdict) still refuses the file, naming it")
    func otherGlobalStillRefuses() throws {
        let result = try CLI.run(["inspect", Fixtures.path("pytorch-safe-globals/g_defaultdict.bin")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("collections.defaultdict"))
    }
}
