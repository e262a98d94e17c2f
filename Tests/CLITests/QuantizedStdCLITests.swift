import Foundation
import Testing
import TestSupport

/// The standard deviation of quantized rows against numpy's `row.std()` of gguf-py's
/// `dequantize` in float64 (`TestData/gguf/valid/centred.gguf`, written by
/// `TestData/gguf/generate.py`): rows of affine blocks with a large offset and a small step,
/// where Σx² − (Σx)²/n cancels every digit (a row with min < max got std 0), a constant row
/// (std exactly 0), and blocks with a NaN or infinite scale (std NaN, as for every dtype; it
/// was 0).
@Suite struct QuantizedStdCLITests {
    @Test("rows: std of every row of centred.gguf equals numpy's (relative 1e-9; NaN where numpy's is NaN)",
          arguments: ["offset.q4_1", "offset.q5_1", "nonfinite.q8_0", "nonfinite.q4_0"])
    func standardDeviation(tensor: String) throws {
        let files = try #require((try Fixtures.json("gguf/expected.json") as? [String: Any])?["files"] as? [String: Any])
        let tensors = try #require((files["centred.gguf"] as? [String: Any])?["tensors"] as? [[String: Any]])
        let rows = try #require(tensors.first { $0["name"] as? String == tensor }?["rows"] as? [[String: Any]])
        let result = try CLI.run(["rows", Fixtures.path("gguf/valid/centred.gguf"), "--tensor", tensor, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let listed = try #require(report["rows"] as? [[String: Any]])
        #expect(listed.count == rows.count)
        for (ours, reference) in zip(listed, rows) {
            let row = ours["row"] as? Int ?? -1
            switch (ours["std"], reference["std"]) {
            case (let a as Double, let b as Double):
                #expect(a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b)), "\(tensor) row \(row): \(a) vs numpy \(b)")
                if b == 0 { #expect(a == 0, "\(tensor) row \(row): a constant row") }
            case (let a as String, let b as String):
                #expect(a == b, "\(tensor) row \(row)")
            default:
                Issue.record("\(tensor) row \(row): std \(String(describing: ours["std"])) vs numpy \(String(describing: reference["std"]))")
            }
        }
    }
}
