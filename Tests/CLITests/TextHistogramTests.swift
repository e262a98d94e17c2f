import Foundation
import Testing
import TestSupport

/// The one-line histograms of `rows --tensor` and `padding`, checked by hand.
@Suite struct TextHistogramTests {
    @Test("rows --tensor rows_f32: six finite norms in six bins, heights log(1 + count) against the fullest")
    func rowsHistogram() throws {
        let result = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "rows_f32"])
        // Finite norms (README example): 2.454389 (rows 0, 6), 12.165525, 0 (rows 2, 3), 46.607439.
        // Six bins of width 46.607439 / 6 = 7.77: [0, 7.77) holds 4, [7.77, 15.5) 1, the last 1.
        // Heights: 4 is the fullest (█); 1 → log 2 / log 5 = 0.43 of 8 levels → the 4th (▄).
        #expect(result.stdout.contains("row norms, 6 bins, log counts: 0.000000 █▄   ▄ 46.607439\n"))
    }

    @Test("padding: the histogram of the embedding with a caret under the pad row's bin")
    func paddingHistogram() throws {
        let result = try CLI.run(["padding", Fixtures.path("toy-bert/model.safetensors")])
        let lines = result.stdout.components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains("row norms, 40 bins, log counts: 0.083409 ") })
        let bars = lines[index].components(separatedBy: "0.083409 ")[1]
        // numpy.histogram of the same norms (TestData/report/toy-bert-histogram.json): bin 0
        // holds the pad row alone, bins 1-18 are empty.
        #expect(bars.prefix(19) == "▂" + String(repeating: " ", count: 18))
        let caret = lines[index + 1]
        #expect(caret.trimmingCharacters(in: .whitespaces) == "^ pad row 0")
        #expect(caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) }
                == lines[index].components(separatedBy: "0.083409 ")[0].count + "0.083409 ".count)
    }
}
