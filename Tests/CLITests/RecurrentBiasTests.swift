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
        #expect(Set(groups.compactMap { $0["tensors"] as? [String] })
                == Set(equal.keys.map { ["bias_hh_" + $0.dropFirst("bias_ih_".count), $0] }))
        #expect(groups.allSatisfy { $0["kind"] as? String == "recurrent-bias-pair" })
        #expect(ties["wasted_bytes"] as? Int == 0)
        let audit = try CLI.json(["audit", path, "--json"])
        #expect(CLI.findings(audit, rule: "duplicate-tensors").isEmpty)
    }

    @Test("gru.pt: an equal GRU pair has no such reason: still a duplicate, with its warning")
    func gruPair() throws {
        let torch = try #require(try Self.expected()["gru.pt"] as? [String: Any])
        #expect((torch["equal_pairs"] as? [String: Bool]) == ["bias_ih_l0": true])
        #expect((torch["weight_hh_shapes"] as? [String: [Int]])?["weight_hh_l0"] == [48, 16])
        let path = Fixtures.path("recurrent-biases/gru.pt")
        let ties = try CLI.json(["ties", path, "--json"])
        #expect((ties["groups"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["duplicate"])
        #expect(CLI.findings(try CLI.json(["audit", path, "--json"]), rule: "duplicate-tensors").count == 1)
    }

    /// A plain RNN's pair (torch rounds its two gradients apart), and pairs no LSTM has: beside an
    /// empty `[0, 2^62]` weight (4 × 2^62 overflowed and crashed the rule; review) and biases of
    /// 3 values beside a `[16, 4]` weight. Each stays a duplicate, and nothing crashes.
    @Test("rnn.pt and odd-shapes.pt: equal pairs with no LSTM behind them stay duplicates, exit 0", arguments: ["rnn.pt", "odd-shapes.pt"])
    func notLSTM(file: String) throws {
        let torch = try #require(try Self.expected()[file] as? [String: Any])
        let equal = try #require(torch["equal_pairs"] as? [String: Bool])
        #expect(!equal.isEmpty && equal.values.allSatisfy { $0 })
        let result = try CLI.run(["ties", Fixtures.path("recurrent-biases/" + file), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let ties = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let kinds = (ties["groups"] as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds == Array(repeating: "duplicate", count: equal.count))
    }
}
