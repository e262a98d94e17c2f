import Testing
import SafetensorsFormat
import TestSupport

/// A token matrix of shape `[3, 0]` has three rows of nothing: `padding` says so, and names the
/// row count the shape gives when the pad id is past it (it said "has 0 rows", out of 0..<0).
@Suite struct EmptyMatrixPadTests {
    static func checkpoint() throws -> String {
        let entry = SafetensorsWriter.Entry(name: "model.embed_tokens.weight", dtype: .f16, shape: [3, 0], bytes: [])
        return try Fixtures.temporaryFile(SafetensorsWriter(entries: [entry]).serialize(), name: "empty-rows.safetensors")
    }

    @Test("pad id 1 of a [3, 0] embedding: nothing to check, not 'out of range'")
    func inRange() throws {
        let result = try CLI.run(["padding", try Self.checkpoint(), "--pad-id", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout + result.stderr == "note: model.embed_tokens.weight holds no elements (shape [3, 0]): its pad row 1 has nothing to check, skipped\n")
    }

    @Test("pad id 5 of a [3, 0] embedding: out of range of its 3 rows")
    func outOfRange() throws {
        let result = try CLI.run(["padding", try Self.checkpoint(), "--pad-id", "5"])
        #expect(result.stdout + result.stderr == "note: model.embed_tokens.weight has 3 rows: pad id 5 is out of range (0..<3), skipped\n")
    }
}
