import Foundation
import Testing
import TestSupport
import TensorAnalysis

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

/// Which names are an optimizer's state (by hand): a slot under `state.<n>` below a key naming
/// an optimizer, or at the top with a slot no model names a parameter.
@Suite struct OptimizerStateNameTests {
    @Test("optimizer state", arguments: ["optimizer.state.3.exp_avg", "optimizer_state.state.140178894882568.exp_avg_sq",
                                         "optimizer_states.0.state.7.momentum_buffer", "optim.state.0.sum", "opt.state.2.variance",
                                         "state.0.exp_avg", "state.12.row_var", "Optimizer.state.1.step"])
    func optimizer(name: String) { #expect(TensorNames.isOptimizerState(name)) }

    @Test("model weights", arguments: ["state.0.mu", "state.1.sum", "norm.state.0.exp_avg", "encoder.state.3.step",
                                       "optimizer.state.x.exp_avg", "optimizer.state.0.weight", "state.exp_avg", "layers.0.exp_avg"])
    func model(name: String) { #expect(!TensorNames.isOptimizerState(name)) }
}
