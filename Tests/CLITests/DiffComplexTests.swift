import Foundation
import Testing
import TestSupport

/// `diff` of C64 tensors compares complex values: `max_abs_diff` is the modulus |a − b|
/// (README "diff": max |a − b|; numpy's `abs(a - b).max()`), and `differing_elements` and
/// `nan_mismatches` count complex values. TestData/diff-complex, written by its generate.py
/// with numpy's answers in expected.json.
@Suite struct DiffComplexTests {
    @Test("C64: max_abs_diff and each top row's max_abs are numpy's modulus; counts are per complex value")
    func complexModulus() throws {
        let expected = try #require(try Fixtures.json("diff-complex/expected.json") as? [String: Any])
        let result = try CLI.run(["diff", Fixtures.path("diff-complex/a.safetensors"), Fixtures.path("diff-complex/b.safetensors"), "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let tensor = try #require((report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == "z" })
        let maxAbs = try #require(expected["max_abs_diff"] as? Double)
        // The fixture's largest value difference, 3+4i against 0: its largest part is 4, its modulus 5.
        #expect(maxAbs == 5 && expected["largest_part_difference"] as? Double == 4)
        #expect(tensor["max_abs_diff"] as? Double == maxAbs)
        #expect(tensor["differing_elements"] as? Int == expected["differing_elements"] as? Int)
        #expect(tensor["nan_mismatches"] as? Int == expected["nan_mismatches"] as? Int)
        let relative = try #require(tensor["relative_l2"] as? Double), reference = try #require(expected["relative_l2"] as? Double)
        #expect(abs(relative - reference) <= 1e-12 * reference)
        let rows = try #require(tensor["top_rows"] as? [[String: Any]])
        for want in try #require(expected["rows"] as? [[String: Any]]) {
            let row = try #require(rows.first { $0["row"] as? Int == want["row"] as? Int })
            let l2 = try #require(row["l2"] as? Double), wantL2 = try #require(want["l2"] as? Double)
            #expect(abs(l2 - wantL2) <= 1e-12 * wantL2, "\(row)")
            let rowMax = try #require(row["max_abs"] as? Double), wantMax = try #require(want["max_abs"] as? Double)
            #expect(abs(rowMax - wantMax) <= 1e-15 * wantMax, "\(row) vs \(want)")
        }
    }
}
