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

    @Test("--pad-id 5 of a [3, 0] embedding: past its 3 rows, a usage error (64), as --rows past the end is")
    func outOfRange() throws {
        let result = try CLI.run(["padding", try Self.checkpoint(), "--pad-id", "5"])
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "tensoraudit: error: --pad-id 5 is past every token matrix: \"model.embed_tokens.weight\" has 3 rows\n")
    }

    @Test("a model2vec layout addressing 20 tokens (mapping of 20, 12 rows): --pad-id 19 is checked, 20 is past it (64)")
    func staticLayout() throws {
        let folder = Fixtures.path("knowledge/families/model2vec-static")
        let inside = try CLI.run(["padding", folder, "--pad-id", "19"])
        #expect(inside.status == 0, "\(inside.stderr)")
        let past = try CLI.run(["padding", folder, "--pad-id", "20"])
        #expect(past.status == 64)
        #expect(past.stderr == "tensoraudit: error: --pad-id 20 is past every token matrix: \"embeddings\" addresses 20 tokens (model2vec layout)\n", "\(past.stderr)")
    }

    @Test("toy BERT's 1,000 rows: --pad-id 999 is checked (exit 0), 1000 is past both token matrices (64)")
    func lastRow() throws {
        let inside = try CLI.run(["padding", Fixtures.path("toy-bert"), "--pad-id", "999"])
        #expect(inside.status == 0 && inside.stdout.contains("pad row 999"), "\(inside.stderr)")
        let past = try CLI.run(["padding", Fixtures.path("toy-bert"), "--pad-id", "1000"])
        #expect(past.status == 64 && past.stderr.contains("has 1000 rows"), "\(past.stderr)")
    }
}
