import Foundation
import Testing
import TestSupport

/// `partial-checkpoint`: one shard or one gguf-split part audited alone is a warning, never a
/// silent pass of the model (TestData/gguf-split: split keys read by gguf-py, `generate.py`).
@Suite struct PartialCheckpointTests {
    static func partial(_ path: String) throws -> [[String: Any]] {
        let result = try CLI.run(["audit", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "partial-checkpoint" }
    }

    @Test("a safetensors shard named alone: shard 1 of 2 by its name; the index of both: no such finding")
    func safetensorsShard() throws {
        let found = try Self.partial(Fixtures.path("sources/sharded-ok/model-00001-of-00002.safetensors"))
        #expect(found.count == 1)
        #expect(found.first?["severity"] as? String == "warning")
        #expect((found.first?["evidence"] as? [String: Any])?["reason"] as? String == "model-00001-of-00002.safetensors is shard 1 of 2 by its name")
        #expect(try Self.partial(Fixtures.path("sources/sharded-ok")).isEmpty)
    }

    @Test("a GGUF part renamed: split 1 of 2 by split.count (gguf-py reads split.no 0, split.count 2); no llama.cpp convention tie claimed")
    func renamedSplit() throws {
        let expected = try #require(try Fixtures.json("gguf-split/expected.json") as? [String: [String: Any]])
        #expect((expected["renamed-part.gguf"]?["split"] as? [String: Int]) == ["split.no": 0, "split.count": 2, "split.tensors.count": 3])
        let found = try Self.partial(Fixtures.path("gguf-split/renamed-part.gguf"))
        #expect((found.first?["evidence"] as? [String: Any])?["reason"] as? String == "renamed-part.gguf is split 1 of 2 by its split.count metadata")
        #expect((found.first?["message"] as? String)?.hasSuffix("name the first part (PREFIX-00001-of-N.gguf) or the folder to read every part") == true)
        let ties = try CLI.json(["ties", Fixtures.path("gguf-split/renamed-part.gguf")])
        #expect((ties["tied_by_convention"] as? [Any])?.isEmpty == true)
        // The same tensors with no split keys: a whole model, tied by llama.cpp's convention.
        #expect((expected["whole.gguf"]?["split"] as? [String: Int]) == [:])
        #expect(try Self.partial(Fixtures.path("gguf-split/whole.gguf")).isEmpty)
        let whole = try CLI.json(["ties", Fixtures.path("gguf-split/whole.gguf")])
        #expect((whole["tied_by_convention"] as? [[String: Any]])?.first?["tensor"] as? String == "token_embd.weight")
    }
}
