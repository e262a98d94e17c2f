import Foundation
import SafetensorsFormat
import Testing
import TestSupport

/// `audit --format sarif` against the official SARIF 2.1.0 schema (OASIS errata01, committed
/// as `schemas/sarif-schema-2.1.0.json`), and the locations it gives: the shard that holds each
/// tensor and the tensor's bytes in it.
@Suite struct SARIFReportTests {
    static let schema = Fixtures.root.deletingLastPathComponent().appendingPathComponent("schemas/sarif-schema-2.1.0.json")

    static func sarif(_ arguments: [String]) throws -> (CLIResult, [String: Any]) {
        let result = try CLI.run(["audit"] + arguments + ["--format", "sarif"])
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (result, log)
    }

    /// `[start, end)` of `name`'s bytes in the safetensors file at `path`, read from the format
    /// itself: an 8-byte little-endian header length N, the JSON header, data from 8 + N.
    static func byteRange(of name: String, in path: String) throws -> (Int, Int) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try #require(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any])
        let offsets = try #require((header[name] as? [String: Any])?["data_offsets"] as? [Int])
        return (8 + length + offsets[0], 8 + length + offsets[1])
    }

    @Test("every fixture's SARIF log is valid against the official schema", arguments: [
        "edge/odd-names.safetensors", "toy-bert-sharded", "toy-bert/model.safetensors", "analysis/stats.safetensors",
    ])
    func validAgainstSchema(_ fixture: String) throws {
        let (result, log) = try Self.sarif([Fixtures.path(fixture)])
        #expect(result.status == 0 || result.status == 1)
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: log) == [])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] == nil, "no placeholder address")
        let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
        #expect(invocation["executionSuccessful"] as? Bool == true)
        #expect(invocation["exitCode"] as? Int == Int(result.status))
        #expect((invocation["arguments"] as? [String])?.first == "audit")
    }

    @Test("a tensor in a sharded checkpoint is located in its shard, by its byte range there")
    func shardLocations() throws {
        let folder = Fixtures.path("toy-bert-sharded")
        let (_, log) = try Self.sarif([folder])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        let tie = try #require(results.first { $0["ruleId"] as? String == "tied-weights-duplicated" })
        let locations = try #require(tie["locations"] as? [[String: Any]])
        let expectedShards = [
            "bert.embeddings.word_embeddings.weight": "model-00001-of-00003.safetensors",
            "cls.predictions.decoder.weight": "model-00003-of-00003.safetensors",
        ]
        #expect(locations.count == expectedShards.count)
        for location in locations {
            let name = try #require((location["logicalLocations"] as? [[String: Any]])?.first?["name"] as? String)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            let artifact = try #require(physical["artifactLocation"] as? [String: Any])
            let shard = try #require(expectedShards[name])
            let path = folder + "/" + shard
            let uri = path.hasPrefix("/") ? "file://" + path : path
            #expect(artifact["uri"] as? String == uri)
            let index = try #require(artifact["index"] as? Int)
            #expect((artifacts[index]["location"] as? [String: Any])?["uri"] as? String == uri)
            let region = try #require(physical["region"] as? [String: Any])
            let (start, end) = try Self.byteRange(of: name, in: path)
            #expect(region["byteOffset"] as? Int == start)
            #expect(region["byteLength"] as? Int == end - start)
        }
    }

    /// A name two shards hold is one tensor: the copy transformers loads, in the shard whose name
    /// sorts last (hunt-52a D9, `TestData/sharded-duplicate`). Its `tensor-in-two-shards` result is
    /// located there; the other copy is no tensor of the audit (it was, and a `duplicate-tensors`
    /// finding named `b` twice).
    @Test("a name two shards hold: the tensor-in-two-shards result is located at the copy transformers loads")
    func copiesOfOneName() throws {
        let folder = Fixtures.path("sources/duplicate-tensor")
        let (_, log) = try Self.sarif([folder])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.contains { $0["ruleId"] as? String == "duplicate-tensors" })
        let issue = try #require(results.first { $0["ruleId"] as? String == "tensor-in-two-shards" })
        let locations = try #require(issue["locations"] as? [[String: Any]])
        #expect(locations.count == 1)
        let shard = "model-00002-of-00002.safetensors"
        let physical = try #require(locations.first?["physicalLocation"] as? [String: Any])
        let path = folder + "/" + shard
        let uri = path.hasPrefix("/") ? "file://" + path : path
        #expect((physical["artifactLocation"] as? [String: Any])?["uri"] as? String == uri)
        let region = try #require(physical["region"] as? [String: Any])
        let (start, end) = try Self.byteRange(of: "b", in: path)
        #expect(region["byteOffset"] as? Int == start)
        #expect(region["byteLength"] as? Int == end - start)
    }

    @Test("a tensor of a torch.save zip is located at its storage's bytes inside the zip")
    func torchRegion() throws {
        let (_, log) = try Self.sarif([Fixtures.path("pytorch/bare-tensor.pt")])
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: log) == [])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let result = try #require((run["results"] as? [[String: Any]])?.first)
        let location = try #require((result["locations"] as? [[String: Any]])?.first)
        let region = try #require((location["physicalLocation"] as? [String: Any])?["region"] as? [String: Any])
        // Python's zipfile: entry bare-tensor/data/0 has header_offset + 30 + name + extra = 704,
        // file_size 12 (three float32 values).
        #expect(region["byteOffset"] as? Int == 704)
        #expect(region["byteLength"] as? Int == 12)
    }

    @Test("names holding SARIF syntax ({0}, w{{}}, [text](url)) read in the message as in the JSON report: braces doubled, brackets escaped")
    func messageSyntaxEscaped() throws {
        let names = ["{0}", "w{{}}", "[click me](https://evil.example/x)", "x[0](1)"]
        // One NaN per tensor: a `non-finite-values` finding naming each.
        let nan = Float.nan.bitPattern.littleEndian
        let bytes = withUnsafeBytes(of: nan, Array.init) + withUnsafeBytes(of: Float(1).bitPattern.littleEndian, Array.init)
        let file = SafetensorsWriter(entries: names.map { .init(name: $0, dtype: .f32, shape: [1, 2], bytes: bytes) })
        let path = try Fixtures.temporaryFile(file.serialize())
        let (_, log) = try Self.sarif([path])
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: log) == [])
        let json = try CLI.run(["audit", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let plain = Set(((report["findings"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String })
        let results = try #require(((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]))
        let texts = results.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
        #expect(!texts.isEmpty && texts.count == plain.count)
        for text in texts {
            // SARIF's own reading (§3.11.5, §3.11.6), written out independently: every brace
            // doubled and every bracket after a backslash, so nothing forms a placeholder or a link.
            var rest = Substring(text), unescaped = ""
            while let c = rest.first {
                rest = rest.dropFirst()
                if c == "{" || c == "}" {
                    #expect(rest.first == c, "lone brace in \(text)")
                    rest = rest.dropFirst()
                    unescaped.append(c)
                } else if c == "[" || c == "]" {
                    Issue.record("unescaped bracket in \(text)")
                } else if c == "\\", let next = rest.first, next == "[" || next == "]" {
                    rest = rest.dropFirst()
                    unescaped.append(next)
                } else {
                    unescaped.append(c)
                }
            }
            #expect(plain.contains(unescaped), "\(unescaped) not among \(plain)")
        }
    }

    @Test("a path with a space, '#' and '%' is percent-encoded into a valid URI reference")
    func encodedURI() throws {
        let dir = try Fixtures.temporaryDirectory()
        let odd = dir.appendingPathComponent("a b#1%.safetensors")
        try Fixtures.data("edge/odd-names.safetensors").write(to: odd)
        let (_, log) = try Self.sarif([odd.path])
        #expect(try JSONSchemaCheck(schemaFile: Self.schema).violations(of: log) == [])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let uri = try #require(((run["artifacts"] as? [[String: Any]])?.first?["location"] as? [String: Any])?["uri"] as? String)
        #expect(uri.hasSuffix("/a%20b%231%25.safetensors"))
        #expect(URL(string: uri)?.path == odd.path)
    }

    @Test("the schema check fails on logs the official schema rejects")
    func checkerCanFail() throws {
        let (_, log) = try Self.sarif([Fixtures.path("edge/odd-names.safetensors")])
        let check = try JSONSchemaCheck(schemaFile: Self.schema)
        var noVersion = log
        noVersion["version"] = nil
        #expect(!check.violations(of: noVersion).isEmpty)
        var runs = try #require(log["runs"] as? [[String: Any]])
        runs[0]["results"] = [["message": ["text": "x"], "level": "fatal"]]
        var badLevel = log
        badLevel["runs"] = runs
        #expect(check.violations(of: badLevel).contains { $0.contains("not in enum") })
        runs[0]["results"] = nil
        runs[0]["artifacts"] = [["location": ["uri": "a b.safetensors"]]]
        var badURI = log
        badURI["runs"] = runs
        #expect(check.violations(of: badURI).contains { $0.contains("uri-reference") })
        runs[0]["artifacts"] = nil
        runs[0]["invocations"] = [["exitCode": 0]]
        var noSuccessFlag = log
        noSuccessFlag["runs"] = runs
        #expect(check.violations(of: noSuccessFlag).contains { $0.contains("executionSuccessful") })
    }
}
