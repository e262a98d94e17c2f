import Foundation
import Testing
import TestSupport

/// `rows --tensor NAME --csv` on a tensor without statistics (here the C64 tensor `complex` of
/// `analysis/stats.safetensors`) writes the CSV header and no rows, the reason on stderr, so a
/// script reading the CSV finds its columns. Expected bytes by hand from the README.
@Suite struct RowsCSVNoStatisticsTests {
    static let header = "row,l2_norm,mean,std,min,max,nan,pos_inf,neg_inf,zero,zero_bits,token\n"
    static let reason = "statistics are not computed for C64 (complex) tensors"

    @Test("stdout: the header line only; stderr: the reason; exit 0")
    func standardOutput() throws {
        let result = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "complex", "--csv"])
        #expect(result.status == 0)
        #expect(result.stdout == Self.header)
        #expect(result.stderr == "tensoraudit: complex: \(Self.reason); the CSV has no rows\n")
        // The other formats keep their forms: the text line, the JSON object with the note.
        let text = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "complex"])
        #expect(text.status == 0 && text.stdout == "complex: \(Self.reason)\n" && text.stderr.isEmpty)
        let ndjson = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "complex", "--ndjson"])
        let line = try JSONSerialization.jsonObject(with: Data(ndjson.stdout.utf8)) as? [String: Any]
        #expect(ndjson.status == 0 && line?["note"] as? String == Self.reason)
        // Like every NDJSON line, no schema_version (README "rows"); the JSON report has it.
        #expect(line?["schema_version"] == nil, "\(ndjson.stdout)")
        let json = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "complex", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["schema_version"] as? Int == 1)
    }

    @Test("--output: the file holds the header; stderr the reason, then where the report went")
    func outputFile() throws {
        let file = try Fixtures.temporaryDirectory().appendingPathComponent("rows.csv")
        let result = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors"), "--tensor", "complex", "--format", "csv",
                                  "--output", file.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.header)
        #expect(result.stderr == "tensoraudit: complex: \(Self.reason); the CSV has no rows\n"
            + "tensoraudit: csv report written to \(file.path)\n")
    }
}
