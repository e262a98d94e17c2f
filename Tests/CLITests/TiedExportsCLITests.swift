import Foundation
import Testing
import TestSupport

/// Tied embeddings as exports save them (TestData/tied-exports, written by torch.save and
/// safetensors' save_model; expected.json says what torch and safe_open read back and numpy's
/// pad row norm): `padding` and `audit` must tell the same story. Before, `audit` called the
/// embedding of a torch file that stores it and `lm_head` as one storage "not tied (evidence:
/// identical-bytes)" while `padding` said tied; `padding` called `lm_head` "tied with:
/// embed.weight" and "tying: unknown (evidence: none)"; and `audit` said nothing of the non-zero
/// pad row of the one matrix save_model kept for both.
@Suite struct TiedExportsCLITests {
    static func expected(_ case: String) throws -> [String: Any] {
        try #require((try Fixtures.json("tied-exports/expected.json") as? [String: Any])?[`case`] as? [String: Any])
    }

    static func report(_ arguments: [String]) throws -> [String: Any] {
        let result = try CLI.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    static func padFindings(_ path: String) throws -> [[String: Any]] {
        let report = try report(["audit", path, "--pad-id", "0", "--format", "json"])
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "padding-row-nonzero" }
    }

    @Test("one storage saved under the embedding's and lm_head's names: audit says tied, as padding does")
    func sharedStorage() throws {
        let expected = try Self.expected("shared-storage")
        // torch.load says the two keys are one storage.
        #expect(expected["shared_storage"] as? [[String]] == [["lm_head.weight", "model.embed_tokens.weight"]])
        let path = Fixtures.path("tied-exports/shared-storage")
        let findings = try Self.padFindings(path)
        #expect(findings.count == 1, "\(findings)")
        let evidence = try #require(findings.first?["evidence"] as? [String: Any])
        #expect(findings.first?["severity"] as? String == "info")
        #expect(evidence["tied"] as? Bool == true)
        #expect(evidence["tied_with"] as? [String] == ["lm_head.weight"])
        #expect(evidence["tying_evidence"] as? String == "identical-bytes")
        let norm = try #require(expected["pad_row_norm"] as? Double)
        #expect(closeEnough(Fixtures.number(evidence["row_norm"] as Any) ?? .nan, norm, relative: 1e-12))
        // padding, the same file: the embedding's tying is the same.
        let padding = try Self.report(["padding", path, "--pad-id", "0", "--json"])
        let embedding = (padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "model.embed_tokens.weight" }
        let tying = embedding?["tying"] as? [String: Any]
        #expect(tying?["tied"] as? Bool == true && tying?["evidence"] as? String == "identical-bytes", "\(padding)")
    }

    @Test("lm_head stored as one with a matrix no name marks as an embedding: tied by its bytes")
    func unnamedEmbedding() throws {
        #expect(try Self.expected("unnamed-embedding")["shared_storage"] as? [[String]] == [["embed.weight", "lm_head.weight"]])
        let padding = try Self.report(["padding", Fixtures.path("tied-exports/unnamed-embedding"), "--pad-id", "0", "--json"])
        let head = try #require((padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "lm_head.weight" }, "\(padding)")
        #expect(head["tied_with"] as? [String] == ["embed.weight"])
        let tying = head["tying"] as? [String: Any]
        #expect(tying?["tied"] as? Bool == true && tying?["evidence"] as? String == "identical-bytes", "\(head)")
    }

    @Test("save_model kept lm_head and aliased the embedding to it: its pad row is the embedding's, an info finding")
    func saveModelKeptOutput() throws {
        let expected = try Self.expected("save-model")
        #expect(expected["kept"] as? [String] == ["lm_head.weight"])
        #expect(expected["metadata"] as? [String: String] == ["model.embed_tokens.weight": "lm_head.weight"])
        let findings = try Self.padFindings(Fixtures.path("tied-exports/save-model"))
        #expect(findings.count == 1, "\(findings)")
        #expect(findings.first?["tensors"] as? [String] == ["lm_head.weight"])
        #expect(findings.first?["severity"] as? String == "info")
        let message = findings.first?["message"] as? String ?? ""
        #expect(message.contains("it holds the input embedding \"model.embed_tokens.weight\""), "\(message)")
        let evidence = try #require(findings.first?["evidence"] as? [String: Any])
        #expect(evidence["tying_evidence"] as? String == "metadata-alias")
        let norm = try #require(expected["pad_row_norm"] as? Double)
        #expect(closeEnough(Fixtures.number(evidence["row_norm"] as Any) ?? .nan, norm, relative: 1e-12))
    }

    @Test("lm_head saved again under a name no convention marks: ties and audit call it a tied weight, as padding does")
    func outputTwinIsTied() throws {
        let values: [Float] = (0..<8).map(Float.init)
        let bytes = values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: [
            .init(name: "lm_head.weight", dtype: .f32, shape: [2, 4], bytes: bytes),
            .init(name: "foo.weight", dtype: .f32, shape: [2, 4], bytes: bytes),
        ]).serialize())
        let ties = try Self.report(["ties", path, "--json"])
        #expect((ties["groups"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["tied-weights"], "\(ties)")
        let audit = try CLI.run(["audit", path, "--format", "json"])
        let findings = (try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]] ?? []
        let rules = findings.map { $0["rule"] as? String ?? "" }
        #expect(rules.contains("tied-weights-duplicated") && !rules.contains("duplicate-tensors"), "\(rules)")
        let padding = try Self.report(["padding", path, "--pad-id", "0", "--json"])
        let head = (padding["embeddings"] as? [[String: Any]])?.first { $0["tensor"] as? String == "lm_head.weight" }
        #expect((head?["tying"] as? [String: Any])?["evidence"] as? String == "identical-bytes", "\(padding)")
    }

    @Test("diff of two names on one torch storage against two separate tensors compares each with its own")
    func oneStorageTwoPartners() throws {
        // A pair reading the same bytes as an earlier pair takes its result; here A's two names
        // read one storage but B's two tensors differ, so each pair is compared.
        let rel = try #require(try Self.expected("untied-copy")["lm_head_relative_l2"] as? Double)
        let result = try CLI.run(["diff", Fixtures.path("tied-exports/shared-storage/pytorch_model.bin"),
                                  Fixtures.path("tied-exports/untied-copy.safetensors"), "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let tensors = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["tensors"] as? [[String: Any]] ?? []
        let head = try #require(tensors.first { $0["name"] as? String == "lm_head.weight" })
        let embedding = try #require(tensors.first { $0["name"] as? String == "model.embed_tokens.weight" })
        #expect(closeEnough(head["relative_l2"] as? Double ?? .nan, rel, relative: 1e-9), "\(head)")
        #expect(embedding["relative_l2"] as? Double == 0 && embedding["exceeds_tolerance"] as? Bool == false, "\(embedding)")
    }

    @Test("rows of two names on one torch storage: the second takes the first's statistics, each under its own name")
    func rowsOfOneStorage() throws {
        let report = try Self.report(["rows", Fixtures.path("tied-exports/shared-storage"), "--json"])
        let summaries = report["tensors"] as? [[String: Any]] ?? []
        let head = try #require(summaries.first { $0["tensor"] as? String == "lm_head.weight" })
        let embedding = try #require(summaries.first { $0["tensor"] as? String == "model.embed_tokens.weight" })
        // numpy's norm of row 0 (expected.json) is the minimum of both.
        let padNorm = try #require(try Self.expected("shared-storage")["pad_row_norm"] as? Double)
        for summary in [head, embedding] {
            let norms = summary["norm"] as? [String: Any]
            #expect(closeEnough(norms?["min"] as? Double ?? .nan, padNorm, relative: 1e-12) && norms?["argmin"] as? Int == 0, "\(summary)")
        }
        #expect(NSDictionary(dictionary: head.filter { $0.key != "tensor" }) == NSDictionary(dictionary: embedding.filter { $0.key != "tensor" }))
    }
}
