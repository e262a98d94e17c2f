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

/// More layouts (TestData/pytorch-optimizer's `variants`, groups by numpy): the groups of an
/// optimizer's tensors are `optimizer-state` whatever key holds the optimizer, and a model's own
/// `state.1.mu` copied from `state.0.mu` stays `identical-layers`.
@Suite struct OptimizerStateVariantTests {
    static func variant(_ file: String) throws -> [String: [[String]]] {
        let root = try #require(try Fixtures.json("pytorch-optimizer/expected.json") as? [String: Any])
        return try #require((root["variants"] as? [String: [String: [[String]]]])?[file])
    }

    @Test("ties: each numpy group gets the kind its source says", arguments: ["opt-state-key.pt", "adagrad-top.pt", "asgd.pt", "model-state-copy.pt"])
    func kinds(file: String) throws {
        let facts = try Self.variant(file)
        let report = try CLI.json(["ties", Fixtures.path("pytorch-optimizer/" + file)])
        let groups = report["groups"] as? [[String: Any]] ?? []
        func kind(_ names: [String]) -> String? { groups.first { $0["tensors"] as? [String] == names }?["kind"] as? String }
        for names in facts["optimizer_groups"] ?? [] { #expect(kind(names) == "optimizer-state", "\(file): \(names)") }
        for names in facts["model_groups"] ?? [] { #expect(kind(names) == "identical-layers", "\(file): \(names)") }
        #expect(!(facts["optimizer_groups"] ?? []).isEmpty || !(facts["model_groups"] ?? []).isEmpty, "the fixture's point")
    }
}

/// Which prefixes hold an optimizer's state (by hand): every tensor below is `P.<key>.<slot>`, and
/// some slot is one no model names a parameter, or every key's slots are one optimizer's set.
@Suite struct OptimizerStatePrefixTests {
    @Test("by hand")
    func prefixes() {
        #expect(TensorNames.optimizerStates(in: ["optimizer.state.3.exp_avg", "optimizer.state.3.step", "model.w"]) == ["optimizer.state"])
        #expect(TensorNames.optimizerStates(in: ["opt_state.state.2.exp_avg", "opt_state.state.2.exp_avg_sq_row"]) == ["opt_state.state"])
        // Adagrad: every entry exactly {sum, step}; one entry short of it is no optimizer's.
        #expect(TensorNames.optimizerStates(in: ["state.0.sum", "state.0.step", "state.1.sum", "state.1.step"]) == ["state"])
        #expect(TensorNames.optimizerStates(in: ["state.0.sum", "state.0.step", "state.1.sum"]).isEmpty)
        // By parameter name (FSDP, DCP): keys of several parts.
        #expect(TensorNames.optimizerStates(in: ["optim.state.lstm.bias_hh_l0.exp_avg", "optim.state.lstm.bias_hh_l0.step"]) == ["optim.state"])
        #expect(TensorNames.isOptimizerState("optim.state.lstm.bias_hh_l0.exp_avg", states: ["optim.state"]))
        // A model's layers with a `step` buffer or a learned `step_size`: no optimizer's.
        #expect(TensorNames.optimizerStates(in: ["encoder.state.0.weight", "encoder.state.0.step", "encoder.state.3.weight", "encoder.state.3.step"]).isEmpty)
        #expect(TensorNames.optimizerStates(in: ["state.0.weight", "state.0.step_size", "state.1.weight", "state.1.step_size"]).isEmpty)
        // A model's own `state` blocks: no telling slot, or a deeper name below.
        #expect(TensorNames.optimizerStates(in: ["state.0.mu", "state.1.mu", "state.0.sum"]).isEmpty)
        #expect(TensorNames.optimizerStates(in: ["norm.state.0.exp_avg", "norm.state.0.x.weight"]).isEmpty)
        #expect(TensorNames.optimizerStates(in: ["norm.state.0.exp_avg", "norm.state.1.weight"]).isEmpty)
        // Layers {weight, step}, one with an `exp_avg` buffer too: each key is judged alone.
        #expect(TensorNames.optimizerStates(in: ["encoder.state.0.weight", "encoder.state.0.step", "encoder.state.0.exp_avg",
                                                 "encoder.state.1.weight", "encoder.state.1.step"]).isEmpty)
        #expect(!TensorNames.isOptimizerState("optimizer.state.3.weight", states: ["optimizer.state"]))
        #expect(TensorNames.isOptimizerState("optimizer.state.3.exp_avg", states: ["optimizer.state"]))
        #expect(!TensorNames.isOptimizerState("optimizer.state.3.exp_avg", states: ["state"]))
    }
}
