import Foundation
import Testing
import TestSupport

/// Strided torch views (TestData/pytorch-strided; torch's and numpy's view in `expected.json`):
/// a transpose, a strided slice, a permute, an `expand` and a strided vector are read through
/// row-major copies of their elements, which must be what `torch.load(...).contiguous()` holds.
/// The file torch's own `.contiguous()` copies were written to (by safetensors) is the oracle.
@Suite struct StridedViewsTests {
    static let path = Fixtures.path("pytorch-strided/strided.pt")
    static let contiguous = Fixtures.path("pytorch-strided/strided-contiguous.safetensors")

    static func expected() throws -> [String: [String: Any]] {
        let document = try #require(try Fixtures.json("pytorch-strided/expected.json") as? [String: Any])
        return try #require(document["tensors"] as? [String: [String: Any]])
    }

    @Test("diff against torch's .contiguous() copies written by safetensors: every tensor byte-identical")
    func sameBytesAsTorchCopies() throws {
        let expected = try Self.expected()
        #expect(expected.values.filter { $0["is_contiguous"] as? Bool == false }.count == 6)
        let report = try CLI.json(["diff", Self.path, Self.contiguous, "--json"])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(Set(tensors.compactMap { $0["name"] as? String }) == Set(expected.keys))
        for tensor in tensors {
            #expect(tensor["identical_bytes"] as? Bool == true, "\(tensor["name"] ?? "?")")
        }
    }

    @Test("rows: each strided matrix's row norms, minima and maxima as numpy finds them in t.contiguous()")
    func rowsMatchNumpy() throws {
        for (name, facts) in try Self.expected() where facts["row_l2_norms"] != nil {
            let norms = try #require(facts["row_l2_norms"] as? [Double])
            let minima = try #require(facts["row_min"] as? [Double]), maxima = try #require(facts["row_max"] as? [Double])
            let report = try CLI.json(["rows", Self.path, "--tensor", name, "--json"])
            let rows = try #require(report["rows"] as? [[String: Any]])
            #expect(rows.count == norms.count, "\(name)")
            for (k, row) in rows.enumerated() where k < norms.count {
                let norm = try #require(row["l2_norm"] as? Double)
                #expect(abs(norm - norms[k]) <= 1e-9 * max(1, norms[k]), "\(name) row \(k)")
                #expect(row["min"] as? Double == minima[k] && row["max"] as? Double == maxima[k], "\(name) row \(k)")
            }
        }
    }

    @Test("inspect --json: a strided view's stride, the storage bytes it spans (zipfile's offsets), its elements' bytes")
    func inspectLayout() throws {
        let expected = try Self.expected()
        let report = try CLI.json(["inspect", Self.path, "--json"])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.count == expected.count)
        for tensor in tensors {
            let name = try #require(tensor["name"] as? String)
            let facts = try #require(expected[name])
            let strided = facts["is_contiguous"] as? Bool == false
            #expect((tensor["stride"] as? [Int]) == (strided ? facts["stride"] as? [Int] : nil), "\(name)")
            #expect(tensor["data_offsets"] as? [Int] == facts["file_span"] as? [Int], "\(name)")
            let bytes = try #require(facts["numel"] as? Int) * (try #require(facts["element_size"] as? Int))
            #expect(tensor["nbytes"] as? Int == bytes, "\(name)")
            #expect(tensor["shape"] as? [Int] == facts["shape"] as? [Int], "\(name)")
        }
        let text = try CLI.run(["inspect", Self.path])
        #expect(text.status == 0)
        #expect(text.stdout.contains("6 strided views, read through row-major copies of their elements"), "\(text.stdout)")
    }

    @Test("audit: the expanded matrix's ten equal rows and the transpose's zero row are found; the transpose shares proj's storage")
    func audit() throws {
        let result = try CLI.run(["audit", Self.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(report["findings"] as? [[String: Any]])
        let duplicate = findings.first { $0["rule"] as? String == "duplicate-rows" && ($0["tensors"] as? [String]) == ["expanded"] }
        #expect((duplicate?["evidence"] as? [String: Any])?["largest_group"] as? Int == 10)
        let zero = findings.first { $0["rule"] as? String == "all-zero-rows" && ($0["tensors"] as? [String]) == ["zero_col_t"] }
        #expect((zero?["evidence"] as? [String: Any])?["first_row"] as? Int == 3)
        let ties = try CLI.json(["ties", Self.path, "--json"])
        #expect((ties["shared_storage"] as? [[String: Any]])?.compactMap { $0["tensors"] as? [String] } == [["proj", "proj_t"]])
        #expect((ties["groups"] as? [Any])?.isEmpty == true)
    }

    @Test("expand-bomb.pt: a 4-byte storage expanded to 2^24 elements is refused in one line, not copied")
    func expandBomb() throws {
        let document = try #require(try Fixtures.json("pytorch-strided/expected.json") as? [String: Any])
        let bomb = try #require(document["expand_bomb"] as? [String: Int])
        let result = try CLI.run(["audit", Fixtures.path("pytorch-strided/expand-bomb.pt")])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.contains("expand-bomb.pt") && result.stderr.contains("strided view"), "\(result.stderr)")
        let elements = try #require(bomb["numel"]), size = try #require(bomb["file_size"])
        #expect(result.stderr.contains("would take \(elements * 4) bytes") && result.stderr.contains("more than the file's \(size)"),
                "\(result.stderr)")
    }

    @Test("the copies count against TENSORAUDIT_MAX_DECOMPRESSED_BYTES: under 6,960 bytes the file is refused, at it read")
    func memoryCap() throws {
        // 6,960: the six strided views' elements (numel × element size, from torch).
        let bytes = try Self.expected().values.filter { $0["is_contiguous"] as? Bool == false }
            .reduce(0) { $0 + ($1["numel"] as? Int ?? 0) * ($1["element_size"] as? Int ?? 0) }
        #expect(bytes == 6960)
        let refused = try CLI.run(["inspect", Self.path], environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": "\(bytes - 1)"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("6 of the 8 tensors are strided views") && refused.stderr.contains("would take \(bytes) bytes")
                && refused.stderr.contains("TENSORAUDIT_MAX_DECOMPRESSED_BYTES"), "\(refused.stderr)")
        let read = try CLI.run(["inspect", Self.path], environment: ["TENSORAUDIT_MAX_DECOMPRESSED_BYTES": "\(bytes)"])
        #expect(read.status == 0, "\(read.stderr)")
    }

    static func smallFiles() throws -> [String: [String: Any]] {
        let document = try #require(try Fixtures.json("pytorch-strided/expected.json") as? [String: Any])
        return try #require(document["small_files"] as? [String: [String: Any]])
    }

    @Test("one transposed view under two names (torch: one storage) reads one copy: one buffer, no bytes wasted; diff knows the dropped name shares it")
    func sameViewTwice() throws {
        let torch = try #require(try Self.smallFiles()["same_view_twice"])
        #expect(torch["one_storage"] as? Bool == true && torch["equal"] as? Bool == true)
        let path = Fixtures.path("pytorch-strided/same-view-twice.pt")
        let ties = try CLI.json(["ties", path, "--json"])
        #expect((ties["groups"] as? [Any])?.isEmpty == true)
        #expect(ties["wasted_bytes"] as? Int == 0)
        #expect((ties["shared_storage"] as? [[String: Any]])?.compactMap { $0["tensors"] as? [String] }
                == [["lm_head.weight", "model.embed_tokens.weight"]])
        let audit = try CLI.json(["audit", path, "--json"])
        #expect((audit["findings"] as? [[String: Any]])?.contains { ($0["rule"] as? String)?.hasPrefix("tied-weights") == true } == false)
        let diff = try CLI.run(["diff", path, Fixtures.path("pytorch-strided/same-view-dropped.safetensors"), "--json"])
        #expect(diff.status == 0, "\(diff.stdout)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(diff.stdout.utf8)) as? [String: Any])
        #expect((report["dropped_shared_storage"] as? [String: Any])?["lm_head.weight"] != nil, "\(report["dropped_shared_storage"] ?? "none")")
    }

    @Test("a symmetric matrix beside its own transpose (torch: one storage, equal values): shared storage, not a duplicate")
    func symmetricBesideTranspose() throws {
        let torch = try #require(try Self.smallFiles()["symmetric"])
        #expect(torch["one_storage"] as? Bool == true && torch["equal"] as? Bool == true)
        let ties = try CLI.json(["ties", Fixtures.path("pytorch-strided/symmetric.pt"), "--json"])
        #expect((ties["groups"] as? [Any])?.isEmpty == true)
        #expect(ties["wasted_bytes"] as? Int == 0)
        #expect((ties["shared_storage"] as? [[String: Any]])?.compactMap { $0["tensors"] as? [String] } == [["a", "b"]])
    }

    @Test("a file whose one tensor is a transpose: its alignment is its storage's offset in the file (zipfile's), not 1")
    func onlyStridedAlignment() throws {
        let torch = try #require(try Self.smallFiles()["only_strided"])
        let report = try CLI.json(["inspect", Fixtures.path("pytorch-strided/only-strided.pt"), "--json"])
        let file = try #require((report["files"] as? [[String: Any]])?.first)
        #expect(file["data_alignment"] as? Int == torch["alignment"] as? Int)
        #expect(((report["tensors"] as? [[String: Any]])?.first?["data_offsets"] as? [Int])?.first == torch["storage_data_offset"] as? Int)
    }
}
