import Foundation
import Testing
import TestSupport

/// OrderedDicts pickled as `OrderedDict([[key, value], …])`, their items in the call's argument
/// (Python 2's pickles, lpips 0.1.4's weight files): read with the names, shapes and
/// values torch.load gives (TestData/pytorch-legacy/ordered-pairs, expected values from torch
/// and numpy by `generate.py`).
@Suite struct OrderedDictPairsTests {
    static let folder = "pytorch-legacy/ordered-pairs/"

    static func expected() throws -> [String: [String: Any]] {
        try #require(try Fixtures.json(folder + "expected.json") as? [String: [String: Any]])
    }

    static let dtypes = ["float32": "F32", "float64": "F64"]

    @Test("each file torch.load reads: the same names (inspect lists them in file order), dtypes, shapes and sums of squares",
          arguments: ["lpips-alex.pth", "lpips-squeeze.pth", "pairs-lists.pt", "pairs-tuples.pt", "pairs-legacy.bin",
                      "pairs-dict.pt", "pairs-then-set.pt"])
    func readsAsTorchDoes(file: String) throws {
        let facts = try #require(try Self.expected()[file])
        #expect(facts["loads"] as? Bool == true)
        let want = try #require(facts["tensors"] as? [[String: Any]])
        let path = Fixtures.path(Self.folder + file)
        let inspect = try CLI.run(["inspect", path, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let tensors = try #require(report["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String }.sorted() == want.compactMap { $0["name"] as? String }.sorted())
        for tensor in want {
            let name = try #require(tensor["name"] as? String)
            let got = try #require(tensors.first { $0["name"] as? String == name })
            #expect(got["shape"] as? [Int] == tensor["shape"] as? [Int], "\(name)")
            #expect(got["dtype"] as? String == Self.dtypes[tensor["dtype"] as? String ?? ""], "\(name)")
            let rows = try CLI.run(["rows", path, "--tensor", name, "--json"])
            #expect(rows.status == 0, "\(name): \(rows.stderr)")
            let rowReport = try #require(try JSONSerialization.jsonObject(with: Data(rows.stdout.utf8)) as? [String: Any])
            let norms = (rowReport["rows"] as? [[String: Any]] ?? []).compactMap { $0["l2_norm"] as? Double }
            let squares = norms.reduce(0) { $0 + $1 * $1 }
            let reference = try #require(tensor["sum_of_squares"] as? Double)
            #expect(abs(squares - reference) <= 1e-12 * max(1, reference), "\(name): \(squares) vs numpy \(reference)")
        }
    }

    @Test("a key set after the call keeps the argument's place and takes the later value, as torch.load's dict does")
    func setAfterTheCall() throws {
        let path = Fixtures.path(Self.folder + "pairs-then-set.pt")
        let want = try #require(Self.expected()["pairs-then-set.pt"]?["tensors"] as? [[String: Any]])
        #expect(want.compactMap { $0["name"] as? String } == ["a.weight", "b.bias", "c"])
        let inspect = try CLI.run(["inspect", path, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let shape = (report["tensors"] as? [[String: Any]])?.first { $0["name"] as? String == "a.weight" }?["shape"] as? [Int]
        #expect(shape == [5], "a.weight is the value set last (b's [5]), not the argument's [4, 3]")
    }

    @Test("items changed after the call (torch.load keeps the call's all-NaN tensor), a pair completed after it (torch.load fails): refused as items-changed-after-call, never read from the final state",
          arguments: ["changed-after-call.pt", "pair-completed-after-call.pt"])
    func notReadFromFinalState(file: String) throws {
        let facts = try #require(try Self.expected()[file])
        if file == "changed-after-call.pt" {
            let tensors = try #require(facts["tensors"] as? [[String: Any]])
            #expect(tensors.first?["all_nan"] as? Bool == true, "torch.load's sd.a is the NaN tensor of the call")
        } else {
            #expect(facts["loads"] as? Bool == false)
        }
        let path = Fixtures.path(Self.folder + file)
        for command in ["inspect", "audit"] {
            let result = try CLI.run([command, path])
            #expect(result.status == 2 && !result.crashed, "\(command): \(result.status) \(result.stderr)")
        }
        let inspect = try CLI.run(["inspect", path])
        #expect(inspect.stderr.contains("the items of an OrderedDict under 'sd' hold a tensor and are changed after the call that read them"), "\(inspect.stderr)")
        let audit = try CLI.json(["audit", path], status: 2)
        #expect((audit["error"] as? [String: Any])?["kind"] as? String == "items-changed-after-call")
    }

    @Test("NEWOBJ: OrderedDict.__new__ drops its argument, and torch.load returns an empty OrderedDict: no tensor read, none refused")
    func newObject() throws {
        #expect((try Self.expected()["newobj.pt"]?["tensors"] as? [Any])?.isEmpty == true, "torch.load's OrderedDict is empty")
        let report = try CLI.json(["inspect", Fixtures.path(Self.folder + "newobj.pt")])
        #expect((report["tensors"] as? [Any])?.isEmpty == true)
    }

    @Test("an item of three values: torch.load fails, and every command refuses the file (exit 2)")
    func notPairs() throws {
        #expect(try Self.expected()["not-pairs.pt"]?["loads"] as? Bool == false)
        let result = try CLI.run(["inspect", Fixtures.path(Self.folder + "not-pairs.pt")])
        #expect(result.status == 2 && !result.crashed, "\(result.stderr)")
    }
}
