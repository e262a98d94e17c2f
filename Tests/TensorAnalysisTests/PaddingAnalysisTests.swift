import Foundation
import Testing
import TensorAnalysis
import CheckpointIO
import TensorScan
import ModelKnowledge
import TestSupport

@Suite struct PaddingAnalysisTests {
    static func reference(_ key: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("expected/analysis-padding.json") as? [String: [String: Any]])
        return try #require(all[key])
    }

    func check(_ r: PaddingAnalysis.Result, _ e: [String: Any]) {
        #expect(r.tensor == e["tensor"] as? String)
        #expect(r.padID.id == (e["pad_id"] as? NSNumber)?.intValue)
        #expect(r.rank == (e["rank"] as? NSNumber)?.intValue)
        #expect(r.rows == (e["rows"] as? NSNumber)?.intValue)
        #expect(r.isZero == e["is_zero"] as? Bool)
        #expect(r.isZeroBits == e["is_zero_bits"] as? Bool)
        #expect(closeEnough(r.rowNorm, (e["row_norm"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(closeEnough(r.norms?.mean ?? .nan, (e["norm_mean"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(closeEnough(r.norms?.median ?? .nan, (e["norm_median"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(closeEnough(r.norms?.std ?? .nan, (e["norm_std"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(closeEnough(r.norms?.maximum ?? .nan, (e["norm_max"] as? NSNumber)?.doubleValue ?? .nan))
    }

    @Test("toy BERT: pad row non-zero, rank 1, explained by the tied decoder copy")
    func toyBert() throws {
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors")))
        let expected = try #require((try Fixtures.json("expected/toy-bert.json") as? [String: Any])?["word_embeddings"] as? [String: Any])
        let r = try #require(report.results.first { $0.role == .embedding })
        #expect(r.tensor == expected["name"] as? String)
        #expect(r.padID.sourceName == "config")
        #expect(r.rank == (expected["pad_rank"] as? NSNumber)?.intValue)
        #expect(closeEnough(r.rowNorm, (expected["pad_row_norm"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(closeEnough(r.norms?.median ?? .nan, (expected["norm_median"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(r.tiedWith == ["cls.predictions.decoder.weight"])
        #expect(r.tying.tied == true && r.tying.evidence == .identicalBytes)
        #expect(r.padToken == nil, "toy-bert has no tokenizer files")
        #expect(report.results.contains { $0.tensor == "cls.predictions.decoder.weight" && $0.role == .outputProjection })
        let findings = PaddingAnalysis.findings(report)
        #expect(findings.count == 1)
        #expect(findings.first?.rule.id == "padding-row-nonzero")
        #expect(findings.first?.severity == .info)
    }

    @Test("BF16 pad row of -0.0 is zero by value, not by bits; untied lm_head reported")
    func negativeZero() throws {
        let report = try PaddingAnalysis.analyze(try Checkpoint.open(path: Fixtures.path("analysis/pad-bf16/model.safetensors")))
        let embedding = try #require(report.results.first { $0.tensor == "model.embed_tokens.weight" })
        check(embedding, try Self.reference("pad-bf16"))
        // lm_head is stored with other bytes: untied by the bytes, as config.json also says.
        #expect(embedding.tying.tied == false && embedding.tying.evidence == .identicalBytes)
        // config.json: model_type llama, pad_token_id 1, so padding_idx is on the pad row.
        #expect(embedding.explanation.hasPrefix("the pad row is zero by value (it holds -0.0): LlamaConfig's model"))
        #expect(embedding.explanation.hasSuffix("padding_idx = pad_token_id, here config.json's pad_token_id 1: "
            + "an embedding built with padding_idx starts that row at zero and its lookup never updates it (padding_idx evidence: config)"))
        check(try #require(report.results.first { $0.tensor == "lm_head.weight" }), try Self.reference("pad-bf16-lm_head"))
        #expect(PaddingAnalysis.findings(report).isEmpty)
    }

    @Test("pad_token_id null: nothing analysed unless --pad-id")
    func noPadToken() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/gpt2-toy/model.safetensors"))
        let none = try PaddingAnalysis.analyze(checkpoint)
        #expect(none.results.isEmpty)
        #expect(none.notes.contains { $0.text.contains("null") })
        let chosen = try PaddingAnalysis.analyze(checkpoint, padID: 3)
        let r = try #require(chosen.results.first)
        #expect(r.padID.source == .flag)
        check(r, try Self.reference("gpt2-toy-wte-pad-3"))
        // GPT-2's config has no tie_word_embeddings: GPT2Config's default (true) implies the tie,
        // and the file holds no head to compare.
        #expect(r.tying.tied == true && r.tying.evidence == .modelTypeDefault)
        #expect(!r.tying.outputProjectionPresent)
        #expect(PaddingAnalysis.findings(chosen).first?.severity == .info)
        #expect(r.explanation.contains("defaults it to true"))
    }

    @Test("no config.json and no tokenizer: no pad id is assumed; with --pad-id, identical bytes tie the matrix")
    func noSource() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors"))
        let none = try PaddingAnalysis.analyze(checkpoint)
        #expect(none.results.isEmpty)
        #expect(none.notes.contains { $0.text.hasPrefix("no pad token found (no config.json, no tokenizer files)") })
        let report = try PaddingAnalysis.analyze(checkpoint, padID: 0)
        let r = try #require(report.results.first { $0.tensor == "model.embed_tokens.weight" })
        #expect(r.padID.source == .flag)
        check(r, try Self.reference("ties-embed-assumed-0"))
        #expect(r.tying.tied == true && r.tying.evidence == .identicalBytes)
        #expect(r.tiedWith == ["lm_head.weight", "model.decoder.embed_tokens.weight"])
    }

    @Test("out-of-range pad id and unknown tensors are reported, not trapped")
    func badInput() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        let report = try PaddingAnalysis.analyze(checkpoint, padID: 5000)
        #expect(report.results.isEmpty)
        #expect(report.notes.contains { $0.text.contains("out of range") })
        #expect(throws: CheckpointError.self) { try PaddingAnalysis.analyze(checkpoint, tensors: ["nope"]) }
    }
}

/// `audit` hands the padding analysis the row moments of its single pass.
@Suite struct PaddingAnalysisPrecomputedTests {
    @Test("given row moments are used instead of a re-read, and give the same result")
    func givenMoments() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        let names = PaddingAnalysis.candidateNames(checkpoint)
        #expect(names.contains("bert.embeddings.word_embeddings.weight"))
        var known: [String: RowMomentsList] = [:]
        for name in names { known[name] = checkpoint.tensor(named: name)?.rowMoments() }
        let plain = try PaddingAnalysis.analyze(checkpoint)
        let given = try PaddingAnalysis.analyze(checkpoint, rowMoments: known)
        #expect(given.results.map(\.padRow) == plain.results.map(\.padRow))
        #expect(given.results.map(\.rank) == plain.results.map(\.rank))
        #expect(given.results.map(\.explanation) == plain.results.map(\.explanation))
        // Moments that are all zero make the pad row zero: proof they were used, not re-read.
        let zero = RowMoments(count: 1, sum: 0, sumOfSquares: 0, centeredSquares: 0, minimum: 0, maximum: 0, nanCount: 0,
                              positiveInfinityCount: 0, negativeInfinityCount: 0, allBitsZero: true, allValuesZero: true)
        let zeros = known.mapValues { RowMomentsList([RowMoments](repeating: zero, count: $0.count)) }
        let faked = try PaddingAnalysis.analyze(checkpoint, rowMoments: zeros)
        #expect(faked.results.allSatisfy { $0.isZeroBits })
        #expect(plain.results.contains { !$0.isZeroBits })
    }
}
