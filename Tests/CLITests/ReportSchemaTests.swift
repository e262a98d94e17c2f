import Foundation
import Testing
import TestSupport

/// The JSON reports of `inspect`, `padding`, `ties`, `rows` (and its NDJSON lines) and `tokens`
/// against their committed JSON Schemas (`schemas/*-report.schema.json`; review-63b M3: they
/// were specified only in README prose), as `DiffSchemaTests` checks `diff`'s: per command a few
/// inputs chosen to reach the schema's branches, and a `seen` set proving they were reached;
/// then what each schema rejects. The whole of TestData and 46 real model folders were checked
/// once with Python's `jsonschema` (README "JSON reports"); these inputs keep the schemas honest
/// in CI.
@Suite struct ReportSchemaTests {
    static func schema(_ command: String) -> URL {
        Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/\(command)-report.schema.json")
    }

    /// The parsed report of `arguments` (exit 0) and its text.
    static func report(_ arguments: [String]) throws -> (text: String, json: [String: Any]) {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(arguments)")
        return (result.stdout, json)
    }

    static func objects(_ value: Any?) -> [[String: Any]] { value as? [[String: Any]] ?? [] }

    @Test("inspect: safetensors, sharded, zstd, torch (values, a strided view), split GGUF (typed metadata), source issues")
    func inspect() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema("inspect"))
        let inputs = ["toy-bert/model.safetensors", "toy-bert-sharded", "sources/missing-shard", "sources/zstd/model.safetensors.zst",
                      "pytorch-strided/strided.pt", "pytorch-values/values.pt", "gguf-split/tied/llama-00001-of-00003.gguf"]
        var seen: Set<String> = []
        for input in inputs {
            let (text, report) = try Self.report(["inspect", Fixtures.path(input), "--json"])
            #expect(check.violations(of: report) == [], "\(input)")
            for file in Self.objects(report["files"]) { seen.insert("format \(file["format"] as? String ?? "?")") }
            seen.insert("source \((report["source"] as? [String: Any])?["kind"] as? String ?? "?")")
            if !Self.objects(report["source_issues"]).isEmpty { seen.insert("source issues") }
            if Self.objects(report["tensors"]).contains(where: { $0["stride"] != nil }) { seen.insert("stride") }
            if text.contains("\"type\": \"bytes\"") { seen.insert("torch bytes") }
            if text.contains("\"element_type\"") { seen.insert("gguf array") }
        }
        #expect(seen == ["format safetensors", "format pytorch", "format gguf", "source file", "source sharded", "source zstd",
                         "source gguf-split", "source issues", "stride", "torch bytes", "gguf array"])
    }

    @Test("padding: tied by bytes, --pad-id, a tokenizer's pad, a static model, known-unused rows, an all-NaN pad row, a GGUF tokenizer")
    func padding() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema("padding"))
        let runs = [["toy-bert/model.safetensors"], ["toy-bert/model.safetensors", "--pad-id", "3"], ["knowledge/families/model2vec-int8"],
                    ["knowledge/nonfinite/nan"], ["knowledge/nonfinite/allnan"], ["gguf-tokens/bos-eos.gguf"]]
        var seen: Set<String> = []
        for run in runs {
            let (_, report) = try Self.report(["padding", Fixtures.path(run[0])] + run.dropFirst() + ["--json"])
            #expect(check.violations(of: report) == [], "\(run)")
            for embedding in Self.objects(report["embeddings"]) {
                seen.insert("source \(embedding["pad_id_source"] as? String ?? "?")")
                if embedding["static_layout"] is [String: Any] { seen.insert("static") }
                if embedding["unused_rows"] is [String: Any] { seen.insert("unused rows") }
                if embedding["row_norm"] as? String == "NaN", embedding["rank"] is NSNull { seen.insert("NaN row") }
            }
        }
        #expect(seen == ["source config", "source flag", "source tokenizer", "static", "unused rows", "NaN row"])
    }

    @Test("ties: every group kind of the ties fixture, same bytes, aliases, shared storage, ties by convention and by config")
    func ties() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema("ties"))
        let inputs = ["analysis/ties.safetensors", "pytorch-views/copy-beside-views.pt", "gguf-split/tied/llama-00001-of-00003.gguf",
                      "knowledge/unstored-ties/t5-stated-false"]
        var seen: Set<String> = []
        for input in inputs {
            let (_, report) = try Self.report(["ties", Fixtures.path(input), "--json"])
            #expect(check.violations(of: report) == [], "\(input)")
            for group in Self.objects(report["groups"]) { seen.insert(group["kind"] as? String ?? "?") }
            for key in ["same_bytes", "shared_storage", "tied_by_convention", "tied_by_config", "findings"] where !Self.objects(report[key]).isEmpty {
                seen.insert(key)
            }
            if (report["aliases"] as? [String: Any])?.isEmpty == false { seen.insert("aliases") }
        }
        #expect(seen == ["constant", "empty", "identical-layers", "repeated-buffer", "tied-weights", "duplicate", "same_bytes",
                         "shared_storage", "tied_by_convention", "tied_by_config", "findings", "aliases"])
    }

    @Test("rows: one tensor (non-finite numbers, token rows), every tensor (skipped, token summaries), no statistics; NDJSON lines of each")
    func rows() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema("rows"))
        let line = try JSONSchemaCheck(schemaFile: Self.schema("rows"), definition: "ndjson_line")
        let stats = Fixtures.path("analysis/stats.safetensors"), nan = Fixtures.path("knowledge/nonfinite/nan")
        let runs = [[stats, "--tensor", "rows_f32"], [nan, "--tensor", "model.embed_tokens.weight", "--rows", "8..12"],
                    [stats, "--tensor", "complex"], [stats], [nan]]
        var seen: Set<String> = []
        for run in runs {
            let (text, report) = try Self.report(["rows"] + run + ["--json"])
            #expect(check.violations(of: report) == [], "\(run)")
            seen.insert(report["note"] != nil ? "note" : report["tensors"] != nil ? "every tensor" : "one tensor")
            if text.contains("\"NaN\"") && text.contains("\"Infinity\"") { seen.insert("non-finite") }
            if Self.objects(report["rows"]).contains(where: { $0["token"] is String }) { seen.insert("token rows") }
            if Self.objects(report["tensors"]).contains(where: { $0["zero_row_tokens"] != nil }) { seen.insert("token summary") }
            if !Self.objects(report["skipped"]).isEmpty { seen.insert("skipped") }

            let result = try CLI.run(["rows"] + run + ["--ndjson"])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n")
            #expect(!lines.isEmpty, "\(run)")
            for text in lines {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(run)")
                #expect(line.violations(of: object) == [], "\(run): \(text.prefix(120))")
                seen.insert(object["note"] != nil ? "note line" : object["l2_norm"] != nil ? "row line" : "summary line")
            }
        }
        #expect(seen == ["one tensor", "every tensor", "note", "non-finite", "token rows", "token summary", "skipped",
                         "row line", "summary line", "note line"])
    }

    @Test("tokens: no tokenizer, vocab.txt (candidates, and none with a null threshold), a GGUF vocabulary (identical rows, findings)")
    func tokens() throws {
        let check = try JSONSchemaCheck(schemaFile: Self.schema("tokens"))
        let inputs = ["toy-bert/model.safetensors", "knowledge/nonfinite/nan", "knowledge/nonfinite/zero", "gguf-tokens/pad-beyond.gguf",
                      "gguf-tokens/bos-eos.gguf"]
        var seen: Set<String> = []
        for input in inputs {
            let (_, report) = try Self.report(["tokens", Fixtures.path(input), "--json"])
            #expect(check.violations(of: report) == [], "\(input)")
            if let tokenizer = report["tokenizer"] as? [String: Any] { seen.insert("kind \(tokenizer["kind"] as? String ?? "?")") } else { seen.insert("no tokenizer") }
            for matrix in Self.objects(report["embeddings"]) {
                if !Self.objects(matrix["candidates"]).isEmpty { seen.insert("candidates") }
                if matrix["indicator"] is String, matrix["threshold"] is NSNull { seen.insert("null threshold") }
                if (matrix["identical_row_groups"] as? [Any])?.isEmpty == false { seen.insert("identical rows") }
            }
            if !Self.objects(report["findings"]).isEmpty { seen.insert("findings") }
        }
        #expect(seen == ["no tokenizer", "kind vocab.txt", "kind BPE", "candidates", "null threshold", "identical rows", "findings"])
    }

    @Test("an input that cannot be read writes no report: exit 2, nothing on stdout, so the schemas hold no error form")
    func unreadable() throws {
        for command in ["inspect", "padding", "ties", "rows", "tokens"] {
            let result = try CLI.run([command, Fixtures.path("bad/invalid-offset--overlap.safetensors"), "--json"])
            #expect(result.status == 2, "\(command)")
            #expect(result.stdout.isEmpty, "\(command)")
        }
    }

    /// `report` with `change` applied at `path` (object keys), for the rejects test.
    static func changed(_ report: [String: Any], at path: [String], _ change: (inout [String: Any]) -> Void) -> [String: Any] {
        var copy = report
        guard let first = path.first else {
            change(&copy)
            return copy
        }
        if let inner = copy[first] as? [String: Any] {
            copy[first] = changed(inner, at: Array(path.dropFirst()), change)
        } else if var list = copy[first] as? [[String: Any]], let head = list.first {
            list[0] = changed(head, at: Array(path.dropFirst()), change)
            copy[first] = list
        }
        return copy
    }

    @Test("each schema rejects an unknown key, a missing required key and a value outside its enum; an NDJSON line with schema_version")
    func rejects() throws {
        let stats = Fixtures.path("analysis/stats.safetensors")
        // (command, arguments, a required key inside the report, an enum-valued key and a wrong value)
        let cases: [(String, [String], [String], [String], String)] = [
            ("inspect", [Fixtures.path("toy-bert/model.safetensors")], ["totals", "parameters"], ["tensors", "dtype"], "F31"),
            ("padding", [Fixtures.path("toy-bert/model.safetensors")], ["embeddings", "is_zero_bits"], ["embeddings", "tying", "evidence"], "hunch"),
            ("ties", [Fixtures.path("toy-bert/model.safetensors")], ["groups", "wasted_bytes"], ["groups", "kind"], "copy"),
            ("rows", [stats, "--tensor", "rows_f32"], ["summary", "redundant_rows"], ["findings", "severity"], "fatal"),
            ("tokens", [Fixtures.path("knowledge/nonfinite/nan")], ["tokenizer", "vocab_size"], ["embeddings", "indicator"], "gut-feeling"),
        ]
        for (command, arguments, required, enumerated, wrong) in cases {
            let check = try JSONSchemaCheck(schemaFile: Self.schema(command))
            let (_, report) = try Self.report([command] + arguments + ["--json"])
            #expect(check.violations(of: report) == [], "\(command)")
            let extra = Self.changed(report, at: []) { $0["surprise"] = 1 }
            #expect(!check.violations(of: extra).isEmpty, "\(command): unknown key")
            let missing = Self.changed(report, at: Array(required.dropLast())) { $0[required[required.count - 1]] = nil }
            #expect(!check.violations(of: missing).isEmpty, "\(command): \(required) missing")
            let outside = Self.changed(report, at: Array(enumerated.dropLast())) { $0[enumerated[enumerated.count - 1]] = wrong }
            #expect(!check.violations(of: outside).isEmpty, "\(command): \(enumerated) = \(wrong)")
        }
        // The keywords JSONSchemaCheck learned for these schemas: propertyNames (by_dtype's keys
        // are dtypes) and maxItems (data_offsets is a pair).
        let inspect = try JSONSchemaCheck(schemaFile: Self.schema("inspect"))
        let (_, toy) = try Self.report(["inspect", Fixtures.path("toy-bert/model.safetensors"), "--json"])
        #expect(!inspect.violations(of: Self.changed(toy, at: ["totals", "by_dtype"]) { $0["F31"] = $0["F32"] }).isEmpty)
        #expect(!inspect.violations(of: Self.changed(toy, at: ["tensors"]) { $0["data_offsets"] = [0, 1024, 2048] }).isEmpty)
        let line = try JSONSchemaCheck(schemaFile: Self.schema("rows"), definition: "ndjson_line")
        let first = try #require(try CLI.run(["rows", stats, "--tensor", "rows_f32", "--ndjson"]).stdout.split(separator: "\n").first)
        var row = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(line.violations(of: row) == [])
        row["schema_version"] = 1
        #expect(!line.violations(of: row).isEmpty)
    }

    /// The dtype names a schema allows, from its `$defs/dtype`.
    static func dtypeNames(_ command: String) throws -> [String] {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.schema(command))) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: Any], "\(command)")
        let dtype = try #require(definitions["dtype"] as? [String: Any], "\(command): no $defs/dtype")
        return try #require(dtype["enum"] as? [String], "\(command)")
    }

    @Test("every schema naming dtypes allows the same ones: every ggml type gguf-py knows and every safetensors dtype of the fixtures; diff's dtype_a and dtype_b among them")
    func dtypeNamesAgree() throws {
        let inspect = try Self.dtypeNames("inspect")
        #expect(Set(inspect).count == inspect.count)
        for command in ["rows", "ties", "diff"] {
            #expect(Set(try Self.dtypeNames(command)) == Set(inspect), "\(command)")
        }
        // gguf-py's GGMLQuantizationType names, written by TestData/gguf/generate.py.
        let gguf = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("gguf/expected.json")))) as? [String: Any])
        let ggml = try #require(gguf["ggml_types"] as? [String: Any])
        #expect(!ggml.isEmpty)
        #expect(Set(ggml.keys).subtracting(inspect).isEmpty, "ggml types missing: \(Set(ggml.keys).subtracting(inspect).sorted())")
        // The safetensors dtypes TestData/generate.py wrote, one tensor of each.
        let dtypes = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("expected/dtypes.json")))) as? [String: Any])
        let written = Set(Self.objects(dtypes["tensors"]).compactMap { $0["dtype"] as? String })
        #expect(written.count >= 10)
        #expect(written.subtracting(inspect).isEmpty, "safetensors dtypes missing: \(written.subtracting(inspect).sorted())")
        // diff: a tensor's dtype_a outside the list is a violation.
        let check = try JSONSchemaCheck(schemaFile: Self.schema("diff"))
        let (_, report) = try Self.report(["diff", Fixtures.path("diff/source-f32.safetensors"), Fixtures.path("diff/export-bf16.safetensors"), "--json"])
        #expect(check.violations(of: report) == [])
        #expect(!Self.objects(report["tensors"]).isEmpty)
        #expect(!check.violations(of: Self.changed(report, at: ["tensors"]) { $0["dtype_a"] = "F31" }).isEmpty)
    }
}
