import Foundation
import Testing
import TestSupport
import CheckpointIO
import TensorScan
import TensorAnalysis
@testable import tensoraudit

/// `rows --json`, `--ndjson` and `--csv` are written a row at a time through `ReportStream`.
/// Each streamed report must be byte for byte the report rendered whole, as the tool did before
/// streaming: a JSON tree with sorted keys (`JSONValue.rendered`), lines joined, CSV fields
/// interpolated. Those references are rebuilt here, independently of the streaming code, and
/// compared with reports that span many chunks.
@Suite struct StreamedRowsTests {
    // MARK: References: the whole-report renderings

    /// `findings`: the report's findings, when not every rule's (`rows` draws them by `audit`'s rules).
    static func referenceJSON(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)?, findings: [Finding]? = nil) -> String {
        JSONValue.object([
            "schema_version": .int(1),
            "tensor": .string(s.tensor),
            "dtype": .string(s.dtype.rawValue),
            "shape": .uints(s.shape),
            "row_range": .array([.int(Int64(range.lowerBound)), .int(Int64(range.upperBound))]),
            "rows": .array(range.map { AnalysisJSON.row($0, s.rows[$0], token: token) }),
            "summary": AnalysisJSON.summary(s, token: token),
            "findings": .array((findings ?? s.findings(token: token ?? { _ in nil })).map(AnalysisJSON.finding)),
        ]).rendered() + "\n"
    }

    static func referenceNDJSON(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)?) -> String {
        range.map { AnalysisJSON.row($0, s.rows[$0], token: token).rendered(pretty: false) + "\n" }.joined()
    }

    /// Python's `float()` spellings for non-finite values, Swift's shortest decimal otherwise.
    static func referenceCSV(_ s: RowSummary, range: Range<Int>, token: ((Int) -> String?)? = nil) -> String {
        func number(_ v: Double) -> String { v.isNaN ? "nan" : v.isInfinite ? (v > 0 ? "inf" : "-inf") : v.description }
        var out = "row,l2_norm,mean,std,min,max,nan,pos_inf,neg_inf,zero,zero_bits,token\n"
        for i in range {
            let m = s.rows[i]
            let fields = [String(i), number(m.l2Norm), number(m.mean), number(m.standardDeviation), number(m.minimum),
                          number(m.maximum), String(m.nanCount), String(m.positiveInfinityCount),
                          String(m.negativeInfinityCount), m.allValuesZero ? "true" : "false", m.allBitsZero ? "true" : "false",
                          token?(i).map(CSVField.text) ?? ""]
            out += fields.joined(separator: ",") + "\n"
        }
        return out
    }

    /// What `stream` writes into a file through a `ReportStream` of `chunkSize` bytes.
    static func streamed(chunkSize: Int, _ report: StreamedReport) throws -> String {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("report").path
        let stream = try ReportStream(output: path, inputs: [], chunkSize: chunkSize)
        try report(stream)
        try stream.finish()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    // MARK: Streamed vs whole

    @Test("rows --tensor of a token matrix, streamed in chunks of 1, 97 and 4096 bytes, equals the whole report",
          arguments: [1, 97, 4096])
    func tokenMatrixInChunks(chunkSize: Int) throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("gguf-cli/llama-q4_0.gguf"))
        let view = try #require(checkpoint.tensors.first { $0.name == "token_embd.weight" })
        let tokenizer = try #require(CheckpointKnowledge.read(checkpoint).tokenizer)
        let token: (Int) -> String? = { tokenizer.token(for: $0) }
        let summary = try #require(RowSummary(view: view))
        #expect(summary.rows.count == 64)
        for range in [0..<64, 3..<40, 63..<64, 5..<5] {
            let json = try Self.streamed(chunkSize: chunkSize, RowsRendering.tensor(view, range: range, format: .json, token: token))
            #expect(json == Self.referenceJSON(summary, range: range, token: token), "\(range)")
            let lines = try Self.streamed(chunkSize: chunkSize, RowsRendering.tensor(view, range: range, format: .ndjson, token: token))
            #expect(lines == Self.referenceNDJSON(summary, range: range, token: token), "\(range)")
            #expect(lines.components(separatedBy: "\"token\":").count - 1 == range.count)
            let csv = try Self.streamed(chunkSize: chunkSize, RowsRendering.tensor(view, range: range, format: .csv, token: token))
            #expect(csv == Self.referenceCSV(summary, range: range, token: token), "\(range)")
            // Every row's token, as the NDJSON rows carry it (the CSV had no token column).
            let tokens = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).last.map(String.init) }
            #expect(tokens == range.map { tokenizer.token(for: $0).map(CSVField.text) ?? "" }, "\(range)")
        }
    }

    @Test("rows of NaN, ±Inf, zero and duplicate rows, streamed in small chunks, equals the whole report")
    func specialRowsInChunks() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/stats.safetensors"))
        let view = try #require(checkpoint.tensors.first { $0.name == "rows_f32" })
        let summary = try #require(RowSummary(view: view))
        let range = 0..<summary.rowCount
        #expect(try Self.streamed(chunkSize: 13, RowsRendering.tensor(view, range: range, format: .json))
            == Self.referenceJSON(summary, range: range, token: nil))
        #expect(try Self.streamed(chunkSize: 13, RowsRendering.tensor(view, range: range, format: .ndjson))
            == Self.referenceNDJSON(summary, range: range, token: nil))
        #expect(try Self.streamed(chunkSize: 13, RowsRendering.tensor(view, range: range, format: .csv))
            == Self.referenceCSV(summary, range: range))
    }

    @Test("rows --json/--ndjson/--csv of 1,000 rows (several 64 KiB chunks): standard output and --output both equal the whole report")
    func wholeCommandAcrossChunks() throws {
        let path = Fixtures.path("toy-bert/model.safetensors")
        let name = "bert.embeddings.word_embeddings.weight"
        let checkpoint = try Checkpoint.open(path: path)
        let view = try #require(checkpoint.tensors.first { $0.name == name })
        let summary = try #require(RowSummary(view: view))
        let range = 0..<summary.rowCount
        let references: [(String, String)] = [
            // No finding, by audit's rules: row 0, the only outlying row (low), is the pad row
            // (config.json pad_token_id 0) of an input embedding, padding-row-nonzero's question.
            ("json", Self.referenceJSON(summary, range: range, token: nil, findings: [])),
            ("ndjson", Self.referenceNDJSON(summary, range: range, token: nil)),
            ("csv", Self.referenceCSV(summary, range: range)),
        ]
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for (format, reference) in references {
            #expect(reference.utf8.count > ReportStream.defaultChunkSize, "\(format) spans chunks")
            let printed = try CLI.run(["rows", path, "--tensor", name, "--format", format])
            #expect(printed.status == 0, "\(printed.stderr)")
            #expect(printed.stdout == reference, "\(format) on standard output")
            let file = folder.appendingPathComponent("rows.\(format)").path
            let written = try CLI.run(["rows", path, "--tensor", name, "--format", format, "--output", file])
            #expect(written.status == 0, "\(written.stderr)")
            #expect(try String(contentsOfFile: file, encoding: .utf8) == reference, "\(format) into --output")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["rows.csv", "rows.json", "rows.ndjson"])
    }

    // MARK: Failures part-way

    @Test("a write that fails part-way into --output (file-size limit) is exit 2, keeps the old file and leaves no temporary file")
    func failurePartWay() throws {
        let folder = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("report.ndjson").path
        let previous = "the previous report\n"
        try previous.write(toFile: output, atomically: false, encoding: .utf8)
        // A 4 KiB file-size limit (dash counts 512-byte blocks) with SIGXFSZ ignored: the first
        // 64 KiB write stops at 4 KiB and the next one fails with EFBIG.
        let result = try CLI.run(["rows", Fixtures.path("toy-bert/model.safetensors"), "--tensor",
                                  "bert.embeddings.word_embeddings.weight", "--ndjson", "--output", output],
                                 shell: "ulimit -f 8; trap '' XFSZ; exec \"$TENSORAUDIT\" \"$@\"")
        #expect(result.status == 2, "exit \(result.status): \(result.stderr)")
        #expect(!result.crashed)
        #expect(result.stderr.contains(output) && result.stderr.contains("write"), "\(result.stderr)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == previous)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.ndjson"])
    }

    // MARK: The pieces

    @Test("a row written member by member equals the row's JSON tree rendered, compact and indented, with and without tokens")
    func rowWriterMatchesTree() {
        var random = SeededRandom(seed: 11)
        let specials: [Double] = [0, -0.0, 1, -1, 0.1, 1.0 / 3, 1e16, 1e-5, 123456789.125, .leastNonzeroMagnitude,
                                  .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                  .nan, .infinity, -.infinity]
        func pick() -> Double {
            random.next() % 3 == 0 ? specials[Int(random.next() % UInt64(specials.count))]
                : Double(bitPattern: random.next())
        }
        let tokens: [((Int) -> String?)?] = [nil, { _ in nil }, { "tok\($0)" }, { _ in "\u{2581}a\"b\\c\u{202E}\u{7}\u{85}é" }]
        for row in 0..<400 {
            let m = RowMoments(count: Int(random.next() % 5), sum: pick(), sumOfSquares: pick(), centeredSquares: pick(),
                               minimum: pick(), maximum: pick(), nanCount: Int(random.next() % 3),
                               positiveInfinityCount: Int(random.next() % 2), negativeInfinityCount: row,
                               allBitsZero: random.next() % 2 == 0, allValuesZero: random.next() % 2 == 0)
            for token in tokens {
                for indent in [nil, 0, 2] as [Int?] {
                    var streamed = JSONWriter()
                    AnalysisJSON.writeRow(row * 1000, m, token: token, to: &streamed, indent: indent)
                    var tree = JSONWriter()
                    tree.value(AnalysisJSON.row(row * 1000, m, token: token), indent: indent)
                    #expect(streamed.text == tree.text)
                }
            }
        }
    }

    @Test("numbers are written as Swift's description writes them (shortest round trip), non-finite ones as strings")
    func numbersMatchDescription() {
        var random = SeededRandom(seed: 5)
        var values: [Double] = [0, -0.0, 1, 0.1, 1e16, 1e-7, 9007199254740992, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        for _ in 0..<100_000 { values.append(Double(bitPattern: random.next())) }
        for value in values where value.isFinite {
            var out = JSONWriter()
            out.double(value)
            #expect(out.text == value.description)
            var csv = JSONWriter()
            RowsRendering.writeCSVNumber(value, to: &csv)
            #expect(csv.text == value.description)
        }
        for (value, json, csv) in [(Double.nan, "\"NaN\"", "nan"), (.infinity, "\"Infinity\"", "inf"), (-.infinity, "\"-Infinity\"", "-inf"),
                                   (Double(nan: 5, signaling: true), "\"NaN\"", "nan"), (-Double.nan, "\"NaN\"", "nan")] {
            var out = JSONWriter()
            out.double(value)
            #expect(out.text == json)
            var text = JSONWriter()
            RowsRendering.writeCSVNumber(value, to: &text)
            #expect(text.text == csv)
        }
        let integers: [Int64] = [0, 9, 10, 99, 100, 12345, -1, -10, Int64.max, Int64.min]
        for value in integers {
            var out = JSONWriter()
            out.int(value)
            #expect(out.text == String(value))
        }
        var out = JSONWriter()
        out.uint(UInt64.max)
        #expect(out.text == "18446744073709551615")
    }
}
