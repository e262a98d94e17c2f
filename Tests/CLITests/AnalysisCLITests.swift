import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// `rows`, `padding` and `ties` as a user runs them: exit codes and the JSON contract.
@Suite struct AnalysisCLITests {
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(!result.crashed)
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("rows --tensor --json: the toy BERT rows numpy computed")
    func rowsJSON() throws {
        let report = try json(["rows", Fixtures.path("toy-bert/model.safetensors"), "--tensor",
                               "bert.embeddings.word_embeddings.weight", "--rows", "0..5", "--json"])
        #expect((report["schema_version"] as? Int) == 1)
        let rows = try #require(report["rows"] as? [[String: Any]])
        let expected = try #require(((try Fixtures.json("expected/toy-bert.json") as? [String: Any])?["row_stats"]
            as? [String: Any])?["bert.embeddings.word_embeddings.weight"] as? [[String: Any]])
        #expect(rows.count == 5)
        for (ours, theirs) in zip(rows, expected) {
            for key in ["l2_norm", "mean", "std", "min", "max"] {
                #expect(closeEnough((ours[key] as? NSNumber)?.doubleValue ?? .nan, (theirs[key] as? NSNumber)?.doubleValue ?? 1),
                        "\(key)")
            }
        }
        let summary = try #require(report["summary"] as? [String: Any])
        #expect((summary["rows"] as? Int) == 1000)
    }

    @Test("rows writes non-finite numbers as strings, and NDJSON/CSV one line per row")
    func rowsFormats() throws {
        let path = Fixtures.path("analysis/stats.safetensors")
        let report = try json(["rows", path, "--tensor", "rows_f32", "--json"])
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows[4]["l2_norm"] as? String == "NaN")
        #expect(rows[5]["std"] as? String == "NaN")
        #expect(rows[5]["nan"] as? Int == 0 && rows[5]["pos_inf"] as? Int == 1 && rows[5]["neg_inf"] as? Int == 1)
        let ndjson = try CLI.run(["rows", path, "--tensor", "rows_f32", "--ndjson"])
        #expect(ndjson.status == 0)
        let lines = ndjson.stdout.split(separator: "\n")
        #expect(lines.count == 8)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        let csv = try CLI.run(["rows", path, "--tensor", "rows_f32", "--csv", "--rows", "3.."])
        #expect(csv.status == 0)
        let csvLines = csv.stdout.split(separator: "\n")
        #expect(csvLines.first == "row,l2_norm,mean,std,min,max,nan,pos_inf,neg_inf,zero,zero_bits,token")
        #expect(csvLines.count == 6)
        #expect(csvLines[1].hasPrefix("3,0.0,"))
    }

    @Test("rows without --tensor: one summary per matrix; C64, 1-D and 0-d tensors listed as skipped with a reason")
    func rowsSummary() throws {
        let report = try json(["rows", Fixtures.path("analysis/stats.safetensors"), "--json"])
        let stats = try #require(try Fixtures.json("expected/analysis-stats.json") as? [String: Any])
        let twoD = (stats["tensors"] as? [String: [String: Any]] ?? [:]).filter { ($0.value["shape"] as? [Any])?.count == 2 }
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(Set(tensors.compactMap { $0["tensor"] as? String }) == Set(twoD.keys))
        let skipped = try #require(report["skipped"] as? [[String: Any]])
        let lowRank = (stats["tensors"] as? [String: [String: Any]] ?? [:]).filter { ($0.value["shape"] as? [Any] ?? []).count < 2 }
        let reasons = Dictionary(uniqueKeysWithValues: skipped.compactMap { s in (s["tensor"] as? String).map { ($0, s["reason"] as? String ?? "") } })
        #expect(Set(reasons.keys) == Set(lowRank.keys).union(["complex"]))
        #expect(reasons["complex"]?.contains("C64") == true)
        #expect(reasons["vec_bf16"]?.contains("fewer than two dimensions") == true)
        let text = try CLI.run(["rows", Fixtures.path("analysis/stats.safetensors")])
        #expect(text.status == 0)
        #expect(text.stdout.contains("nan-values"))
        #expect(text.stdout.contains("skipped 2 tensor(s), fewer than two dimensions"))
    }

    @Test("rows text names ten skipped tensors per reason and counts the rest; JSON lists every one")
    func skippedCut() throws {
        let path = Fixtures.path("toy-bert/model.safetensors")
        // The 1-D tensors, from inspect's shapes (a second reading of the header).
        let inspect = try json(["inspect", path, "--json"])
        let oneD = (inspect["tensors"] as? [[String: Any]] ?? []).filter { ($0["shape"] as? [Int])?.count == 1 }.compactMap { $0["name"] as? String }
        #expect(oneD.count == 11)
        let report = try json(["rows", path, "--json"])
        #expect(Set((report["skipped"] as? [[String: Any]] ?? []).compactMap { $0["tensor"] as? String }) == Set(oneD))
        let line = try #require(try CLI.run(["rows", path]).stdout.split(separator: "\n").first { $0.hasPrefix("skipped 11 tensor(s)") })
        #expect(line.hasSuffix(", … (1 more; --json lists them all)"), "\(line)")
        let list = String(line.split(separator: ": ").last ?? "")
        #expect(list.components(separatedBy: ", ").count == 11, "ten names and the count: \(list)")
    }

    @Test("rows without --tensor reports a NaN in a 1-D tensor, as audit does")
    func nanInBias() throws {
        let weight = SafetensorsWriter.Entry(name: "layer.weight", dtype: .f32, shape: [2, 2],
                                             bytes: [Float](repeating: 1, count: 4).flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let bias = SafetensorsWriter.Entry(name: "layer.bias", dtype: .f32, shape: [2],
                                           bytes: [Float(1), .nan].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [weight, bias]).serialize())
        let report = try json(["rows", path, "--json"])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let nan = findings.filter { $0["rule"] as? String == "nan-values" }
        #expect(nan.compactMap { $0["tensors"] as? [String] } == [["layer.bias"]])
        let skipped = (report["skipped"] as? [[String: Any]])?.compactMap { $0["tensor"] as? String }
        #expect(skipped == ["layer.bias"])
        let audit = try CLI.run(["audit", path, "--format", "json"])
        let auditReport = try #require(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])
        let auditNaN = (auditReport["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "nan-values" }
        #expect(auditNaN.compactMap { $0["tensors"] as? [String] } == [["layer.bias"]])
        // NDJSON and CSV have no place for findings: one stderr line says so (exit 0, as --json).
        // By construction two: the NaN (an error) and the matrix's two equal rows of 1s
        // (`duplicate-rows`, a warning).
        for (flag, name) in [("--ndjson", "NDJSON"), ("--csv", "CSV")] {
            let listing = try CLI.run(["rows", path, flag])
            #expect(listing.status == 0 && !listing.stdout.contains("nan-values"))
            #expect(listing.stderr == "tensoraudit: rows: the \(name) listing leaves out 2 findings (1 error): "
                    + "duplicate-rows, nan-values; --json lists them\n", "\(listing.stderr)")
        }
    }

    @Test("rows: unknown tensor exits 2, bad --rows exits 64")
    func rowsErrors() throws {
        let path = Fixtures.path("toy-bert/model.safetensors")
        let missing = try CLI.run(["rows", path, "--tensor", "nope"])
        #expect(missing.status == 2)
        #expect(missing.stderr.hasPrefix("tensoraudit: error: \(path): "))
        #expect(try CLI.run(["rows", path, "--tensor", "cls.predictions.bias", "--rows", "5..2"]).status == 64)
        // Past the end of this tensor: a usage error known only from the file, said in one line
        // (it printed the root command's "Usage: tensoraudit <subcommand>").
        let past = try CLI.run(["rows", path, "--tensor", "cls.predictions.bias", "--rows", "7.."])
        #expect(past.status == 64)
        #expect(past.stderr == "tensoraudit: error: --rows starts at row 7 but \"cls.predictions.bias\" has 1 row\n", "\(past.stderr)")
        #expect(try CLI.run(["rows", path, "--json", "--csv"]).status == 64)
    }

    @Test("no command at all: the help on stderr and exit 64, so an empty command in a CI line fails (review-63b L3)")
    func bareInvocationIsAUsageError() throws {
        let result = try CLI.run([])
        #expect(result.status == 64 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("OVERVIEW: Audit model checkpoints"), "\(result.stderr)")
        #expect(try CLI.run(["--help"]).status == 0)
    }

    @Test("a format the command does not write: exit 64, and the message names the flag that asked for it (review-63b L1)")
    func unsupportedFormatNamesTheFlag() throws {
        let result = try CLI.run(["padding", Fixtures.path("toy-bert/model.safetensors"), "--format", "csv"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("Error: --format csv: this command writes text, json, html, not csv"), "\(result.stderr)")
    }

    @Test("rows: any --rows of a tensor with no rows is a usage error (an empty listing is taken for a mistake)")
    func rowsOfEmptyTensor() throws {
        let file = try Fixtures.temporaryFile(SafetensorsWriter(entries: [.init(name: "e", dtype: .f32, shape: [0, 3], bytes: [])]).serialize())
        for range in ["0", "0..1", "..5"] {
            let result = try CLI.run(["rows", file, "--tensor", "e", "--rows", range])
            #expect(result.status == 64, "\(range): \(result.stdout)")
            #expect(result.stderr.contains("has 0 rows"), "\(result.stderr)")
        }
        #expect(try CLI.run(["rows", file, "--tensor", "e"]).status == 0, "without --rows the empty tensor is listed")
    }

    @Test("rows: a bad --rows is a usage error that says what is wrong with it",
          arguments: [("-1..2", "a negative row (-1) is not supported"), ("-3", "a negative row (-3) is not supported"),
                      ("5..2", "the range ends (2) before it starts (5)"), ("1...3", "expected A..B, A.., ..B or a single row N"),
                      ("1..1", "the range is empty"), ("..0", "the range is empty"),
                      ("99999999999999999999", "row 99999999999999999999 is larger than any tensor can have")])
    func rowsRangeMessages(range: String, message: String) throws {
        // Given as two arguments: `--rows -1..2` used to be read as a flag and reported as a missing value.
        let result = try CLI.run(["rows", Fixtures.path("toy-bert/model.safetensors"), "--tensor", "cls.predictions.bias",
                                  "--rows", range])
        #expect(result.status == 64)
        #expect(result.stderr.contains("'\(range)'") && result.stderr.contains(message), "\(result.stderr)")
    }

    @Test("padding --json: the seed story, pad row non-zero and explained by the tied decoder")
    func padding() throws {
        let report = try json(["padding", Fixtures.path("toy-bert/model.safetensors"), "--json"])
        let embeddings = try #require(report["embeddings"] as? [[String: Any]])
        let word = try #require(embeddings.first { $0["tensor"] as? String == "bert.embeddings.word_embeddings.weight" })
        let expected = try #require((try Fixtures.json("expected/toy-bert.json") as? [String: Any])?["word_embeddings"] as? [String: Any])
        #expect(word["is_zero"] as? Bool == false)
        #expect(word["rank"] as? Int == (expected["pad_rank"] as? NSNumber)?.intValue)
        #expect(report["schema_version"] as? Int == 2)
        #expect(word["pad_id_source"] as? String == "config")
        #expect(word["pad_id_file"] as? String == Fixtures.path("toy-bert/config.json"))
        #expect(word["pad_token"] is NSNull, "toy-bert has no tokenizer")
        #expect(word["row_index"] as? Int == 0)
        let tying = try #require(word["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == true)
        #expect(tying["evidence"] as? String == "identical-bytes")
        #expect(word["config_tied"] == nil)
        #expect(closeEnough((word["row_norm"] as? NSNumber)?.doubleValue ?? 0, (expected["pad_row_norm"] as? NSNumber)?.doubleValue ?? 1))
        #expect(closeEnough((word["norm_std"] as? NSNumber)?.doubleValue ?? 0, (expected["norm_std"] as? NSNumber)?.doubleValue ?? 1))
        #expect(word["tied_with"] as? [String] == ["cls.predictions.decoder.weight"])
        #expect((word["explanation"] as? String)?.contains("tied") == true)
        let none = try json(["padding", Fixtures.path("analysis/gpt2-toy/model.safetensors"), "--json"])
        #expect((none["embeddings"] as? [Any])?.isEmpty == true)
        #expect((none["notes"] as? [String])?.first?.contains("null") == true)
        let chosen = try json(["padding", Fixtures.path("analysis/gpt2-toy/model.safetensors"), "--pad-id", "3", "--json"])
        #expect(((chosen["embeddings"] as? [[String: Any]])?.first?["pad_id_source"] as? String) == "flag")
    }

    @Test("ties --json: groups, kinds, aliases and wasted bytes")
    func ties() throws {
        let report = try json(["ties", Fixtures.path("analysis/ties.safetensors"), "--json"])
        let expected = try #require(try Fixtures.json("expected/analysis-ties.json") as? [String: Any])
        let groups = try #require(report["groups"] as? [[String: Any]])
        #expect(groups.map { $0["tensors"] as? [String] ?? [] }
            == (expected["groups"] as? [[String: Any]] ?? []).map { $0["tensors"] as? [String] ?? [] })
        #expect(groups.first { ($0["tensors"] as? [String])?.contains("lm_head.weight") == true }?["kind"] as? String == "tied-weights")
        #expect((report["wasted_bytes"] as? NSNumber) == (expected["wasted_bytes"] as? NSNumber))
        #expect(report["aliases"] as? [String: String] == expected["aliases"] as? [String: String])
        #expect((report["same_bytes"] as? [[String: Any]])?.first?["tensors"] as? [String] == ["extra.a", "extra.b", "extra.c"])
        let text = try CLI.run(["ties", Fixtures.path("toy-bert/model.safetensors")])
        #expect(text.status == 0)
        #expect(text.stdout.contains("tied-weights"))
    }

    /// Found by a JSON consumer's review (2026-12-05): `row_length` of an empty tensor whose
    /// later dimensions multiply past 2^63 − 1 was written as 9223372036854775807. The true
    /// value (2^64 − 1 here, by hand) fits no Int; no row exists, so the report says null.
    @Test("rows of an empty tensor with an overflowing row length: row_length null in JSON, empty in CSV")
    func overflowingRowLength() throws {
        let entry = SafetensorsWriter.Entry(name: "x", dtype: .f32, shape: [0, UInt64.max], bytes: [])
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("big.safetensors")
        try Data(SafetensorsWriter(entries: [entry]).serialize()).write(to: path)
        let report = try json(["rows", path.path, "--json"])
        let summary = try #require((report["tensors"] as? [[String: Any]])?.first)
        #expect(summary["tensor"] as? String == "x")
        #expect(summary["row_length"] is NSNull)
        let csv = try CLI.run(["rows", path.path, "--csv"])
        #expect(csv.status == 0)
        #expect(csv.stdout.split(separator: "\n").dropFirst().first?.hasPrefix("x,F32,0,,") == true, "\(csv.stdout)")
    }
}
