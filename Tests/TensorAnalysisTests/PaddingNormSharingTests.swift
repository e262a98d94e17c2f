import Foundation
import Testing
@testable import TensorAnalysis
import CheckpointIO
@testable import TensorScan
import TestSupport

/// In an audit the padding stage takes the norm distribution the row stage made of the same
/// matrix, and keeps nothing when no pad id can resolve. Both are shortcuts: the padding
/// results must be those the stage computes on its own.
@Suite struct PaddingNormSharingTests {
    /// Rows whose norms are finite, +Inf (an infinite value) and NaN (a NaN value), so the
    /// distribution's positions skip rows.
    static func mixedRows() -> RowMomentsList {
        func row(_ values: [Float]) -> RowMoments {
            let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            return bytes.withUnsafeBytes { MomentKernels.floatChunk($0.baseAddress!, values.count) }
        }
        return [row([3, 4]), row([.infinity, 1]), row([0, 0]), row([.nan, 2]), row([1, 1]), row([-6, 8])]
    }

    @Test("a profiled row summary's distribution equals the one padding makes itself")
    func sharedDistribution() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        let view = try #require(checkpoint.tensor(named: "bert.embeddings.word_embeddings.weight"))
        let real = try #require(view.rowMoments())
        for moments in [real, Self.mixedRows()] {
            let own = PaddingAnalysis.RowNorms(moments)
            let summary = RowSummary(view: view, moments: moments, keepingRows: false, profilingNorms: true)
            let shared = try #require(PaddingAnalysis.RowNorms(moments, profiled: summary))
            #expect(shared.distribution == own.distribution)
            #expect(shared.values.map(\.bitPattern) == own.values.map(\.bitPattern))
        }
        // The mixed rows: four finite norms (5, 0, √2, 10), at rows 0, 2, 4, 5.
        let mixed = PaddingAnalysis.RowNorms(Self.mixedRows())
        #expect(mixed.distribution?.count == 4)
        #expect(mixed.distribution?.argmax == 5 && mixed.distribution?.maximum == 10)
        #expect(mixed.distribution?.argmin == 2 && mixed.distribution?.minimum == 0)
    }

    @Test("an unprofiled summary is not taken for a distribution")
    func unprofiledSummary() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("toy-bert/model.safetensors"))
        let view = try #require(checkpoint.tensor(named: "bert.embeddings.word_embeddings.weight"))
        let summary = RowSummary(view: view, moments: try #require(view.rowMoments()), keepingRows: false, profilingNorms: false)
        #expect(!summary.normsProfiled && summary.norms == nil)
        let profiled = RowSummary(view: view, moments: try #require(view.rowMoments()), keepingRows: false, profilingNorms: true)
        #expect(profiled.normsProfiled && profiled.norms != nil)
        // Taken for a distribution only when profiled, and only for as many rows.
        let moments = try #require(view.rowMoments())
        #expect(PaddingAnalysis.RowNorms(moments, profiled: summary) == nil)
        #expect(PaddingAnalysis.RowNorms(RowMomentsList(moments.dropLast()), profiled: profiled) == nil)
        #expect(PaddingAnalysis.RowNorms(moments, profiled: profiled) != nil)
    }

    /// A folder holding `files` (copied from TestData), as a checkpoint.
    func folder(_ files: [String: String]) throws -> Checkpoint {
        let url = try Fixtures.temporaryDirectory()
        for (name, source) in files {
            try FileManager.default.copyItem(atPath: Fixtures.path(source), toPath: url.appendingPathComponent(name).path)
        }
        return try Checkpoint.open(path: url.path)
    }

    @Test("a pad id may resolve from config.json, tokenizer files or a GGUF file's metadata, and only from those")
    func padSources() throws {
        let weights = "toy-bert/model.safetensors"
        #expect(!CheckpointKnowledge.mayDeclarePadID(try folder(["model.safetensors": weights])))
        #expect(!CheckpointKnowledge.mayDeclarePadID(try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors"))))
        #expect(CheckpointKnowledge.mayDeclarePadID(try folder(["model.safetensors": weights, "config.json": "toy-bert/config.json"])))
        #expect(CheckpointKnowledge.mayDeclarePadID(try folder(["model.safetensors": weights,
                                                                "tokenizer.json": "canonical-tokens/tokenizer/tokenizer.json"])))
        #expect(CheckpointKnowledge.mayDeclarePadID(try Checkpoint.open(path: Fixtures.path("gguf-tokens/bos-eos.gguf"))))
    }

    @Test("audit: no pad source keeps nothing of the matrices; --pad-id keeps them and matches `padding`")
    func auditStage() throws {
        let checkpoint = try Checkpoint.open(path: Fixtures.path("analysis/ties.safetensors"))
        let index = try #require(checkpoint.tensors.firstIndex { $0.name == "model.embed_tokens.weight" })
        let output = RowScan.Output(rows: checkpoint.tensors[index].rowMoments(), fingerprint: nil, sameBytesAsTwin: nil)
        let matrices = try TokenMatrices(checkpoint, requested: [])
        let knowledge = BackgroundValue { CheckpointKnowledge.read(checkpoint) }
        let none = PaddingAnalysis.AuditStage(checkpoint: checkpoint, tokenMatrices: matrices, padID: nil, knowledge: knowledge)
        #expect(none.summary(of: index, output) == nil)
        // Nothing kept, and the finding says why no pad row was checked (the fixture has no
        // config.json and no tokenizer files).
        let unchecked = try none.findings(checkpoint.tensors.indices.map { _ in nil })
        #expect(unchecked.map(\.rule) == [.paddingUnchecked])
        #expect(unchecked.first?.evidence["reason"] == .string("no-pad-token"))
        let chosen = PaddingAnalysis.AuditStage(checkpoint: checkpoint, tokenMatrices: matrices, padID: .flag(0), knowledge: knowledge)
        let kept = try #require(chosen.summary(of: index, output))
        let standalone = try PaddingAnalysis.analyze(checkpoint, padID: 0)
        let expected = try #require(standalone.results.first { $0.tensor == "model.embed_tokens.weight" })
        let summaries = checkpoint.tensors.indices.map { $0 == index ? kept : nil }
        let findings = try chosen.findings(summaries)
        #expect(findings == PaddingAnalysis.findings(PaddingAnalysis.Report(results: [expected], notes: [])))
        #expect(kept.norms.distribution == expected.norms)
    }
}
