import Foundation
import Testing
@testable import PyTorchFormat

/// TestData/pytorch-load-changes: files whose stored values torch.load changes after the rebuild
/// (a BUILD on the tensor, a saved `real`/`imag` attribute, `neg`/`conj` metadata) or whose
/// tensor torch.load turns into a plain value (hunt-63a H1, H2, H3, M1). Its `generate.py`
/// records torch.load's answer for each file (`torch`) beside what the reader must do (`tool`).
@Suite struct LoadChangesTests {
    static let folder = TorchFixtures.folder.deletingLastPathComponent().appendingPathComponent("pytorch-load-changes")

    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object["files"] as? [String: [String: Any]] ?? [:]
    }()

    static func tool(_ file: String) -> [String: Any] { expected[file]?["tool"] as? [String: Any] ?? [:] }
    static func torch(_ file: String) -> [String: Any] { expected[file]?["torch"] as? [String: Any] ?? [:] }

    static func files(where test: ([String: Any]) -> Bool) -> [String] { expected.keys.filter { test(tool($0)) }.sorted() }
    static var refusedFiles: [String] { files { $0["error"] as? String == "invalid-tensor" } }
    static var unnamedFiles: [String] { files { $0["error"] as? String == "unnamed-tensor" } }
    static var readFiles: [String] { files { $0["tensors"] != nil } }

    static func bytes(_ file: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: folder.appendingPathComponent(file))) }

    @Test("the fixtures are there: 36 files")
    func fixtureCount() {
        #expect(Self.expected.count == 36)
        #expect(Self.refusedFiles.count + Self.unnamedFiles.count + Self.readFiles.count == 36)
    }

    /// torch.load returns other values than the stored ones (an empty tensor, every element
    /// filled, negated or conjugated values) or fails: the file is refused, naming the tensor
    /// and what torch.load does. Before, each was read with its stored values and passed `audit`.
    @Test("a tensor whose values torch.load changes, or on which it fails, is refused as invalid-tensor saying why", arguments: refusedFiles)
    func refused(file: String) throws {
        let facts = Self.tool(file)
        let name = try #require(facts["tensor"] as? String)
        let reason = try #require(facts["reason_has"] as? String)
        let error = try #require(try TorchFixtures.read(Self.bytes(file)).failure, "\(file) was read")
        #expect(error.kind == "invalid-tensor")
        guard case .invalidTensor(let tensor, let why) = error else {
            Issue.record("\(file): \(error)")
            return
        }
        #expect(tensor == name)
        #expect(why.contains(reason), "\(file): \(why)")
        // torch.load either fails, or returns other values than the stored ones.
        let torch = Self.torch(file)
        #expect(torch["loads"] as? Bool == false || torch["differs_from_stored"] as? Bool == true || facts["torch_reads_it"] as? Bool == true,
                "\(file): torch.load returns the stored values")
    }

    @Test("a tensor given to a global that builds a plain value of it (complex, bytearray, torch.Size, torch.device) is unnamed",
          arguments: unnamedFiles)
    func unnamed(file: String) throws {
        let facts = Self.tool(file)
        let near = try #require(facts["near"] as? String)
        let place = try #require(facts["place_has"] as? String)
        let error = try #require(try TorchFixtures.read(Self.bytes(file)).failure, "\(file) was read")
        #expect(error.kind == "unnamed-tensor")
        guard case .unnamedTensor(let at, let where_) = error else {
            Issue.record("\(file): \(error)")
            return
        }
        #expect(at == near)
        #expect(where_.contains(place), "\(file): \(where_)")
        // torch.load returns only the plain tensor 'w' (the other became a value).
        let tensors = try #require(Self.torch(file)["tensors"] as? [String: Any])
        #expect(Array(tensors.keys) == ["w"])
    }

    /// What torch.save writes (tensors, Parameters with and without requires_grad, tensors and
    /// Parameters with Python attributes), metadata keys torch ignores, a Parameter's
    /// `(requires_grad, _, hooks)` BUILD and `set.__new__(set, [t])`: read, with torch.load's
    /// names, dtypes, shapes, requires_grad and element bytes.
    @Test("files torch.load reads as stored are read, equal to torch.load", arguments: readFiles)
    func read(file: String) throws {
        let facts = Self.tool(file)
        let names = try #require(facts["tensors"] as? [String])
        let torch = try #require(Self.torch(file)["tensors"] as? [String: [String: Any]])
        #expect(Set(torch.keys) == Set(names))
        let raw = try Self.bytes(file)
        let checkpoint = try TorchFixtures.read(raw).get()
        #expect(Set(checkpoint.tensors.map(\.name)) == Set(names))
        for tensor in checkpoint.tensors {
            let loaded = try #require(torch[tensor.name])
            #expect(loaded["dtype"] as? String == tensor.dtype.rawValue)
            #expect((loaded["shape"] as? [Int])?.map(UInt64.init) == tensor.shape)
            #expect(loaded["requires_grad"] as? Bool == tensor.requiresGrad, "\(file): \(tensor.name)")
            let range = try #require(tensor.contiguousByteRange)
            #expect(Self.hex(raw[Int(range.lowerBound) ..< Int(range.upperBound)]) == loaded["bytes_hex"] as? String, "\(file): \(tensor.name)")
        }
        for (name, wanted) in facts["requires_grad"] as? [String: Bool] ?? [:] {
            #expect(checkpoint.tensors.first { $0.name == name }?.requiresGrad == wanted, "\(file): \(name)")
        }
    }

    @Test("a BUILD applied later through the memo empties the one tensor under both names: torch.load says so, and the file is refused")
    func buildLater() throws {
        let tensors = try #require(Self.torch("build-later.pt")["tensors"] as? [String: [String: Any]])
        #expect(tensors["w"]?["shape"] as? [Int] == [0])
        #expect(tensors["x"]?["shape"] as? [Int] == [0])
        #expect(try TorchFixtures.read(Self.bytes("build-later.pt")).failure?.kind == "invalid-tensor")
    }

    @Test("a saved real on a view of a shared storage changes the other tensor over it in torch.load: refused, naming the view")
    func realOnSharedStorage() throws {
        let tensors = try #require(Self.torch("attr-real-shared.pt")["tensors"] as? [String: [String: Any]])
        #expect(tensors["a"]?["values"] as? String == "[1.0, nan, 3.0, 4.0]")
        guard case .invalidTensor(let name, _)? = try TorchFixtures.read(Self.bytes("attr-real-shared.pt")).failure else {
            Issue.record("attr-real-shared.pt was not refused")
            return
        }
        #expect(name == "z")
    }

    /// Two BUILDs on a Parameter: torch.load applies both (this one loads); the reader keeps
    /// only the last state, so it refuses rather than guess what the first did.
    @Test("two BUILDs on a Parameter are refused, though torch.load reads this one")
    func parameterBuildTwice() throws {
        #expect(Self.torch("param-build-twice.pt")["loads"] as? Bool == true)
        #expect(try TorchFixtures.read(Self.bytes("param-build-twice.pt")).failure?.kind == "invalid-tensor")
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
