import Foundation
import SafetensorsFormat
import Testing
import CheckpointIO
import TensorScan
import TensorAnalysis
import TestSupport

/// Every kind of source opens to the same namespace of tensors, and every index pitfall
/// raises exactly the issue `generate.py` says it should (expected/sources.json, by hand).
@Suite struct SourceTests {
    static let caseNames: [String] =
        (((try? Fixtures.json("expected/sources.json")) as? [String: Any]) ?? [:]).keys.sorted()

    @Test("each source fixture opens with the expected tensors and issues, or fails with the expected kind",
          arguments: caseNames)
    func sourceCase(name: String) throws {
        let all = try #require(try Fixtures.json("expected/sources.json") as? [String: [String: Any]])
        let expected = try #require(all[name])
        let path = Fixtures.path("sources/" + name)
        if let fatal = expected["fatal"] as? String {
            do {
                _ = try Checkpoint.open(path: path)
                Issue.record("\(name) opened but should fail with \(fatal)")
            } catch {
                #expect(error.kind == fatal, "\(name): \(error)")
                #expect(error.description.contains("sources/\(name)"))
            }
            return
        }
        let checkpoint = try Checkpoint.open(path: path)
        #expect(checkpoint.tensors.map(\.name).sorted() == (expected["tensors"] as? [String]), "\(name)")
        let issues = try #require(expected["issues"] as? [[String: Any]])
        let got = SourceRules.findings(checkpoint).map { "\($0.rule.id)|\($0.severity.rawValue)|\($0.tensors.joined(separator: ","))" }
        let want = issues.map { issue -> String in
            let tensors = (issue["tensors"] as? [String]) ?? []
            return "\(issue["rule"] as? String ?? "")|\(issue["level"] as? String ?? "")|\(tensors.joined(separator: ","))"
        }
        #expect(got.sorted() == want.sorted(), "\(name): \(SourceRules.findings(checkpoint).map(\.message))")
    }

    @Test("the sharded toy BERT is one namespace across three lazily mapped shards")
    func shardedToyBert() throws {
        let expected = try #require(try Fixtures.json("expected/toy-bert-sharded.json") as? [String: Any])
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert-sharded"))
        #expect(checkpoint.source.kind == .sharded)
        #expect(checkpoint.sourceIssues.isEmpty, "\(checkpoint.sourceIssues)")
        let shards = try #require(expected["shards"] as? [[String: Any]])
        #expect(checkpoint.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == shards.map { $0["file"] as? String ?? "" })
        for (file, shard) in zip(checkpoint.files, shards) {
            #expect(file.tensors.map(\.name).sorted() == (shard["tensors"] as? [String]))
        }
        #expect(checkpoint.tensors.count == (expected["tensor_count"] as? Int))
        #expect(checkpoint.config?.padToken == .id(0))
        // The tied pair lives in different shards and is still byte-identical.
        let pair = try #require(expected["tied_pair"] as? [String])
        let a = try #require(checkpoint.tensor(named: pair[0])), b = try #require(checkpoint.tensor(named: pair[1]))
        #expect(a.path != b.path)
        #expect(a.hasSameBytes(as: b))
        // Same values as the single-file toy BERT.
        let single = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        for tensor in single.tensors {
            let other = try #require(checkpoint.tensor(named: tensor.name))
            #expect(other.copyBytes() == tensor.copyBytes(), "\(tensor.name)")
        }
    }

    @Test("the index file itself and the folder open the same checkpoint")
    func indexAndFolder() throws {
        let viaIndex = try Checkpoint.open(path: Fixtures.path("toy-bert-sharded/model.safetensors.index.json"))
        let viaFolder = try Checkpoint.open(path: Fixtures.path("toy-bert-sharded"))
        #expect(viaIndex.tensors.map(\.name) == viaFolder.tensors.map(\.name))
        #expect(viaIndex.source.indexPath == viaFolder.source.indexPath)
    }

    @Test("a folder with model.safetensors opens it with config.json")
    func folderWithModel() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert"))
        #expect(checkpoint.source.kind == .directory)
        #expect(checkpoint.files.count == 1)
        #expect(checkpoint.config?.vocabSize == 1000)
    }
}

/// zstd sources: decoded once into memory, equal to the uncompressed file byte for byte.
@Suite struct ZstdSourceTests {
    static let plain = "diff/source-f32.safetensors"

    @Test("zstd files decode to the original tensors", arguments: ["model", "long31"])
    func decodes(name: String) throws {
        let original = try Checkpoint.open(path: Fixtures.path(Self.plain))
        let path = Fixtures.path("sources/zstd/\(name).safetensors.zst")
        let checkpoint = try Checkpoint.open(path: path)
        let expected = try #require(try Fixtures.json("expected/zstd.json") as? [String: Any])
        #expect(checkpoint.source.kind == .zstd)
        #expect(checkpoint.source.decompressedBytes == (expected["decompressed_size"] as? NSNumber)?.uint64Value)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
        #expect(checkpoint.source.compressedBytes == size?.uint64Value)
        #expect(checkpoint.tensors.map(\.name) == original.tensors.map(\.name))
        for (a, b) in zip(checkpoint.tensors, original.tensors) {
            #expect(a.copyBytes() == b.copyBytes(), "\(a.name)")
        }
        #expect(checkpoint.files[0].path == path)
        // Decompressed bytes have no file on disk to compare sizes with.
        #expect(throws: Never.self) { try checkpoint.files[0].checkUnchanged() }
    }

    @Test("broken zstd input fails with a decompression error naming the file",
          arguments: [("truncated", "truncated"), ("not-zstd", "not a zstd file")])
    func broken(name: String, phrase: String) throws {
        let path = Fixtures.path("sources/zstd/\(name).safetensors.zst")
        do {
            _ = try Checkpoint.open(path: path)
            Issue.record("\(name) opened")
        } catch {
            #expect(error.kind == "decompression")
            #expect(error.description.hasPrefix(path + ": "))
            #expect(error.description.contains(phrase), "\(error)")
        }
    }

    @Test("the decompression cap stops bombs with and without a declared size",
          arguments: ["bomb", "bomb-declared"])
    func bomb(name: String) throws {
        let path = Fixtures.path("sources/zstd/\(name).safetensors.zst")
        let expected = try #require(try Fixtures.json("expected/zstd.json") as? [String: Any])
        let size = try #require((expected["bomb_decompressed_size"] as? NSNumber)?.uint64Value)
        do {
            _ = try Checkpoint.open(path: path, limits: SourceLimits(maxDecompressedBytes: 1 << 20))
            Issue.record("\(name) passed the 1 MiB cap")
        } catch {
            #expect(error.kind == "decompression")
            #expect(error.description.contains("cap of 1048576 bytes"), "\(error)")
        }
        // Exactly at its size, it decodes.
        let checkpoint = try Checkpoint.open(path: path, limits: SourceLimits(maxDecompressedBytes: size))
        #expect(checkpoint.tensors.first?.elementCount == 16 << 20)
    }

    @Test("every truncation of a zstd file fails cleanly")
    func everyTruncation() throws {
        let bytes = [UInt8](try Fixtures.data("sources/zstd/model.safetensors.zst"))
        let folder = try Fixtures.temporaryDirectory()
        for length in stride(from: 0, to: bytes.count, by: 331) {
            let path = folder.appendingPathComponent("cut-\(length).safetensors.zst").path
            try Data(bytes[0..<length]).write(to: URL(fileURLWithPath: path))
            #expect(throws: CheckpointError.self) { try Checkpoint.open(path: path) }
        }
    }
}

/// The strict index parser on its own.
@Suite struct ShardIndexTests {
    func parse(_ text: String) throws(ShardIndexError) -> ShardIndex { try ShardIndex.parse(Array(text.utf8)) }

    @Test("duplicate weight_map keys are kept as data, last one wins")
    func duplicates() throws {
        let index = try parse(#"{"weight_map": {"a": "x.safetensors", "a": "y.safetensors"}}"#)
        #expect(index.entries.count == 2)
        #expect(index.shardByTensor == ["a": "y.safetensors"])
        #expect(index.duplicateEntries.count == 1)
        #expect(index.duplicateEntries.first?.duplicate.offset == 38)  // {"weight_map": {"a": "x.safetensors", ^ at byte 38
    }

    @Test("structure errors throw with positions", arguments: [
        (#"{"weight_map": {"a": "x.safetensors",}}"#, "trailing comma"),
        (#"[]"#, "must be a JSON object"),
        (#"{"metadata": {}}"#, "no \"weight_map\""),
        (#"{"model_type": "bert", "vocab_size": 1000}"#, "no \"weight_map\" object: this is a model config"),
        (#"{"architectures": ["BertModel"]}"#, "not a shard index; name the weights file or their folder"),
        (#"{"version": "1.0", "added_tokens": [], "model": {"type": "WordPiece"}}"#, "this is a tokenizer.json"),
        (#"{"weight_map": {"a": 3}}"#, "must be a file name"),
        (#"{"weight_map": {}, "weight_map": {}}"#, "duplicate key"),
        (#"{"weight_map": {}, "metadata": 1}"#, "\"metadata\" must be an object"),
        ("", "empty document"),
    ])
    func structure(text: String, phrase: String) throws {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(phrase), "\(error)")
        }
    }

    @Test("total_size forms", arguments: [
        (#"{"metadata": {"total_size": 12}, "weight_map": {}}"#, ShardIndex.TotalSize.bytes(12)),
        (#"{"metadata": {"total_size": 1.5}, "weight_map": {}}"#, .invalid(text: "1.5")),
        (#"{"metadata": {"total_size": -1}, "weight_map": {}}"#, .invalid(text: "-1")),
        (#"{"metadata": {"total_size": "12"}, "weight_map": {}}"#, .invalid(text: "\"12\"")),
        (#"{"metadata": {}, "weight_map": {}}"#, .absent),
        (#"{"weight_map": {}}"#, .absent),
    ])
    func totalSize(text: String, expected: ShardIndex.TotalSize) throws {
        #expect(try parse(text).totalSize == expected)
    }

    @Test("shard names that leave the folder are refused", arguments: [
        ("model-00001-of-00002.safetensors", true), ("sub/model.safetensors", true),
        ("../x.safetensors", false), ("a/../../x.safetensors", false), ("/etc/x.safetensors", false),
        ("C:x.safetensors", false), ("a\\b.safetensors", false), ("model.bin", false), ("", false),
        ("a\u{0}.safetensors", false),
    ])
    func shardNames(name: String, acceptable: Bool) {
        #expect((ShardIndex.problem(withShardName: name) == nil) == acceptable, "\(name)")
    }
}

/// Tokenizer files beside a checkpoint are recorded by path, whatever the source kind.
@Suite struct TokenizerFilesTests {
    @Test("a folder with tokenizer.json and vocab.txt records both; a directory with a tokenizer file's name is recorded too")
    func recorded() throws {
        let dir = try Fixtures.temporaryDirectory()
        try FileManager.default.copyItem(atPath: Fixtures.path("toy-bert/model.safetensors"),
                                         toPath: dir.appendingPathComponent("model.safetensors").path)
        try Data("{}".utf8).write(to: dir.appendingPathComponent("tokenizer.json"))
        try Data("[PAD]\n".utf8).write(to: dir.appendingPathComponent("vocab.txt"))
        // A directory with a tokenizer file's name is recorded: reading it then fails by name
        // (`tokenizer-unreadable` in an audit), as for a FIFO, instead of passing for no file.
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("special_tokens_map.json"),
                                                withIntermediateDirectories: false)
        for path in [dir.path, dir.appendingPathComponent("model.safetensors").path] {
            let files = try Checkpoint.open(path: path).tokenizerFiles
            #expect(files.tokenizer == dir.appendingPathComponent("tokenizer.json").path)
            #expect(files.vocabulary == dir.appendingPathComponent("vocab.txt").path)
            #expect(files.tokenizerConfig == nil)
            #expect(files.specialTokensMap == dir.appendingPathComponent("special_tokens_map.json").path)
        }
    }

    @Test("the fixtures ship no tokenizer: nothing is recorded")
    func none() throws {
        #expect(try Checkpoint.open(path: Fixtures.path("toy-bert-sharded")).tokenizerFiles.isEmpty)
        #expect(try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors")).tokenizerFiles.isEmpty)
    }
}
