import Foundation
import Testing
import TestSupport

/// Two tensor names that are canonically equivalent but different code points (`café.weight`
/// with é as U+00E9 and as e + U+0301) are two tensors to every reader of the formats, yet they
/// print alike: `audit` printed two `nan-values` findings naming "café.weight" twice, and
/// `--tensor cafe.weight` suggested "café.weight" or "café.weight". Now `audit` says they read
/// alike (`suspicious-name`, each spelling's code points shown), and a suggestion that reads like
/// another shows its code points.
@Suite struct ReadAlikeNameTests {
    static let precomposed = "caf\u{E9}.weight"
    static let decomposed = "cafe\u{301}.weight"

    static func audit(_ path: String) throws -> [[String: Any]] {
        let result = try CLI.run(["audit", path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        return (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "suspicious-name" }
    }

    /// The two spellings' scalars, which generate.py (safetensors, torch.save) and gguf-py wrote.
    static let spellings: Set<[UInt32]> = [precomposed.unicodeScalars.map(\.value), decomposed.unicodeScalars.map(\.value)]

    @Test("audit: one suspicious-name finding names both spellings, with their code points",
          arguments: ["canonical-names/sharded", "canonical-names/torch/model.bin", "canonical-tokens/canonical-names.gguf"])
    func finding(fixture: String) throws {
        let findings = try Self.audit(Fixtures.path(fixture))
        #expect(findings.count == 1, "\(findings)")
        let tensors = (findings.first?["tensors"] as? [String] ?? []).map { $0.unicodeScalars.map(\.value) }
        #expect(Set(tensors) == Self.spellings && tensors.count == 2, "\(tensors)")
        #expect(findings.first?["severity"] as? String == "warning")
        let message = findings.first?["message"] as? String ?? ""
        #expect(message.contains("(caf\\u{E9}.weight)") && message.contains("(cafe\\u{301}.weight)"), "\(message)")
        #expect(Fixtures.number((findings.first?["evidence"] as? [String: Any])?["spellings"] as Any) == 2)
    }

    @Test("a checkpoint whose names differ in ASCII only has no such finding")
    func asciiNames() throws {
        #expect(try Self.audit(Fixtures.path("toy-bert")).isEmpty)
    }

    @Test("--tensor in the other spelling than the file's: the suggestion shows both spellings' code points")
    func otherSpelling() throws {
        let dir = try Fixtures.temporaryDirectory()
        let file = dir.appendingPathComponent("model.safetensors")
        try Data(SafetensorsWriter(entries: [.init(name: Self.decomposed, dtype: .f32, shape: [1, 2], bytes: [UInt8](repeating: 0, count: 8))])
            .serialize()).write(to: file)
        let result = try CLI.run(["rows", file.path, "--tensor", Self.precomposed])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("no tensor named \"\(Self.precomposed)\" (spelled caf\\u{E9}.weight); did you mean \"\(Self.decomposed)\" (spelled cafe\\u{301}.weight)?"),
                "\(result.stderr)")
        // The file's own spelling reads the tensor.
        #expect(try CLI.run(["rows", file.path, "--tensor", Self.decomposed]).status == 0)
    }
}
