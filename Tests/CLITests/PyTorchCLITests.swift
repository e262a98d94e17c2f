import Foundation
import Testing
import TestSupport

/// Every command on torch checkpoints written by `torch.save` (TestData/pytorch-cli, expected
/// values from torch itself) and on hostile ones (TestData/pytorch).
@Suite struct PyTorchCLITests {
    static let tied = Fixtures.path("pytorch-cli/tied-bert")

    static func object(_ result: CLIResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func expected(_ key: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("pytorch-cli/expected.json") as? [String: Any])
        return try #require(all[key] as? [String: Any])
    }

    @Test("inspect lists torch's names, dtypes (safetensors spelling) and shapes; the file's format is pytorch")
    func inspect() throws {
        let result = try CLI.run(["inspect", Self.tied, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.object(result)
        let files = try #require(report["files"] as? [[String: Any]])
        #expect(files.map { $0["format"] as? String } == ["pytorch"])
        let expected = try #require(try Self.expected("tied-bert")["tensors"] as? [String: [String: Any]])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(Set(tensors.compactMap { $0["name"] as? String }) == Set(expected.keys))
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String)
            #expect(tensor["dtype"] as? String == expected[name]?["dtype"] as? String, "\(name)")
            #expect((tensor["shape"] as? [Int]) == (expected[name]?["shape"] as? [Int]), "\(name)")
        }
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["parameters"] as? Int == (try Self.expected("tied-bert")["parameters"] as? Int))
    }

    @Test("ties reports a shared storage as its own group, never as wasted bytes")
    func sharedStorage() throws {
        let result = try CLI.run(["ties", Self.tied, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.object(result)
        let shared = try #require(report["shared_storage"] as? [[String: Any]])
        let expected = try #require(try Self.expected("tied-bert")["shared_storage"] as? [[String]])
        #expect(shared.compactMap { $0["tensors"] as? [String] } == expected)
        let groups = try #require(report["groups"] as? [[String: Any]])
        for pair in expected {
            #expect(!groups.contains { ($0["tensors"] as? [String] ?? []).contains(pair[0]) }, "a shared storage is not a copy")
        }
        // The same weights cloned into two shards are a real copy.
        let sharded = try Self.object(try CLI.run(["ties", Fixtures.path("pytorch-cli/sharded"), "--json"]))
        let kinds = (sharded["groups"] as? [[String: Any]] ?? []).filter { ($0["tensors"] as? [String]) == expected[0] }
        #expect(kinds.map { $0["kind"] as? String } == ["tied-weights"])
    }

    @Test("padding reads the pad row of a torch embedding (norm and rank from torch); one shared storage is tied by its bytes")
    func padding() throws {
        let result = try CLI.run(["padding", Self.tied, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let embeddings = try #require(try Self.object(result)["embeddings"] as? [[String: Any]])
        let embedding = try #require(embeddings.first { $0["role"] as? String == "embedding" })
        let expected = try Self.expected("tied-bert")
        let norm = try #require(embedding["row_norm"] as? Double)
        let reference = try #require(expected["pad_row_norm"] as? Double)
        #expect(abs(norm - reference) <= 1e-9 * reference)
        #expect(embedding["rank"] as? Int == expected["pad_row_rank"] as? Int)
        let tying = try #require(embedding["tying"] as? [String: Any])
        #expect(tying["tied"] as? Bool == true && tying["evidence"] as? String == "identical-bytes")
    }

    @Test("rows and audit work on a torch file and on torch shards with their index")
    func rowsAndAudit() throws {
        #expect(try CLI.run(["rows", Self.tied, "--json"]).status == 0)
        let audit = try CLI.run(["audit", Self.tied, "--format", "json"])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        let sharded = try CLI.run(["inspect", Fixtures.path("pytorch-cli/sharded"), "--json"])
        #expect(sharded.status == 0, "\(sharded.stderr)")
        let report = try Self.object(sharded)
        let expected = try Self.expected("sharded")
        #expect((report["source"] as? [String: Any])?["kind"] as? String == "sharded")
        #expect((report["source_issues"] as? [Any])?.isEmpty == true, "total_size matches torch's storage bytes")
        #expect((report["tensors"] as? [Any])?.count == expected["tensors"] as? Int)
        #expect(try CLI.run(["audit", Fixtures.path("pytorch-cli/sharded")]).status == 0)
    }

    /// `diff a b --json` of the tied torch file and its convert-bot safetensors, either way
    /// round: exit 0, the dropped tied copy listed under `dropped` (the other list empty), and
    /// `onlyIn` empty.
    static func convertedDiff(_ a: String, _ b: String, dropped: String, other: String, onlyIn: String) throws {
        let result = try CLI.run(["diff", a, b, "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        let report = try Self.object(result)
        let names = try #require(report[dropped] as? [String: String])
        #expect(Array(names.keys).sorted() == (try Self.expected("tied-bert-converted")["dropped"] as? [String]))
        #expect((report[onlyIn] as? [String])?.isEmpty == true)
        #expect((report[other] as? [String: String])?.isEmpty == true)
    }

    static let converted = Fixtures.path("pytorch-cli/tied-bert-converted/model.safetensors")

    @Test("diff of a .bin and its convert-bot safetensors is faithful; the dropped tied copy is named")
    func conversion() throws {
        try Self.convertedDiff(Self.tied + "/pytorch_model.bin", Self.converted,
                               dropped: "dropped_shared_storage", other: "dropped_shared_storage_by_a", onlyIn: "only_in_a")
    }

    @Test("the same diff given the other way round: the tied copy B keeps and A omits is named, not a failure")
    func conversionReversed() throws {
        try Self.convertedDiff(Self.converted, Self.tied + "/pytorch_model.bin",
                               dropped: "dropped_shared_storage_by_a", other: "dropped_shared_storage", onlyIn: "only_in_b")
        let text = try CLI.run(["diff", Self.converted, Self.tied + "/pytorch_model.bin"])
        #expect(text.stdout.contains("omitted by A: "), "\(text.stdout)")
    }

    /// `unsafe-in-size.pt` and `unsafe-storage-class.pt` put the payload where reading the
    /// tensor then fails (os.system called for its size, os.system as its storage class): the
    /// global comes first, not the failure (`invalid-tensor`, `unsupported-dtype` before).
    @Test("a pickle naming an unsafe global: audit exits 1 with pickle-unsafe-global, every other command exits 2",
          arguments: ["unsafe-os-system.pt", "unsafe-eval-protocol4.pt", "unsafe-popen-protocol4.pt", "unsafe-legacy.pt",
                      "unsafe-in-size.pt", "unsafe-storage-class.pt", "unsafe-trailing.pt"])
    func unsafeGlobals(file: String) throws {
        let hostile = try #require(try Fixtures.json("pytorch/expected.json") as? [String: Any])
        let facts = try #require((hostile["hostile"] as? [String: Any])?[file] as? [String: Any])
        // What Python's own unpickler (globals stubbed) saw, less what a torch state dict needs.
        let unsafe = (facts["globals"] as? [String] ?? []).filter { !$0.hasPrefix("torch.") && $0 != "collections.OrderedDict" }
        #expect(!unsafe.isEmpty)
        let path = Fixtures.path("pytorch/" + file)
        let audit = try CLI.run(["audit", path, "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let findings = try #require(try Self.object(audit)["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["pickle-unsafe-global"])
        #expect((findings.first?["evidence"] as? [String: Any])?["globals"] as? [String] == unsafe)
        for command in [["inspect"], ["rows"], ["ties"], ["padding"], ["diff", Self.tied]] {
            let other = try CLI.run(command + [path])
            #expect(other.status == 2, "\(command)")
            #expect(other.stderr.contains(unsafe[0]), "\(command): \(other.stderr)")
        }
    }

    @Test("an index whose first shard cannot be read and whose second names an unsafe global: pickle-unsafe-global, not the first failure")
    func unsafeLaterShard() throws {
        let facts = try #require(((try Fixtures.json("pytorch-cli/expected.json") as? [String: Any])?["sharded-unsafe"]) as? [String: Any])
        let global = try #require(facts["unsafe_global"] as? String)
        let path = Fixtures.path("pytorch-cli/sharded-unsafe")
        let audit = try CLI.run(["audit", path, "--format", "json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let findings = try #require(try Self.object(audit)["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["pickle-unsafe-global"], "\(findings)")
        #expect((findings.first?["evidence"] as? [String: Any])?["globals"] as? [String] == [global])
        // The first shard's failure stays in the evidence.
        let readError = (findings.first?["evidence"] as? [String: Any])?["read_error"] as? String ?? ""
        #expect(readError.contains("pytorch_model-00001-of-00002.bin") && readError.contains("more bytes follow"), "\(readError)")
        let inspect = try CLI.run(["inspect", path])
        #expect(inspect.status == 2 && inspect.stderr.contains(global), "\(inspect.stderr)")
        // A FIFO as the first shard (it cannot be opened as a file) does not hide the payload either.
        let folder = try Fixtures.temporaryDirectory()
        for name in ["pytorch_model.bin.index.json", "pytorch_model-00002-of-00002.bin"] {
            try FileManager.default.copyItem(atPath: path + "/" + name, toPath: folder.appendingPathComponent(name).path)
        }
        #expect(mkfifo(folder.appendingPathComponent("pytorch_model-00001-of-00002.bin").path, 0o644) == 0)
        let fifo = try CLI.run(["audit", folder.path, "--format", "json"], timeout: 20)
        let fifoRule = (try Self.object(fifo)["findings"] as? [[String: Any]])?.first?["rule"] as? String
        #expect(fifo.status == 1 && fifoRule == "pickle-unsafe-global", "\(fifo.stdout) \(fifo.stderr)")
    }

    @Test("two tensors under dict keys that are not text (bytes): refused saying the keys are not told apart, not 'both named' alone")
    func nonTextKeys() throws {
        let facts = try #require(((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])?["bytes-keys.pt"] as? [String: Any])
        #expect(facts["keys"] as? [String] == ["b'a'", "b'b'"])
        let path = Fixtures.path("pytorch/bytes-keys.pt")
        let result = try CLI.run(["inspect", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("keys are not text") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    @Test("dict keys 1 and True (one entry in torch.load, holding the later tensor): read as that one tensor under the first key, as torch.load returns it")
    func pythonEqualKeys() throws {
        let facts = try #require(((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])?["equal-keys.pt"] as? [String: Any])
        #expect(facts["keys"] as? [String] == ["1"], "torch.load keeps one key")
        let values = try #require((facts["values"] as? [[Double]])?.first)
        let path = Fixtures.path("pytorch/equal-keys.pt")
        let report = try CLI.json(["inspect", path, "--json"])
        let listed = try #require(report["tensors"] as? [[String: Any]])
        #expect(listed.compactMap { $0["name"] as? String } == ["x.1"])
        let rows = try CLI.json(["rows", path, "--tensor", "x.1", "--json"])
        let row = try #require((rows["rows"] as? [[String: Any]])?.first)
        #expect(row["min"] as? Double == values.min() && row["max"] as? Double == values.max(), "the later tensor's values: \(values)")
    }

    @Test("views of one stored buffer (T5's shared, both embed_tokens and a tied lm_head) give each row finding once, naming every view")
    func sharedViewsReportedOnce() throws {
        let expected = try #require(try Fixtures.json("pytorch-cli/shared-views.json") as? [String: Any])
        let sharing = try #require(expected["sharing_storage"] as? [String])
        let nanRows = try #require(expected["nan_rows"] as? [Int])
        let report = try CLI.json(["audit", Fixtures.path("pytorch-cli/shared-views"), "--format", "json"], status: 1)
        for rule in ["nan-values", "outlier-rows"] {
            let found = CLI.findings(report, rule: rule)
            #expect(found.count == 1, "\(rule): \(found)")
            #expect(Set(found.first?["tensors"] as? [String] ?? []) == Set(sharing), "\(rule)")
        }
        let nan = try #require(CLI.findings(report, rule: "nan-values").first)
        #expect((nan["evidence"] as? [String: Any])?["first_row"] as? Int == nanRows.first)
        #expect((nan["message"] as? String)?.hasPrefix("shared.weight (one stored buffer, also read as ") == true, "the input embedding speaks for the buffer")
        // The merged zero-row finding keeps its pad-row explanation (T5's pad id 0 is row 0).
        let zero = try #require(CLI.findings(report, rule: "all-zero-rows").first)
        let zeroRows = try #require(expected["zero_rows"] as? [Int])
        #expect((zero["evidence"] as? [String: Any])?["first_row"] as? Int == zeroRows.first)
        #expect((zero["evidence"] as? [String: Any])?["pad_id"] as? Int == 0)
        #expect((zero["message"] as? String)?.contains("row 0 is the pad id's row") == true, "\(zero)")
    }

    @Test("BART's shared buffer: the zero pad row is one finding naming lm_head.weight too, although only the input embedding's lookup has padding_idx")
    func sharedBartZeroRowOnce() throws {
        let expected = try #require(try Fixtures.json("pytorch-cli/shared-bart.json") as? [String: Any])
        let sharing = try #require(expected["sharing_storage"] as? [String])
        let zeroRows = try #require(expected["zero_rows"] as? [Int])
        let report = try CLI.json(["audit", Fixtures.path("pytorch-cli/shared-bart"), "--format", "json"])
        // lm_head.weight's finding lacked the embedding's `padding_idx` evidence and stood apart (review-63b M5).
        let zero = CLI.findings(report, rule: "all-zero-rows")
        #expect(zero.count == 1, "\(zero)")
        #expect(Set(zero.first?["tensors"] as? [String] ?? []) == Set(sharing))
        let evidence = zero.first?["evidence"] as? [String: Any]
        #expect(evidence?["first_row"] as? Int == zeroRows.first && evidence?["padding_idx"] as? Int == 1 && evidence?["pad_id"] as? Int == 1)
        #expect((zero.first?["message"] as? String)?.hasPrefix("model.shared.weight (one stored buffer, also read as ") == true)
    }

    @Test("a tied head sharing its storage with a matrix that is no token matrix keeps its own outlier-rows (and --fail-on fails on it)")
    func sharedHeadKeepsItsFindings() throws {
        let expected = try #require(try Fixtures.json("pytorch-cli/shared-head.json") as? [String: Any])
        #expect(expected["sharing_storage"] as? [String] == ["aaa.proj.weight", "lm_head.weight"])
        let row = try #require(expected["largest_norm_row"] as? Int)
        let folder = Fixtures.path("pytorch-cli/shared-head")
        let report = try CLI.json(["audit", folder, "--format", "json", "--fail-on", "outlier-rows"], status: 1)
        let outliers = CLI.findings(report, rule: "outlier-rows").filter { ($0["tensors"] as? [String])?.contains("lm_head.weight") == true }
        #expect(outliers.count == 1, "\(CLI.findings(report, rule: "outlier-rows"))")
        #expect((outliers.first?["evidence"] as? [String: Any])?["top_row"] as? Int == row)
    }

    @Test("views of one buffer whose findings differ only in words (a token matrix names its rows, a --tensor choice's partner does not) are one finding",
          arguments: [[], ["--tensor", "lm_head.weight"]])
    func sharedNamedViews(extra: [String]) throws {
        let expected = try #require(try Fixtures.json("pytorch-cli/shared-named.json") as? [String: Any])
        let sharing = try #require(expected["sharing_storage"] as? [String])
        let group = try #require((expected["equal_rows"] as? [[Int]])?.first)
        let report = try CLI.json(["audit", Fixtures.path("pytorch-cli/shared-named"), "--format", "json"] + extra)
        let duplicates = CLI.findings(report, rule: "duplicate-rows")
        #expect(duplicates.count == 1, "\(duplicates)")
        #expect(Set(duplicates.first?["tensors"] as? [String] ?? []) == Set(sharing))
        let named = group.map { "\($0) \"tok\($0)\"" }.joined(separator: ", ")
        #expect((duplicates.first?["message"] as? String)?.contains("largest group has \(group.count) rows (\(named))") == true, "\(duplicates)")
    }

    @Test("an empty .pt and a text file named .bin are called not PyTorch checkpoints, in torch's terms, not safetensors'")
    func namedLikeTorchButNot() throws {
        // llama.cpp's GGJT magic 'ggjt' as a little-endian UInt32 (its format before GGUF), and
        // zeros, which the safetensors reader reads as an empty header.
        for (bytes, name, what) in [([UInt8](), "empty.pt", "it is empty (0 bytes)"),
                                    (Array("hello world, not weights".utf8), "notes.bin", "it looks like text (24 bytes)"),
                                    // A zip of no entries (Python's zipfile writes only the 22-byte end record).
                                    ([0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18), "empty-zip.pt",
                                     "it looks like an empty zip archive (no entries; torch.load does not read it as a checkpoint) (22 bytes)"),
                                    (Array("tjgg".utf8) + [3, 0, 0, 0] + [UInt8](repeating: 7, count: 64), "old-llama.bin",
                                     "it looks like a GGML/GGJT file (llama.cpp's format before GGUF) (72 bytes)"),
                                    ([UInt8](repeating: 0, count: 400), "zeros.ckpt", "read as safetensors, invalid JSON header at byte 8: empty header (400 bytes)"),
                                    // CTranslate2's model.bin (faster-whisper): format version 6, then the spec's name
                                    // as a u16 length counting its NUL, the name and the NUL (its model_spec.py).
                                    ([6, 0, 0, 0, 12, 0] + Array("WhisperSpec".utf8) + [0] + [UInt8](repeating: 1, count: 32), "model.bin",
                                     "it looks like a CTranslate2 model (spec WhisperSpec; CTranslate2 and faster-whisper read it, torch does not) (50 bytes)")] {
            let path = try Fixtures.temporaryFile(bytes, name: name)
            let result = try CLI.run(["inspect", path])
            #expect(result.status == 2)
            let suffix = "." + (name.split(separator: ".").last.map(String.init) ?? "")
            #expect(result.stderr.contains("not a PyTorch checkpoint: a \(suffix) file is a zip archive or a pickle") && result.stderr.contains(what),
                    "\(result.stderr)")
            #expect(!result.stderr.contains("header length"), "\(result.stderr)")
        }
        // A safetensors file named .bin whose header parsed but whose data is cut short is a
        // damaged safetensors file: that reader's error, not "not a PyTorch checkpoint".
        let bytes = SafetensorsWriter(entries: [.init(name: "a", dtype: .f32, shape: [4], bytes: [UInt8](repeating: 0, count: 16))]).serialize()
        let cut = try Fixtures.temporaryFile(Array(bytes.dropLast(8)), name: "cut.bin")
        let result = try CLI.run(["inspect", cut])
        #expect(result.status == 2)
        #expect(result.stderr.contains("tensors need 16 data bytes but the file holds only 8") && !result.stderr.contains("not a PyTorch checkpoint"),
                "\(result.stderr)")
    }

    @Test("an empty file and a text file named .gguf are called not GGUF files (kind invalid-gguf), as torch names are")
    func namedLikeGGUFButNot() throws {
        for (bytes, what) in [([UInt8](), "it is empty (0 bytes)"), (Array("hello world, not weights".utf8), "it looks like text (24 bytes)")] {
            let path = try Fixtures.temporaryFile(bytes, name: "model.gguf")
            let result = try CLI.run(["inspect", path])
            #expect(result.status == 2)
            #expect(result.stderr.contains("not a GGUF file: a .gguf file starts with the bytes \"GGUF\"") && result.stderr.contains(what),
                    "\(result.stderr)")
            #expect(!result.stderr.contains("8-byte header length"), "\(result.stderr)")
            let report = try CLI.json(["audit", path, "--format", "json"], status: 2)
            #expect((report["error"] as? [String: Any])?["kind"] as? String == "invalid-gguf", "\(report)")
        }
    }

    @Test("a /proc file (regular, sized 0, made when read) is refused as a pseudo-file, not called empty, as a checkpoint and as a policy")
    func pseudoFile() throws {
        let result = try CLI.run(["inspect", "/proc/self/status"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("/proc/self/status: is a file of the kernel's proc file system (its size reads as 0 bytes"), "\(result.stderr)")
        #expect(!result.stderr.contains("0 bytes, too small"), "\(result.stderr)")
        let policy = try CLI.run(["audit", Fixtures.path("toy-bert/model.safetensors"), "--policy", "/proc/self/status"])
        #expect(policy.status == 2)
        #expect(policy.stderr.contains("proc file system") && !policy.stderr.contains("empty document"), "\(policy.stderr)")
    }

    @Test("nn.Parameter called directly on a tensor (weights_only accepts it) is that tensor, under its own name")
    func directParameter() throws {
        let hostile = try #require((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])
        let tensors = try #require((hostile["direct-parameter.pt"] as? [String: Any])?["tensors"] as? [String: [String: Any]])
        let path = Fixtures.path("pytorch/direct-parameter.pt")
        let report = try CLI.json(["inspect", path, "--json"])
        let listed = try #require(report["tensors"] as? [[String: Any]])
        #expect(listed.compactMap { $0["name"] as? String } == tensors.keys.sorted(), "torch.load's names, not p.0")
        for entry in listed {
            let name = try #require(entry["name"] as? String)
            let facts = try #require(tensors[name])
            #expect(entry["shape"] as? [Int] == facts["shape"] as? [Int], "\(name)")
            let values = try #require(facts["values"] as? [Double])
            let rows = try CLI.json(["rows", path, "--tensor", name, "--json"])
            let listedRows = try #require(rows["rows"] as? [[String: Any]])
            #expect(listedRows.compactMap { $0["min"] as? Double }.min() == values.min(), "\(name)")
            #expect(listedRows.compactMap { $0["max"] as? Double }.max() == values.max(), "\(name)")
        }
        // Parameter(Parameter(t)): torch.load returns t under its name.
        let nested = try #require((hostile["parameter-of-parameter.pt"] as? [String: Any])?["tensors"] as? [String: [String: Any]])
        let nestedReport = try CLI.json(["inspect", Fixtures.path("pytorch/parameter-of-parameter.pt")])
        let nestedListed = try #require(nestedReport["tensors"] as? [[String: Any]])
        #expect(nestedListed.compactMap { $0["name"] as? String } == nested.keys.sorted())
        #expect(nestedListed.first?["shape"] as? [Int] == nested["w"]?["shape"] as? [Int])
    }

    @Test("keys that differ but are written alike (1 and \"1\": two entries in torch.load) are refused as one name, and the message says so")
    func writtenAlikeKeys() throws {
        let hostile = try #require((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])
        #expect((hostile["written-alike-keys.pt"] as? [String: Any])?["keys"] as? [String] == ["1", "'1'"], "torch.load keeps both")
        let result = try CLI.run(["inspect", Fixtures.path("pytorch/written-alike-keys.pt")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("both named \"x.1\": two keys that differ but are written alike") && result.stderr.contains("keeps as two entries"),
                "\(result.stderr)")
    }

    @Test("a dict key set twice: torch.load returns the later value only, so an overwritten tensor is no tensor of the checkpoint")
    func overwrittenKeys() throws {
        let expected = try #require(((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any]))
        for file in ["overwritten-by-none.pt", "overwritten-by-tensor-dict.pt"] {
            let facts = try #require(expected[file] as? [String: Any], "\(file)")
            let names = try #require(facts["tensor_names"] as? [String])
            let report = try CLI.json(["inspect", Fixtures.path("pytorch/" + file), "--json"])
            let listed = try #require(report["tensors"] as? [[String: Any]])
            #expect(listed.compactMap { $0["name"] as? String } == names, "\(file)")
            // The overwritten tensor is all NaN: were it read, audit would fail on nan-values.
            #expect(try CLI.run(["audit", Fixtures.path("pytorch/" + file)]).status == 0, "\(file)")
        }
    }

    @Test("dict keys 2**63 and 2.0**63 (one entry in torch.load): this reader does not compare integers beyond 64 bits, and refuses the dict's number keys as not told apart")
    func bigIntegerKeys() throws {
        let facts = try #require(((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])?["equal-keys-bigint.pt"] as? [String: Any])
        #expect(facts["keys"] as? [String] == ["9223372036854775808"], "torch.load keeps one key")
        let result = try CLI.run(["inspect", Fixtures.path("pytorch/equal-keys-bigint.pt")])
        #expect(result.status == 2 && result.stderr.contains("an integer beyond 64 bits"), "\(result.stderr)")
    }

    @Test("audit of a protocol-4 torch.save file: torch-weights-only-refuses (warning) naming FRAME, as torch.load's default refuses it")
    func weightsOnlyRefuses() throws {
        let files = try #require((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        #expect(files["dtypes-protocol4.pt"]?["weights_only"] as? String == "refuses: Unsupported operand 149")
        #expect(files["dtypes.pt"]?["weights_only"] as? String == "loads")
        func rules(_ name: String) throws -> [[String: Any]] {
            let result = try CLI.run(["audit", Fixtures.path("pytorch/" + name), "--json"])
            return try #require(try Self.object(result)["findings"] as? [[String: Any]]).filter { $0["rule"] as? String == "torch-weights-only-refuses" }
        }
        let found = try rules("dtypes-protocol4.pt")
        #expect(found.count == 1 && found.first?["severity"] as? String == "warning", "\(found)")
        let opcodes = (found.first?["evidence"] as? [String: Any])?["opcodes"] as? [String] ?? []
        #expect(opcodes.contains("FRAME (0x95)"), "\(opcodes)")  // operand 149
        #expect(try rules("dtypes.pt").isEmpty)
    }

    @Test("posix.system after an opcode the reader does not run: audit reports pickle-unsafe-global (exit 1), the other commands name it (exit 2)")
    func payloadAfterUnsupportedOpcode() throws {
        let path = Fixtures.path("pytorch/unsafe-after-unsupported.pt")
        let audit = try CLI.run(["audit", path, "--json"])
        #expect(audit.status == 1, "\(audit.stderr)")
        let findings = try #require(try Self.object(audit)["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == ["pickle-unsafe-global"], "\(findings)")
        #expect((findings.first?["evidence"] as? [String: Any])?["globals"] as? [String] == ["posix.system"])
        let inspect = try CLI.run(["inspect", path])
        #expect(inspect.status == 2 && inspect.stderr.contains("posix.system"), "\(inspect.stderr)")
    }

    @Test("every hostile torch file (bombs, lying sizes, truncated, compressed, duplicate entries): every command exits 2 with one line naming it")
    func hostile() throws {
        let hostile = try #require((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["hostile"] as? [String: Any])
        let names = hostile.keys.filter { (hostile[$0] as? [String: Any])?["kind"] as? String == "error" }.sorted()
        #expect(names.count >= 8)
        for name in names {
            let path = Fixtures.path("pytorch/" + name)
            for command in ["inspect", "rows", "ties", "padding", "audit"] {
                let result = try CLI.run([command, path], timeout: 60)
                #expect(result.status == 2 && !result.crashed, "\(command) \(name)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.split(separator: "\n").count == 1,
                        "\(command) \(name): \(result.stderr)")
            }
        }
    }

    @Test("name bombs and tensors without a state-dict name (TestData/pytorch-names): every command exits 2 with one line naming the file and the problem")
    func names() throws {
        let files = try #require((try Fixtures.json("pytorch-names/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        for (name, facts) in files.sorted(by: { $0.key < $1.key }) where facts["error"] != nil {
            let path = Fixtures.path("pytorch-names/" + name)
            let problem = (facts["place"] ?? facts["what"]) as? String ?? "?"
            for command in ["inspect", "audit"] {
                let result = try CLI.run([command, path], timeout: 60)
                #expect(result.status == 2 && !result.crashed, "\(command) \(name)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + path + ": ") && result.stderr.contains(problem)
                        && result.stderr.split(separator: "\n").count == 1, "\(command) \(name): \(result.stderr)")
            }
        }
        #expect(try CLI.run(["audit", Fixtures.path("pytorch-names/metadata-ok.pt")]).status == 0)
    }

    /// Found by mutating the zip fields of tied.bin: a local header whose name length says 64
    /// instead of 13 takes in the pickle's first bytes, whose newlines split the error.
    @Test("a zip entry name read through a lying length, newlines included, is one escaped error line")
    func controlCharactersInEntryName() throws {
        var bytes = try #require(FileManager.default.contents(atPath: Fixtures.path("pytorch/tied.bin")))
        #expect(bytes[26] == 13 && bytes[27] == 0, "the first local header's name length is no longer at 26")
        bytes[26] = 64
        let path = try Fixtures.temporaryFile(Array(bytes), name: "lying-name.bin")
        for command in ["inspect", "rows", "ties", "padding", "tokens", "audit"] {
            let result = try CLI.run([command, path], timeout: 60)
            #expect(result.status == 2 && !result.crashed, "\(command): exit \(result.status)")
            #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.hasSuffix("\n")
                    && result.stderr.split(separator: "\n").count == 1, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("local header names") && result.stderr.contains("\\u{a}"), "\(command): \(result.stderr)")
        }
    }

    @Test("other formats are refused with one line saying what they are",
          arguments: [("pytorch-cli/other/arrays.npz", "NumPy .npz"), ("pytorch-cli/other/model.keras", "Keras"),
                      ("pytorch-cli/other/model.onnx", "ONNX"), ("pytorch/torchscript.pt", "TorchScript"),
                      ("pytorch-legacy/no-magic.pkl", "raw pickle stream")])
    func refused(file: String, what: String) throws {
        let result = try CLI.run(["inspect", Fixtures.path(file)])
        #expect(result.status == 2)
        #expect(result.stderr.contains(what), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("views.pt: its strided views (is_contiguous false in torch) are read, and inspect names each with its stride")
    func stridedViewsRead() throws {
        let files = try #require((try Fixtures.json("pytorch/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        let tensors = try #require(files["views.pt"]?["tensors"] as? [[String: Any]])
        let strided = tensors.filter { $0["is_contiguous"] as? Bool == false }
        let report = try CLI.json(["inspect", Fixtures.path("pytorch/views.pt"), "--json"])
        let ours = try #require(report["tensors"] as? [[String: Any]])
        #expect(Set(ours.filter { $0["stride"] != nil }.compactMap { $0["name"] as? String })
                == Set(strided.compactMap { $0["name"] as? String }))
        for theirs in strided {
            let mine = ours.first { $0["name"] as? String == theirs["name"] as? String }
            #expect(mine?["stride"] as? [Int] == theirs["stride"] as? [Int], "\(theirs["name"] ?? "?")")
        }
    }
}
