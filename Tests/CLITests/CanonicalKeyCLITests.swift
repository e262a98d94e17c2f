import Foundation
import Testing
import TestSupport

/// Keys a checkpoint spells that are canonically equivalent but different code points (`café`
/// with a precomposed é and with e + U+0301) are two keys to the reference readers
/// (TestData/canonical-keys/expected.json, from generate.py there: torch.load, Python's json),
/// where Swift's `String ==` and hashing fold them.
@Suite struct CanonicalKeyCLITests {
    static func expected(_ fixture: String) throws -> [String: Any] {
        try #require((try Fixtures.json("canonical-keys/expected.json") as? [String: Any])?[fixture] as? [String: Any])
    }

    static func json(_ arguments: [String], status: Int32 = 0) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test("a torch zip whose storage keys are café precomposed and decomposed: each tensor read from its own storage, as torch.load reads it",
          arguments: [0, 1])
    func torchStorageKeys(index: Int) throws {
        let tensors = try #require(try Self.expected("torch-storage")["tensors"] as? [[String: Any]])
        let tensor = tensors[index]
        let name = try #require(tensor["name"] as? String)
        let report = try Self.json(["rows", Fixtures.path("canonical-keys/torch-storage/model.bin"), "--tensor", name, "--json"])
        let rows = try #require(report["rows"] as? [[String: Any]])
        let wanted = try #require(tensor["rows"] as? [[String: Any]])
        #expect(rows.count == wanted.count)
        for (row, want) in zip(rows, wanted) {
            let mean = try #require(row["mean"] as? Double), norm = try #require(row["l2_norm"] as? Double)
            #expect(closeEnough(mean, try #require(want["mean"] as? Double), relative: 1e-6), "\(name) \(row)")
            #expect(closeEnough(norm, try #require(want["norm"] as? Double), relative: 1e-6), "\(name) \(row)")
        }
    }

    @Test("ties of that torch zip: two storages, so no shared storage (torch.load gives the two tensors two storages)")
    func torchStorageKeysNotShared() throws {
        let report = try Self.json(["ties", Fixtures.path("canonical-keys/torch-storage/model.bin"), "--json"])
        #expect((report["shared_storage"] as? [Any])?.isEmpty == true, "\(report["shared_storage"] ?? "none")")
    }

    @Test("a config.json holding the keys café precomposed and decomposed is read (Python's json reads both keys; it was refused as naming a key twice)")
    func configKeys() throws {
        let keys = try #require(try Self.expected("config-keys")["config_keys"] as? [[Int]])
        #expect(keys.count == 6)
        let path = Fixtures.path("canonical-keys/config-keys")
        let report = try Self.json(["inspect", path, "--json"])
        #expect((report["source"] as? [String: Any])?["config"] as? String == path + "/config.json")
        #expect((report["source_issues"] as? [Any])?.isEmpty == true, "\(report["source_issues"] ?? "none")")
    }

    @Test("a tensor entry holding unknown fields café precomposed and decomposed is read, as safe_open reads it (it was refused as naming a field twice)")
    func entryFields() throws {
        let expected = try Self.expected("entry-fields")
        let report = try Self.json(["inspect", Fixtures.path("canonical-keys/entry-fields/model.safetensors"), "--json"])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == (expected["tensors"] as? [String] ?? []))
        #expect(tensors.first?["shape"] as? [Int] == [2])
    }
}
