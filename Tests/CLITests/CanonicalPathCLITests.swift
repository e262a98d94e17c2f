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
/// transformers opens each by its own name). Swift's `String ==` folds them.
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
}
