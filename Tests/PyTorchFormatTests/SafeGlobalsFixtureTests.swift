import Foundation
import Testing
@testable import PyTorchFormat

/// Checkpoints holding plain values beside their tensors (`TestData/pytorch-safe-globals`, written
/// by torch.save): the globals called unsafe are exactly those torch's own safe loader,
/// `torch.load(weights_only=True)`, refuses, and the tensors read are those it returns.
@Suite struct SafeGlobalsFixtureTests {
    static let folder = TorchFixtures.folder.deletingLastPathComponent().appendingPathComponent("pytorch-safe-globals")

    nonisolated(unsafe) static let expected: [String: Any] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }()

    static var files: [String: [String: Any]] { expected["files"] as? [String: [String: Any]] ?? [:] }
    static var allNames: [String] { files.keys.sorted() }
    /// Files torch's safe loader opens (with or without tensors this reader does not read).
    static var acceptedNames: [String] { files.filter { $0.value["kind"] as? String != "unsafe" }.keys.sorted() }

    static func read(_ name: String) throws -> Result<TorchCheckpoint, TorchFormatError> {
        TorchFixtures.read([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }

    static func global(_ text: String) -> PickleGlobal {
        let dot = text.lastIndex(of: ".") ?? text.endIndex
        return PickleGlobal(module: String(text[..<dot]), name: String(text[text.index(after: dot)...]))
    }

    @Test("the fixture set is present")
    func present() {
        #expect(Self.files.count >= 13, "expected.json missing or incomplete")
        #expect((Self.expected["torch_allowed_globals"] as? [String] ?? []).count >= 100)
    }

    @Test("every global torch's safe loader accepts is recognised")
    func torchAllowlist() {
        let allowed = Self.expected["torch_allowed_globals"] as? [String] ?? []
        let missing = allowed.filter { !RecognisedGlobals.isRecognised(Self.global($0)) }
        #expect(missing.isEmpty, "not recognised: \(missing)")
    }

    @Test("globals torch's safe loader refuses stay unsafe", arguments: [
        "builtins.frozenset", "__builtin__.frozenset", "builtins.slice", "__builtin__.xrange", "builtins.range",
        "builtins.eval", "__builtin__.eval", "builtins.getattr", "posix.system", "os.system", "subprocess.Popen",
        "torch.nn.modules.linear.Linear", "torch.load", "torch._utils._rebuild_xla_tensor", "torch.serialization.load",
        "collections.defaultdict", "_codecs.decode", "torch._tensor.Tensor", "torch.cuda.QInt8Storage", "torch.sparse.BoolTensor",
        "__builtin__.long", "copy_reg._reconstructor", "torch.fake", "builtins.set.__init__",
    ])
    func refused(name: String) {
        #expect(!RecognisedGlobals.isRecognised(Self.global(name)))
    }

    @Test("a global of a checked module that is not in the table is not checked, not 'not callable' (by hand)", arguments: [
        "collections.defaultdict", "_codecs.decode", "torch.serialization.other", "torch.nn.parameter.UninitializedParameter",
    ])
    func uncheckedArity(name: String) {
        // Outer nil: not checked. `.some(nil)` would say a call to it fails whatever its arguments.
        let arity = RecognisedGlobals.arity(of: Self.global(name))
        #expect(arity == nil, "\(name): \(String(describing: arity))")
    }

    @Test("arities by hand: OrderedDict 0…1, _codecs.encode 1…3, torch.Size 0…1; a dtype is not callable")
    func checkedArity() {
        #expect(RecognisedGlobals.arity(of: Self.global("collections.OrderedDict")) == .some(0 ... 1))
        #expect(RecognisedGlobals.arity(of: Self.global("_codecs.encode")) == .some(1 ... 3))
        #expect(RecognisedGlobals.arity(of: Self.global("torch.Size")) == .some(0 ... 1))
        #expect(RecognisedGlobals.arity(of: Self.global("torch.float32")) == .some(nil))
    }

    @Test("a Lightning-style defaultdict(dict) is refused as unsafe, as torch's safe loader does, and not called unreadable")
    func defaultDict() throws {
        let facts = try #require(Self.files["g_defaultdict.bin"])
        #expect(facts["kind"] as? String == "unsafe")
        // The read succeeds (it threw "calls collections.defaultdict, which is not callable",
        // which the command line added to the refusal as "the pickle is also unreadable").
        let checkpoint = try Self.read("g_defaultdict.bin").get()
        #expect(checkpoint.unsafeGlobals.map(\.description) == facts["refused_globals"] as? [String])
    }

    @Test("the globals called unsafe are exactly those torch's safe loader refuses", arguments: allNames)
    func unsafeAgreesWithTorch(file: String) throws {
        let facts = try #require(Self.files[file])
        let globals = try #require(facts["globals"] as? [String])
        let refused = try #require(facts["refused_globals"] as? [String])
        let checkpoint = try Self.read(file).get()
        #expect(checkpoint.globals.map(\.description) == globals)
        #expect(checkpoint.unsafeGlobals.map(\.description) == refused, "\(file)")
        #expect(refused.isEmpty == (facts["kind"] as? String != "unsafe"), "\(file): torch's verdict")
    }

    @Test("the tensors read are those torch's safe loader returns: names, dtypes, shapes, strides, bytes", arguments: acceptedNames)
    func tensorsMatchTorch(file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
        let checkpoint = try TorchFixtures.read(bytes).get()
        let torchTensors = try #require(Self.files[file]?["tensors"] as? [[String: Any]])
        #expect(checkpoint.tensors.map(\.name) == torchTensors.map { $0["name"] as? String ?? "?" }, "\(file)")
        for (ours, theirs) in zip(checkpoint.tensors, torchTensors) {
            #expect("torch." + ours.dtype.rawValue == theirs["torch_dtype"] as? String, "\(file): \(ours.name)")
            #expect(ours.shape == (theirs["shape"] as? [UInt64]), "\(file): \(ours.name)")
            #expect(ours.stride == (theirs["stride"] as? [UInt64]), "\(file): \(ours.name)")
            #expect(ours.isParameter == theirs["is_parameter"] as? Bool, "\(file): \(ours.name)")
            let range = try #require(ours.contiguousByteRange, "\(file): \(ours.name)")
            #expect(Array(bytes[Int(range.lowerBound) ..< Int(range.upperBound)]) == bytesFromHex(theirs["bytes_hex"] as? String ?? ""),
                    "\(file): \(ours.name)")
        }
    }

    @Test("quantized and sparse tensors are listed as unsupported (kind and dtype or layout as torch says), the dense rest read",
          arguments: ["quantized.bin", "sparse.bin"])
    func unsupportedKinds(file: String) throws {
        let facts = try #require(Self.files[file]?["unsupported"] as? [[String: Any]])
        let checkpoint = try Self.read(file).get()
        #expect(checkpoint.unsafeGlobals.isEmpty)
        #expect(checkpoint.unsupportedTensors.map(\.name) == facts.map { $0["name"] as? String ?? "?" })
        #expect(checkpoint.unsupportedTensors.map(\.kind) == facts.map { $0["kind"] as? String ?? "?" })
        #expect(checkpoint.unsupportedTensors.map(\.detail) == facts.map { $0["detail"] as? String })
        #expect(checkpoint.tensors.map(\.name) == ["w"])
    }

    @Test("a quantized tensor beside a refused global: the global is unsafe, the tensor unsupported")
    func unsafeAndQuantized() throws {
        let checkpoint = try Self.read("quantized-frozenset.bin").get()
        #expect(checkpoint.unsafeGlobals.map(\.description) == ["__builtin__.frozenset"])
        #expect(checkpoint.unsupportedTensors == [UnsupportedTorchTensor(name: "q", kind: "quantized", function: "_rebuild_qtensor", detail: "quint8")])
    }
}
/// A GLOBAL whose name holds dots: torch's weights-only unpickler looks it up as
/// `module + "." + name`, so torch 2.13 loaded hunt-63a's gl_dotted.pt (module `torch`, name
/// `_utils._rebuild_tensor_v2`) as `{'w': tensor([1., 2., 3., 4.])}`.
@Suite struct DottedGlobalNameTests {
    @Test("torch + _utils._rebuild_tensor_v2 is torch._utils._rebuild_tensor_v2, which torch.load allows; os + system.x stays unsafe")
    func dottedNameJoinsTheModule() {
        let dotted = PickleGlobal(module: "torch", name: "_utils._rebuild_tensor_v2")
        #expect(dotted.module == "torch._utils" && dotted.name == "_rebuild_tensor_v2")
        #expect(RecognisedGlobals.unsafe([dotted]).isEmpty)
        #expect(RecognisedGlobals.unsafe([PickleGlobal(module: "os", name: "system.x")]).count == 1)
    }
}
