import Foundation
import Testing
import TestSupport

/// Every command on torch files whose stored values torch.load changes after the rebuild
/// (TestData/pytorch-load-changes; torch.load's answer for each in its expected.json). Before
/// (hunt-63a H1, H2, H3): `audit` passed them with the stored values, `rows` showed them, and
/// `diff` called `t` and `t._neg_view()` byte-identical.
@Suite struct TorchLoadChangesCLITests {
    static func torch(_ file: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("pytorch-load-changes/expected.json") as? [String: Any])
        let files = try #require(all["files"] as? [String: [String: Any]])
        return try #require(files[file]?["torch"] as? [String: Any])
    }

    @Test("every command exits 2 with one line naming the tensor and what torch.load does to it",
          arguments: [("build-empty-tuple.pt", "w", "which torch.load applies as set_() and so empties the tensor"),
                      ("attr-real-nan.pt", "w", "its saved attribute real overwrites the tensor's values in torch.load"),
                      ("attr-real-shared.pt", "z", "its saved attribute real overwrites the tensor's values in torch.load"),
                      ("meta-neg.pt", "n", "torch.load negates its stored values, which tensoraudit does not apply"),
                      ("meta-conj.pt", "c", "torch.load conjugates its stored values"),
                      ("legacy-build-empty.bin", "w", "which torch.load applies as set_() and so empties the tensor")])
    func refused(file: String, tensor: String, reason: String) throws {
        // torch.load returns values other than the stored ones (recorded by generate.py).
        #expect(try Self.torch(file)["differs_from_stored"] as? Bool == true)
        let path = Fixtures.path("pytorch-load-changes/" + file)
        for command in ["inspect", "rows", "audit"] {
            let result = try CLI.run([command, path])
            #expect(result.status == 2 && !result.crashed, "\(command) \(file): \(result.status)")
            #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.split(separator: "\n").count == 1,
                    "\(command) \(file): \(result.stderr)")
            #expect(result.stderr.contains("tensor '\(tensor)': ") && result.stderr.contains(reason), "\(command) \(file): \(result.stderr)")
        }
    }

    @Test("diff of a tensor and its negative view is refused, not called byte-identical")
    func diffNegativeView() throws {
        let result = try CLI.run(["diff", Fixtures.path("pytorch-load-changes/meta-other-key.pt"), Fixtures.path("pytorch-load-changes/meta-neg-false.pt")])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stderr.contains("its rebuild metadata holds 'neg'"), "\(result.stderr)")
    }

    @Test("set.__new__(set, [t]) (NEWOBJ) drops its argument as torch.load does: only 'w' is listed, and its NaN tensor fails nothing")
    func newObjectSet() throws {
        let path = Fixtures.path("pytorch-load-changes/newobj-set.pt")
        let torchNames = try #require(try Self.torch("newobj-set.pt")["tensors"] as? [String: Any]).keys
        let inspect = try CLI.run(["inspect", path, "--json"])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(tensors.compactMap { $0["name"] as? String } == Array(torchNames))
        let audit = try CLI.run(["audit", path])
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test("a tensor given to complex(), bytearray(), torch.Size() or torch.device() is refused as unnamed-tensor",
          arguments: [("value-complex.pt", "builtins.complex"), ("value-bytearray.pt", "builtins.bytearray"),
                      ("value-size.pt", "torch.Size"), ("value-device.pt", "torch.device")])
    func valueBuilders(file: String, global: String) throws {
        let result = try CLI.run(["audit", Fixtures.path("pytorch-load-changes/" + file)])
        #expect(result.status == 2, "\(result.stdout)")
        #expect(result.stderr.contains("in the arguments of \(global) (torch.load returns the plain value it builds)"), "\(result.stderr)")
    }

    /// torch-64b: where the reader and torch.load disagreed (hunt-63a L1 and three gaps after
    /// it), every command now does what torch.load does, or refuses with one line saying why.
    /// Before: the cut FRAME, the non-dict metadata, attributes and OrderedDict state and the
    /// tensor in backward hooks were read (exit 0) while torch.load fails on or hides them;
    /// the Parameter with two BUILDs, which torch.load reads, was refused (exit 2).
    @Test("each command agrees with torch.load on a cut FRAME, two Parameter BUILDs, non-dict metadata and state, tensors in backward hooks",
          arguments: [("frame-cut-length.pt", "pickle byte 12: the FRAME at byte 2 holds 5 bytes (to byte 16) and cuts the BINUNICODE at byte 12 "
                        + "in two: its 4-byte read from byte 13 runs to byte 17; a frame must hold whole opcodes"),
                      ("frame-nested.pt", "a FRAME begins at byte 11 inside the frame of the FRAME at byte 2, which ends at byte"),
                      ("notdict-meta-list.pt", "tensor 'w': its rebuild metadata is a list, not a dict: torch.load applies any metadata"),
                      ("notdict-param-attr-int.pt", "tensor 'w': its saved Python attributes are an int, not a dict"),
                      ("notdict-odict-state-int.pt", "the OrderedDict gets a BUILD whose state is an int, which is not iterable"),
                      ("hooks-parameter.pt", "a tensor stored in a tensor's backward hooks"),
                      ("notdict-build-dict.pt", "a BUILD on a dict at the top level: torch.load's weights-only unpickler builds only"),
                      ("attr-param-data-tensor.pt", "a tensor stored in a tensor's Python attributes under 'w' is not read"),
                      ("param-build-twice.pt", nil)])
    func agreesWithTorch(file: String, refusal: String?) throws {
        let path = Fixtures.path("pytorch-load-changes/" + file)
        let torch = try Self.torch(file)
        if let refusal {
            // torch.load's default fails on the file, or (hooks) returns a tensor under no name.
            #expect(torch["loads"] as? Bool == false || file.hasPrefix("hooks-") || file.hasPrefix("attr-param-"), "\(file)")
            for command in ["inspect", "rows", "audit"] {
                let result = try CLI.run([command, path])
                #expect(result.status == 2 && !result.crashed, "\(command) \(file): \(result.status) \(result.stdout)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.split(separator: "\n").count == 1,
                        "\(command) \(file): \(result.stderr)")
                #expect(result.stderr.contains(refusal), "\(command) \(file): \(result.stderr)")
            }
        } else {
            let loaded = try #require((torch["tensors"] as? [String: [String: Any]])?["w"])
            let inspect = try CLI.run(["inspect", path, "--json"])
            #expect(inspect.status == 0, "\(inspect.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
            let tensors = try #require(object["tensors"] as? [[String: Any]])
            #expect(tensors.compactMap { $0["name"] as? String } == ["w"])
            #expect(loaded["requires_grad"] as? Bool == true)
        }
    }

    /// torch-65a (hunt-64c L3, L5, L6, L7): every command now does what torch.load does.
    /// Before: a named tensor also in another tensor's hooks and 1,000 BUILDs of one shared state
    /// were refused (exit 2) though torch.load reads them; a FRAME longer than the pickle was
    /// "pickle ends at byte 145 inside an opcode or before STOP"; a BUILD with a state on a
    /// set() or a torch.Size and a saved attribute dtype were read (exit 0) while torch.load fails.
    @Test("each command agrees with torch.load on a shared named tensor, a too-long FRAME, BUILDs on a set or Size, read-only attributes, shared BUILD states",
          arguments: [("named-in-hooks-later.pt", nil),
                      ("build-shared-state.pt", nil),
                      ("frame-too-long.pt", "pickle byte 2: the FRAME at byte 2 declares 234 bytes where 134 follow its length: the C unpickler"),
                      ("notdict-build-set-call.pt", "a BUILD on a set at 's' has a state that is not empty or false: torch.load's weights-only"),
                      ("notdict-build-size.pt", "(\"'torch.Size' object has no attribute '__dict__'\")"),
                      ("attr-dtype.pt", "tensor 'w': its saved attribute dtype is set by torch.load with setattr, which fails on it whatever the value")])
    func agreesWithTorchOnLeftovers(file: String, refusal: String?) throws {
        let path = Fixtures.path("pytorch-load-changes/" + file)
        let torch = try Self.torch(file)
        for command in ["inspect", "rows", "audit"] {
            let result = try CLI.run([command, path])
            if let refusal {
                #expect(torch["loads"] as? Bool == false, "\(file)")
                #expect(result.status == 2 && !result.crashed, "\(command) \(file): \(result.status) \(result.stdout)")
                #expect(result.stderr.hasPrefix("tensoraudit: error: " + path) && result.stderr.split(separator: "\n").count == 1,
                        "\(command) \(file): \(result.stderr)")
                #expect(result.stderr.contains(refusal), "\(command) \(file): \(result.stderr)")
            } else {
                #expect(result.status == 0, "\(command) \(file): \(result.status) \(result.stderr)")
            }
        }
        guard refusal == nil else { return }
        // The names torch.load returns, with its requires_grad.
        let loaded = try #require(torch["tensors"] as? [String: [String: Any]])
        let inspect = try CLI.run(["inspect", path, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(inspect.stdout.utf8)) as? [String: Any])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        #expect(Set(tensors.compactMap { $0["name"] as? String }) == Set(loaded.keys))
    }
}
