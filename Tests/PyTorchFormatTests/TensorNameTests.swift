import Foundation
import Testing
@testable import PyTorchFormat

/// TestData/pytorch-names: names far larger than their file, and tensors torch.load returns
/// where they have no state-dict name (its `generate.py` records torch's view of each file).
@Suite struct TensorNameTests {
    static let folder = TorchFixtures.folder.deletingLastPathComponent().appendingPathComponent("pytorch-names")

    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object["files"] as? [String: [String: Any]] ?? [:]
    }()

    static func read(_ name: String, limits: PickleLimits = .default) throws -> Result<TorchCheckpoint, TorchFormatError> {
        TorchFixtures.read([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))), limits: limits)
    }

    static var unnamedFiles: [String] { expected.filter { $0.value["error"] as? String == "unnamed-tensor" }.keys.sorted() }

    /// Before the name limits: 1.6 GB and 3.9 s for the 3.6 KB file's first 2^20 names (a 26 KB
    /// one was killed failing to allocate). Then 64 MiB of names before the error; now 1 MiB (its
    /// names are 2.5 KB each: the tensor budget, ~900 for this pickle, is not reached first).
    @Test("one tensor reached 2^20 times under 50 keys of 50 bytes (3.6 KB, 2.7 GB of names): refused by the names' total")
    func deepNames() throws {
        #expect(Self.expected["deep-names.pt"]?["torch_loads"] as? Bool == true)
        // data.pkl is 3,146 bytes (Python's zipfile), so 16 × 3,146 is under the 1 MiB floor.
        #expect(try Self.read("deep-names.pt").failure
            == .limitExceeded(what: "total bytes of tensor names (16 per byte of its 3146-byte pickle, at least 1048576)", limit: 1 << 20))
    }

    @Test("one 8 KiB key reused by 130 nested dicts (9 KB): a 1 MiB name, refused by the name length")
    func longName() throws {
        #expect(Self.expected["long-name.pt"]?["torch_loads"] as? Bool == true)
        #expect(try Self.read("long-name.pt").failure == .limitExceeded(what: "tensor name length in bytes", limit: 1 << 20))
    }

    @Test("the names' budget grows with the pickle: 16 bytes a pickle byte above 1 MiB")
    func nameBudget() throws {
        #expect(PickleLimits.default.nameBudget(pickleBytes: 1_000) == 1 << 20)
        #expect(PickleLimits.default.nameBudget(pickleBytes: 100_000_000) == 1_600_000_000)
        #expect(PickleLimits.default.nameBudget(pickleBytes: .max) == .max)
        var limits = PickleLimits.default
        limits.minNameBudget = 11  // "weight" and "bias", 10 bytes
        #expect(try Self.read("metadata-ok.pt", limits: limits).get().tensors.count == 2)
        limits.minNameBudget = 9
        limits.nameBytesPerPickleByte = 0
        // data.pkl is 290 bytes (Python's zipfile).
        #expect(try Self.read("metadata-ok.pt", limits: limits).failure
            == .limitExceeded(what: "total bytes of tensor names (0 per byte of its 290-byte pickle, at least 9)", limit: 9))
    }

    @Test("the tensor budget: one per 8 pickle bytes, at least 65,536, at most 10,000,000; the walk's: 8 steps a byte, 65,536 to 2^21")
    func budgets() {
        // By hand: 1,000 / 2 = 500; 100 / 2 = 50 < 64; 2^40 / 2 > 10^7.
        #expect(PickleLimits.default.tensorBudget(pickleBytes: 1_000_000) == 125_000)
        #expect(PickleLimits.default.tensorBudget(pickleBytes: 100) == 65_536)
        #expect(PickleLimits.default.tensorBudget(pickleBytes: 1 << 40) == 10_000_000)
        #expect(PickleLimits.default.walkStepBudget(pickleBytes: 1_000) == 65_536)
        #expect(PickleLimits.default.walkStepBudget(pickleBytes: 100_000) == 800_000)
        #expect(PickleLimits.default.walkStepBudget(pickleBytes: .max) == 1 << 21)
    }

    @Test("the tensor count limit: 10,000,000 by default, and a state dict of 2 over a limit of 1 is refused")
    func tensorCount() throws {
        #expect(PickleLimits.default.maxTensors == 10_000_000)
        var limits = PickleLimits.default
        limits.maxTensors = 2
        #expect(try Self.read("metadata-ok.pt", limits: limits).get().tensors.count == 2)
        limits.maxTensors = 1
        #expect(try Self.read("metadata-ok.pt", limits: limits).failure == .limitExceeded(what: "tensor count", limit: 1))
    }

    @Test("a tensor torch.load returns without a state-dict name refuses the file, saying where it is", arguments: unnamedFiles)
    func unnamed(file: String) throws {
        let facts = try #require(Self.expected[file])
        #expect(!(facts["torch_finds_nan_at"] as? [String] ?? []).isEmpty, "torch no longer returns the NaN tensor of \(file)")
        let near = try #require(facts["near"] as? String)
        let place = try #require(facts["place"] as? String)
        let error = try #require(try Self.read(file).failure, "\(file) was read")
        #expect(error == .unnamedTensor(near: near, place: place))
        #expect(error.kind == "unnamed-tensor")
    }

    @Test("an OrderedDict whose items are its call's argument is read with torch.load's names, its NaN tensor among them")
    func orderedDictItemsInTheCall() throws {
        let facts = try #require(Self.expected["odict-call-arguments.pt"])
        let names = try #require(facts["tensor_names"] as? [String])
        #expect(names == ["sd.w", "sd.n"])
        #expect(facts["torch_finds_nan_at"] as? [String] == ["sd.n"])
        #expect(Set(try Self.read("odict-call-arguments.pt").get().tensors.map(\.name)) == Set(names))
    }

    @Test("a real state dict's _metadata (an OrderedDict's BUILD state of version ints) is still read")
    func metadataStillRead() throws {
        let names = try #require(Self.expected["metadata-ok.pt"]?["tensor_names"] as? [String])
        #expect(try Self.read("metadata-ok.pt").get().tensors.map(\.name) == names)
    }
}
