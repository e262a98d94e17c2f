import Foundation
import Testing
import TestSupport

/// `dtype-mixed` on GGUF files judged against `general.file_type` (TestData/gguf-mix, written by
/// gguf-py; expected.json records which tensors the generator stored in an unexpected type), and
/// unchanged on other formats.
@Suite struct GGUFDtypeMixTests {
    static func dtypeMixed(_ path: String) throws -> [[String: Any]] {
        let result = try CLI.run(["audit", Fixtures.path(path), "--format", "json"])
        let findings = try GGUFCLITests.object(result)["findings"] as? [[String: Any]] ?? []
        return findings.filter { $0["rule"] as? String == "dtype-mixed" }
    }

    @Test("fires only for a mix the file type does not explain, naming the tensors stored in an unexpected type")
    func againstFileType() throws {
        let expected = try #require(try Fixtures.json("gguf-mix/expected.json") as? [String: [String: Any]])
        #expect(expected.count == 8)
        for (file, ref) in expected {
            let found = try Self.dtypeMixed("gguf-mix/" + file)
            let fires = try #require(ref["fires"] as? Bool)
            #expect(found.count == (fires ? 1 : 0), "\(file): \(found)")
            guard let finding = found.first else { continue }
            #expect(finding["severity"] as? String == "info")
            #expect((finding["tensors"] as? [String])?.sorted() == ref["tensors"] as? [String], "\(file)")
            let evidence = try #require(finding["evidence"] as? [String: Any])
            #expect(evidence["file_type"] as? String == ref["file_type"] as? String, "\(file)")
            // The unexpected types are the types the generator wrote those tensors in.
            let types = try #require(ref["types"] as? [String: String])
            let unexpected = Set((ref["tensors"] as? [String] ?? []).compactMap { types[$0] })
            #expect(Set(evidence["unexpected"] as? [String] ?? []) == unexpected, "\(file)")
            // general.file_type present but unusable, GUESSED, ALL_F32: the message states what is stored.
            let message = finding["message"] as? String ?? ""
            if let says = ref["message_says"] as? String { #expect(message.contains(says), "\(file): \(message)") }
            if let never = ref["message_never"] as? String { #expect(!message.contains(never), "\(file): \(message)") }
        }
    }

    @Test("the standard quantized mix (Q8_0 matrices, F32 norms, no file type) is not reported; safetensors keeps the plain rule")
    func standardMix() throws {
        #expect(try Self.dtypeMixed("gguf-cli/llama-q8_0.gguf").isEmpty)
        #expect(try Self.dtypeMixed("gguf-rope/llama-q8_0.gguf").isEmpty)
        #expect(try Self.dtypeMixed("toy-bert/model.safetensors").isEmpty)
        let reference = try Self.dtypeMixed("reference/dtypes.safetensors")
        #expect(reference.count == 1 && (reference.first?["message"] as? String)?.hasPrefix("floating-point tensors use") == true)
    }
}
