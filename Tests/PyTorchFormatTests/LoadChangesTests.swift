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
    static var notACheckpointFiles: [String] { files { $0["error"] as? String == "not-a-torch-checkpoint" } }
    static var malformedFiles: [String] { files { $0["error"] as? String == "pickle-malformed" && $0["frame"] == nil } }
    static var frameTooLongFiles: [String] { files { $0["frame"] as? String == "too long" } }

    static func bytes(_ file: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: folder.appendingPathComponent(file))) }

    @Test("the fixtures are there: 120 files")
    func fixtureCount() {
        #expect(Self.expected.count == 120)
        #expect(Self.refusedFiles.count + Self.unnamedFiles.count + Self.readFiles.count + Self.notACheckpointFiles.count
            + Self.malformedFiles.count + Self.frameTooLongFiles.count == 120)
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

    /// A tensor torch.load rebuilds but returns under no name: given to a global that builds a
    /// plain value of it (complex, bytearray, torch.Size, torch.device), kept in a tensor's
    /// backward hooks, or set as an OrderedDict's attribute by an earlier BUILD (torch-64b).
    @Test("a tensor torch.load returns under no name (a value built of it, a tensor's backward hooks, an earlier BUILD state) is unnamed",
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
        // A FRAME file: torch.load's default refuses every FRAME, so the answer compared is
        // weights_only=False's (CPython's C unpickler).
        let view = facts["torch_from"] as? String == "weights_only_false"
            ? (Self.expected[file]?["unpicklers"] as? [String: Any])?["weights_only_false"] as? [String: Any] ?? [:] : Self.torch(file)
        let torch = try #require(view["tensors"] as? [String: [String: Any]])
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

    /// Two BUILDs on a Parameter: torch.load runs `Parameter.__setstate__` for each, in order
    /// (torch-64b; before, every such file was refused). requires_grad is the last one's; a
    /// failing state or an int64 Parameter made to require gradients by either is refused.
    @Test("two BUILDs on a Parameter are applied in order, as torch.load applies them",
          arguments: [("param-build-twice.pt", true), ("param-build-true-false.pt", false), ("param-build-false-true.pt", true)])
    func parameterBuildTwice(file: String, requiresGrad: Bool) throws {
        let loaded = try #require((Self.torch(file)["tensors"] as? [String: [String: Any]])?["w"])
        #expect(loaded["requires_grad"] as? Bool == requiresGrad)
        let checkpoint = try TorchFixtures.read(Self.bytes(file)).get()
        #expect(checkpoint.tensors.map(\.name) == ["w"])
        #expect(checkpoint.tensors.first?.requiresGrad == requiresGrad)
        for failing in ["param-build-then-empty.pt", "param-build-int-true-false.pt"] {
            #expect(Self.torch(failing)["loads"] as? Bool == false)
            #expect(try TorchFixtures.read(Self.bytes(failing)).failure?.kind == "invalid-tensor", "\(failing)")
        }
    }

    /// An OrderedDict's or Counter's BUILD state torch.load fails on (`__dict__.update` of an
    /// int, None, False, a string, a list of non-pairs): the file is refused (torch-64b).
    @Test("a BUILD state torch.load's __dict__.update fails on is refused as not-a-torch-checkpoint", arguments: notACheckpointFiles)
    func updateStateRefused(file: String) throws {
        let reason = try #require(Self.tool(file)["reason_has"] as? String)
        #expect(Self.torch(file)["loads"] as? Bool == false)
        let error = try #require(try TorchFixtures.read(Self.bytes(file)).failure, "\(file) was read")
        #expect(error.kind == "not-a-torch-checkpoint")
        #expect(error.description.contains(reason), "\(file): \(error)")
    }

    /// A protocol-4 FRAME that ends inside a read (hunt-63a L1), or a FRAME inside a frame: refused
    /// as Python's pickle.py refuses them, naming the byte offsets and what is cut. torch.load's
    /// default refuses every FRAME; its C unpickler (weights_only=False) fails on or misreads the
    /// cut ones (`frame-cut-global.pt`: it looked for module 'h').
    @Test("a FRAME that cuts an opcode in two, or begins inside a frame, is refused as pickle.py refuses it", arguments: malformedFiles)
    func frameRefused(file: String) throws {
        let reason = try #require(Self.tool(file)["reason_has"] as? String)
        let unpicklers = try #require(Self.expected[file]?["unpicklers"] as? [String: Any])
        let python = try #require(unpicklers["pickle_py"] as? String)
        #expect(python.contains("pickle exhausted before end of frame") || python.contains("beginning of a new frame before end of current frame"),
                "\(file): \(python)")
        #expect((Self.torch(file)["error"] as? String)?.contains("Weights only load failed") == true)
        let error = try #require(try TorchFixtures.read(Self.bytes(file)).failure, "\(file) was read")
        #expect(error.kind == "pickle-malformed")
        #expect(error.description.contains(reason), "\(file): \(error)")
    }

    /// A FRAME that declares more bytes than follow it (hunt-64c L5): torch.load fails on it
    /// either way (its default refuses every FRAME, the C unpickler of weights_only=False finds
    /// the frame cut short or over sys.maxsize); refused naming the FRAME and both lengths,
    /// where it was "pickle ends at byte 145 inside an opcode or before STOP".
    @Test("a FRAME longer than the rest of the pickle is refused naming the FRAME, its length and the bytes that follow", arguments: frameTooLongFiles)
    func frameTooLong(file: String) throws {
        let reason = try #require(Self.tool(file)["reason_has"] as? String)
        let unpicklers = try #require(Self.expected[file]?["unpicklers"] as? [String: Any])
        let cPickle = try #require((unpicklers["weights_only_false"] as? [String: Any])?["error"] as? String)
        #expect(cPickle.contains("pickle data was truncated") || cPickle.contains("FRAME length exceeds system's maximum"), "\(file): \(cPickle)")
        #expect((Self.torch(file)["error"] as? String)?.contains("Weights only load failed") == true)
        // pickle.py reads the bytes there are, up to sys.maxsize; the message says which.
        let python = try #require(unpicklers["pickle_py"] as? String)
        let error = try #require(try TorchFixtures.read(Self.bytes(file)).failure, "\(file) was read")
        #expect(error.kind == "pickle-malformed")
        #expect(error.description.contains(reason), "\(file): \(error)")
        if python == "reads" {
            #expect(error.description.contains("(\"pickle data was truncated\")") && error.description.contains("pickle.py reads the bytes there are"))
        } else {
            #expect(python.contains("frame size > sys.maxsize") && error.description.contains("(\"frame size > sys.maxsize\")"), "\(python)")
        }
    }

    /// The read-only tensor attributes (`ReadOnlyTensorAttributes`) are torch 2.13's, as
    /// generate.py read them from `dir(torch.Tensor)` by setattr on a tensor and a Parameter.
    @Test("the read-only attributes this reader refuses as saved attributes are the ones torch's setattr refuses (38 names)")
    func readOnlyAttributes() throws {
        let data = try Data(contentsOf: Self.folder.appendingPathComponent("read-only-attributes.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let names = try #require(object["read_only"] as? [String])
        #expect(Set(names) == ReadOnlyTensorAttributes.names)
        #expect(names.count == 38 && names.contains("dtype") && names.contains("shape") && !names.contains("requires_grad"))
    }

    /// A tensor of the state dict also placed, through the memo, in another tensor's backward
    /// hooks or Python attributes or an OrderedDict's attributes is read under its name, as
    /// torch.load returns it (hunt-64c L3); a tensor only there is still refused (`hooks-*.pt`).
    @Test("a named tensor also in hooks or attributes is read: the names torch.load returns, nothing refused",
          arguments: ["named-in-hooks.pt", "named-in-hooks-later.pt", "named-in-attributes.pt", "named-in-odict-state.pt"])
    func namedAndShared(file: String) throws {
        let torch = try #require(Self.torch(file)["tensors"] as? [String: Any])
        let checkpoint = try TorchFixtures.read(Self.bytes(file)).get()
        #expect(Set(checkpoint.tensors.map(\.name)) == Set(torch.keys))
        #expect(checkpoint.tensors.contains { $0.name == "w" })
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("the BUILD a message names is counted in English: 22nd, 111th, 1001st (hunt-64c L2: \"22th\", \"1001th\")")
    func ordinals() {
        let expected = [1: "first", 2: "second", 3: "third", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st",
                        22: "22nd", 23: "23rd", 101: "101st", 111: "111th", 112: "112th", 1001: "1001st", 1013: "1013th"]
        for (n, text) in expected { #expect(TensorCollector.ordinal(n) == text, "\(n)") }
    }
}
