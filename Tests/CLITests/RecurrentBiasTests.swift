import Foundation
import Testing
import TestSupport

/// A torch LSTM's `bias_ih_lK` and `bias_hh_lK` get the same gradient at every step, so biases
/// that start equal stay equal (TestData/recurrent-biases: trained by torch ten SGD steps with
/// momentum and weight decay, `torch.equal` after training); a GRU's do not (its `b_hn` is
/// multiplied by the reset gate). EasyOCR's `english_g2.pth` warned of four such LSTM pairs as
/// duplicates "with no known reason".
@Suite struct RecurrentBiasTests {
    static func expected() throws -> [String: Any] {
        try #require(try Fixtures.json("recurrent-biases/expected.json") as? [String: Any])
    }

    @Test("lstm.pt: each layer's and direction's equal pair is a recurrent-bias-pair, no finding, no bytes wasted")
    func lstmPairs() throws {
        let torch = try #require(try Self.expected()["lstm.pt"] as? [String: Any])
        let equal = try #require(torch["equal_pairs"] as? [String: Bool])
        #expect(equal.count == 4 && equal.values.allSatisfy { $0 })
        #expect((torch["weight_hh_shapes"] as? [String: [Int]])?.values.allSatisfy { $0 == [64, 16] } == true)
        let path = Fixtures.path("recurrent-biases/lstm.pt")
        let ties = try CLI.json(["ties", path, "--json"])
        let groups = try #require(ties["groups"] as? [[String: Any]])
        #expect(Set(groups.compactMap { $0["tensors"] as? [String] }) == Set(equal.keys.map { ["bias_hh_\($0)", "bias_ih_\($0)"] }))
        #expect(groups.allSatisfy { $0["kind"] as? String == "recurrent-bias-pair" })
        #expect(ties["wasted_bytes"] as? Int == 0)
        let audit = try CLI.json(["audit", path, "--json"])
        #expect(CLI.findings(audit, rule: "duplicate-tensors").isEmpty)
    }

    @Test("gru.pt: an equal GRU pair has no such reason: still a duplicate, with its warning")
    func gruPair() throws {
        let torch = try #require(try Self.expected()["gru.pt"] as? [String: Any])
        #expect((torch["equal_pairs"] as? [String: Bool]) == ["l0": true])
        #expect((torch["weight_hh_shapes"] as? [String: [Int]])?["weight_hh_l0"] == [48, 16])
        let path = Fixtures.path("recurrent-biases/gru.pt")
        let ties = try CLI.json(["ties", path, "--json"])
        #expect((ties["groups"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["duplicate"])
        #expect(CLI.findings(try CLI.json(["audit", path, "--json"]), rule: "duplicate-tensors").count == 1)
    }
}
