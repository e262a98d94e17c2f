import Foundation
import Testing
import SafetensorsFormat
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Names that are canonically equivalent but different code points (`café` with a precomposed é
/// and with e + U+0301) name different things in reports and lookups beyond tensor names: shard
/// files (two files on Linux, where a name is its bytes; the index's `weight_map` names each, and
/// transformers opens each by its own name), HTML anchors, and a tensor's role as a token matrix.
/// Swift's `String ==` folds them.
@Suite struct CanonicalPathCLITests {
    static let shardNames = ["shard-caf\u{E9}.safetensors", "shard-cafe\u{301}.safetensors"]

    static func scalars(_ text: Any?) -> [UInt32] { (text as? String)?.unicodeScalars.map(\.value) ?? [] }

    /// Writes `bytes` at `path` through the C library, so the name's bytes are the file's name
    /// as given (no normalization on the way).
    static func write(_ bytes: [UInt8], to path: String) throws {
        let file = try #require(fopen(path, "wb"), "cannot create \(path)")
        defer { fclose(file) }
        #expect(bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) } == bytes.count)
    }

    /// A sharded checkpoint: tensor `a` in the shard named with café precomposed, `b` in the
    /// one named with café decomposed, both F32 [2, 2] with the same values, each at the start
    /// of its shard's data; and the index naming both shards. Returns the folder.
    static func twoShards() throws -> String {
        let folder = try Fixtures.temporaryDirectory().path
        let values: [Float] = [1, 2, 3, 4]
        var bytes: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
        for (name, shard) in zip(["a", "b"], shardNames) {
            let entry = SafetensorsWriter.Entry(name: name, dtype: .f32, shape: [2, 2], bytes: bytes)
            try write(SafetensorsWriter(entries: [entry]).serialize(), to: folder + "/" + shard)
        }
        let index = #"{"metadata": {"total_size": 32}, "weight_map": {"a": ""# + shardNames[0] + #"", "b": ""# + shardNames[1] + #""}}"#
        try write(Array(index.utf8), to: folder + "/model.safetensors.index.json")
        // Two shard files and the index: the file system kept both names.
        let listed = try FileManager.default.contentsOfDirectory(atPath: folder)
        try #require(listed.count == 3, "\(listed)")
        return folder
    }

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("inspect --json: each tensor's file is its own shard (the second shard's tensors showed the first shard's path)")
    func inspectFiles() throws {
        let folder = try Self.twoShards()
        let report = try Self.json(["inspect", folder, "--json"])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == ["a", "b"])
        #expect(tensors.map { Self.scalars($0["file"]) } == Self.shardNames.map { Self.scalars(folder + "/" + $0) })
        let files = try #require(report["files"] as? [[String: Any]])
        #expect(files.map { Self.scalars($0["path"]) } == Self.shardNames.map { Self.scalars(folder + "/" + $0) })
    }

    @Test("ties: a and b hold the same bytes in two files, so they are two copies (they were taken for one stored buffer)")
    func tiesAcrossShards() throws {
        let report = try Self.json(["ties", Self.twoShards(), "--json"])
        let groups = try #require(report["groups"] as? [[String: Any]])
        #expect(groups.map { $0["tensors"] as? [String] ?? [] } == [["a", "b"]], "\(groups)")
        #expect((report["shared_storage"] as? [Any])?.isEmpty == true)
    }

    @Test("diff of the two shards against the first alone: b is only in A, not a storage that B dropped")
    func diffOnlyInA() throws {
        let folder = try Self.twoShards()
        let report = try Self.json(["diff", folder, folder + "/" + Self.shardNames[0], "--json"], status: 1)
        #expect(report["only_in_a"] as? [String] == ["b"], "\(report["only_in_a"] ?? "none")")
        #expect((report["dropped_shared_storage"] as? [String: Any])?.isEmpty == true, "\(report["dropped_shared_storage"] ?? "none")")
    }

    @Test("audit --format html: café.weight precomposed and decomposed have their own shard-map anchors, and each link goes to its own")
    func htmlAnchors() throws {
        let result = try CLI.run(["audit", Fixtures.path("canonical-names/sharded"), "--format", "html"])
        #expect(result.status == 1, "\(result.stderr)")  // the two NaN findings
        let html = result.stdout
        // <code id="ID">NAME</code> in the shard map; <a href="#ID"><code>NAME</code></a> in the findings.
        func pairs(_ pattern: String) throws -> [(id: String, name: [UInt32])] {
            let regex = try NSRegularExpression(pattern: pattern)
            return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
                guard let id = Range(match.range(at: 1), in: html), let name = Range(match.range(at: 2), in: html) else { return nil }
                return (String(html[id]), String(html[name]).unicodeScalars.map(\.value))
            }
        }
        let rows = try pairs(#"<code id="([^"]+)">([^<]*)</code>"#)
        let links = try pairs(##"<a href="#([^"]+)"><code>([^<]*)</code></a>"##)
        let names = ["caf\u{E9}.weight", "cafe\u{301}.weight"].map { $0.unicodeScalars.map(\.value) }
        #expect(Set(rows.map(\.name)) == Set(names) && rows.count == 2, "\(rows)")
        #expect(Set(rows.map(\.id)).count == 2, "\(rows)")
        #expect(Set(links.map(\.name)) == Set(names), "\(links)")
        for link in links {
            #expect(rows.first { $0.id == link.id }?.name == link.name, "\(link) -> \(rows)")
        }
    }

    @Test("rows --tensor café.weight decomposed, F32 [4, 3] beside config.json's [vocab_size 4, hidden_size 2]: not a token matrix, rows not named by tokens")
    func rowsNotTokens() throws {
        let expected = try #require((try Fixtures.json("canonical-keys/expected.json") as? [String: Any])?["config-keys"] as? [String: Any])
        let tensors = try #require(expected["tensors"] as? [[String: Any]])
        // safe_open's shapes: the decomposed spelling is [4, 3], the precomposed one [4, 2].
        let decomposed = "cafe\u{301}.weight", precomposed = "caf\u{E9}.weight"
        let names = tensors.map { ($0["name"] as? [Int] ?? []).map(UInt32.init) }
        #expect(tensors[names.firstIndex(of: Self.scalars(decomposed)) ?? 0]["shape"] as? [Int] == [4, 3])
        let path = Fixtures.path("canonical-keys/config-keys")
        // Found as token matrices (config.json's shape), by code points: only the [4, 2] spelling's
        // summary carries token lists. (Pinned with --tensor, the [4, 3] one has vocab_size rows
        // and counts as a token matrix by its own rows, as `audit --tensor` makes it one.)
        let all = try Self.json(["rows", path, "--json"])
        let summaries = all["tensors"] as? [[String: Any]] ?? []
        let tokenLists = summaries.filter { $0["zero_row_tokens"] != nil }.map { Self.scalars($0["tensor"] as? String ?? "") }
        #expect(tokenLists == [Self.scalars(precomposed)], "\(summaries.map { $0["tensor"] ?? "" })")
        // The [4, 2] matrix is the token matrix: its rows are vocab.txt's tokens.
        let matrix = try Self.json(["rows", path, "--tensor", precomposed, "--json"])
        #expect((matrix["rows"] as? [[String: Any]])?.map { $0["token"] as? String } == ["[PAD]", "[UNK]", "hello", "world"])
    }

    @Test("audit --format html of more than 2,000 tensors lists the tensor a finding names, not the other spelling of its name")
    func htmlListsOnlyNamed() throws {
        // café.weight (U+00E9) holds a NaN (a nan-values finding names it); café.weight with
        // e + U+0301 holds finite values no finding names; 2,000 one-element fillers.
        func f32(_ values: [Float]) -> [UInt8] {
            var bytes: [UInt8] = []
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
            return bytes
        }
        var entries = [SafetensorsWriter.Entry(name: "caf\u{E9}.weight", dtype: .f32, shape: [2, 2], bytes: f32([1, .nan, 3, 4])),
                       SafetensorsWriter.Entry(name: "cafe\u{301}.weight", dtype: .f32, shape: [2, 2], bytes: f32([5, 6, 7, 8]))]
        for i in 0..<2000 {
            entries.append(SafetensorsWriter.Entry(name: "filler.\(i)", dtype: .f32, shape: [1], bytes: f32([Float(i) + 10])))
        }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize())
        // suspicious-name names both spellings (they read alike: ReadAlikeNameTests); switched
        // off, only the NaN finding names a tensor.
        let policy = try Fixtures.temporaryFile(Array(#"{"rules": {"suspicious-name": {"enabled": false}}}"#.utf8), name: "policy.json")
        let report = try Self.json(["audit", path, "--policy", policy, "--format", "json"], status: 1)
        let named = (report["findings"] as? [[String: Any]] ?? []).flatMap { $0["tensors"] as? [String] ?? [] }
        #expect(named.map { Self.scalars($0) }.contains(Self.scalars("caf\u{E9}.weight")))
        #expect(!named.map { Self.scalars($0) }.contains(Self.scalars("cafe\u{301}.weight")), "\(named)")
        let html = try CLI.run(["audit", path, "--policy", policy, "--format", "html"]).stdout
        let regex = try NSRegularExpression(pattern: #"<code id="[^"]*">([^<]*)</code>"#)
        let listed = regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: 1), in: html).map { Self.scalars(String(html[$0])) }
        }
        #expect(listed.contains(Self.scalars("caf\u{E9}.weight")))
        #expect(!listed.contains(Self.scalars("cafe\u{301}.weight")), "\(listed.count) listed")
    }
}
