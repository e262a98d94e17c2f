import Foundation
import Testing
import TestSupport

/// An optimizer's state saved beside the weights (TestData/pytorch-optimizer, from torch and
/// numpy by `generate.py`): an LSTM's `bias_ih` and `bias_hh` get the same gradient, so their
/// Adam moments are byte-identical. The numbers in `optimizer_state.state.2.exp_avg` are
/// parameter indices, not layers: no `identical-layers` "suspicious copy", no wasted bytes.
@Suite struct OptimizerStateTests {
    static let file = Fixtures.path("pytorch-optimizer/lstm-adam.pt")

    @Test("ties: each group numpy finds is one optimizer-state group, nothing wasted")
    func groups() throws {
        let expected = try #require(try Fixtures.json("pytorch-optimizer/expected.json") as? [String: Any])
        let want = try #require(expected["identical_optimizer_groups"] as? [[String]])
        #expect(want.count == 4, "the fixture's point: equal moments of the two biases of each layer")
        let result = try CLI.run(["ties", Self.file, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        let optimizer = groups.filter { $0["kind"] as? String == "optimizer-state" }
        #expect(Set(optimizer.compactMap { $0["tensors"] as? [String] }) == Set(want))
        #expect(!groups.contains { $0["kind"] as? String == "identical-layers" })
        #expect(optimizer.allSatisfy { $0["wasted_bytes"] as? Int == 0 }, "\(optimizer)")
    }

    @Test("audit: no identical-layers or duplicate-tensors finding for the optimizer's moments")
    func audit() throws {
        let result = try CLI.run(["audit", Self.file, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rules = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        #expect(!rules.contains("identical-layers") && !rules.contains("duplicate-tensors"), "\(rules)")
    }
}
