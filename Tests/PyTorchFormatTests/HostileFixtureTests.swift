import Foundation
import Testing
@testable import PyTorchFormat

/// Hand-built hostile files give the documented error or the exact unsafe-global list.
@Suite struct HostileFixtureTests {
    static var errorFiles: [String] { TorchFixtures.hostileFiles.filter { $0.value["kind"] as? String == "error" }.keys.sorted() }
    static var unsafeFiles: [String] { TorchFixtures.hostileFiles.filter { $0.value["kind"] as? String == "unsafe" }.keys.sorted() }

    @Test("hostile fixtures are present")
    func present() {
        #expect(Self.errorFiles.count >= 9)
        #expect(Self.unsafeFiles.count >= 6)
    }

    @Test("each hostile file fails with its documented error kind", arguments: errorFiles)
    func documentedError(file: String) throws {
        let expectedKind = try #require(TorchFixtures.hostileFiles[file]?["error"] as? String)
        let error = try #require(TorchFixtures.read(try TorchFixtures.bytes(file)).failure, "\(file) was accepted")
        #expect(error.kind == expectedKind, "\(file): \(error)")
        #expect(!error.description.isEmpty)
    }

    @Test("unsafe globals are listed exactly (module.name as written), and the tensors are still read", arguments: unsafeFiles)
    func unsafeGlobals(file: String) throws {
        let expected = try #require(TorchFixtures.hostileFiles[file])
        let all = try #require(expected["globals"] as? [String])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.globals.map(\.description) == all)
        #expect(checkpoint.unsafeGlobals.map(\.description) == all.filter { !TorchFixtures.allowed.contains($0) })
        #expect(!checkpoint.unsafeGlobals.isEmpty)
        if let names = expected["tensor_names"] as? [String] { #expect(checkpoint.tensors.map(\.name) == names) }
        if let shapes = expected["tensor_shapes"] as? [[UInt64]] { #expect(checkpoint.tensors.map(\.shape) == shapes) }
    }

    static var unsafeErrorFiles: [String] { TorchFixtures.hostileFiles.filter { $0.value["kind"] as? String == "unsafe-error" }.keys.sorted() }

    @Test("a payload where reading then fails: the failure carries the unsafe globals, listed exactly", arguments: unsafeErrorFiles)
    func unsafeGlobalsBeforeFailure(file: String) throws {
        let expected = try #require(TorchFixtures.hostileFiles[file])
        let all = try #require(expected["globals"] as? [String])
        let error = try #require(TorchFixtures.read(try TorchFixtures.bytes(file)).failure, "\(file) was accepted")
        guard case .namesUnsafeGlobals(let inner, let unsafe) = error else {
            Issue.record("\(file): \(error)")
            return
        }
        #expect(unsafe.map(\.description) == all.filter { !TorchFixtures.allowed.contains($0) })
        #expect(!unsafe.isEmpty)
        #expect(inner.kind == expected["error"] as? String, "\(file): \(inner)")
    }

    @Test("a payload after an opcode the reader does not run (protocol 0's FLOAT): the pickle error still names it")
    func unsafeGlobalAfterUnsupportedOpcode() throws {
        let expected = try #require(TorchFixtures.hostileFiles["unsafe-after-unsupported.pt"])
        let all = try #require(expected["globals"] as? [String])
        let error = try #require(TorchFixtures.read(try TorchFixtures.bytes("unsafe-after-unsupported.pt")).failure)
        guard case .pickle(let inner, _, let unsafe) = error else {
            Issue.record("\(error)")
            return
        }
        #expect(inner.kind == expected["error"] as? String, "\(inner)")
        // The stub unpickler's list (it ran the whole stream), less torch's allowlist: posix.system.
        #expect(unsafe.map(\.description) == all.filter { !TorchFixtures.allowed.contains($0) })
        #expect(unsafe.map(\.description) == ["posix.system"])
    }

    /// BINUNICODE `s`.
    static func text(_ s: String) -> [UInt8] { [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + Array(s.utf8) }

    /// The reason a `data.pkl` of `raw` is not a checkpoint, or nil when it reads (or fails otherwise).
    static func notACheckpointReason(_ raw: [UInt8]) -> String? {
        let outcome = raw.withUnsafeBytes { bytes in
            Result<Int, TorchFormatError> { () throws(TorchFormatError) in
                try TorchCheckpointReader.declaredTensors(bytes, entry: "archive/data.pkl", limits: .default).0.count
            }
        }
        guard case .failure(let error) = outcome, case .notACheckpoint(let reason) = error else { return nil }
        return reason
    }

    @Test("a persistent id that is not a storage tuple: refused (torch's persistent_load asserts 'storage' and fails in both modes)")
    func persistentIDNotAStorage() throws {
        // {'x': persistent_id(('foo',))}: PROTO 2, EMPTY_DICT, 'x', 'foo', TUPLE1, BINPERSID, SETITEM, STOP.
        let raw: [UInt8] = [0x80, 0x02, 0x7D] + Self.text("x") + Self.text("foo") + [0x85, 0x51, 0x73, 0x2E]
        let reason = try #require(Self.notACheckpointReason(raw))
        #expect(reason.contains("persistent id that is not a storage") && reason.contains("'x'"), "\(reason)")
    }

    @Test("a dict key Python cannot hash (a tuple holding a list) is refused: unpickling fails in torch.load either way")
    func unhashableKey() throws {
        // {'d': {(1, [2]): 3}}: pickle.loads of these bytes raises TypeError: unhashable type: 'list'.
        let raw: [UInt8] = [0x80, 0x02, 0x7D] + Self.text("d") + [0x7D, 0x28, 0x4B, 1, 0x5D, 0x4B, 2, 0x61, 0x74, 0x4B, 3, 0x73, 0x73, 0x2E]
        let reason = try #require(Self.notACheckpointReason(raw))
        #expect(reason.contains("a dict key under 'd' is a tuple holding a list"), "\(reason)")
    }

    static var cycleFiles: [String] { TorchFixtures.hostileFiles.filter { $0.value["kind"] as? String == "cycle" }.keys.sorted() }

    @Test("a container holding itself is read (torch's safe loader returns it), each tensor under its one name", arguments: cycleFiles)
    func cycles(file: String) throws {
        let names = try #require(TorchFixtures.hostileFiles[file]?["tensor_names"] as? [String])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.tensors.map(\.name) == names)
    }

    @Test("the named payloads", arguments: [
        ("unsafe-os-system.pt", "posix.system"), ("unsafe-eval-protocol2.pt", "__builtin__.eval"),
        ("unsafe-eval-protocol4.pt", "builtins.eval"), ("unsafe-popen.pt", "commands.Popen"),
        ("unsafe-popen-protocol4.pt", "subprocess.Popen"),
    ])
    func payloads(file: String, global: String) throws {
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.unsafeGlobals.map(\.description) == [global])
    }

    @Test("a whole pickled nn.Module is read (its parameters found through the objects' state) and its classes are unsafe")
    func wholeModule() throws {
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes("whole-module.pt")).get()
        #expect(checkpoint.unsafeGlobals.map(\.description).contains("torch.nn.modules.linear.Linear"))
        #expect(checkpoint.tensors.filter(\.isParameter).count == 4)
    }

    @Test("a legacy file with a payload is read, and the unsafe global in its pickles is reported")
    func legacyPayload() throws {
        let expected = try #require(TorchFixtures.hostileFiles["unsafe-legacy.pt"]?["globals"] as? [String])
        let unsafe = expected.filter { !TorchFixtures.allowed.contains($0) }
        #expect(unsafe == ["posix.system"])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes("unsafe-legacy.pt")).get()
        #expect(checkpoint.unsafeGlobals.map(\.description) == unsafe)
        #expect(checkpoint.globals.map(\.description) == expected)
    }

    @Test("specific hostile errors carry their evidence")
    func evidence() throws {
        #expect(TorchFixtures.read(try TorchFixtures.bytes("lying-storage-size.pt")).failure
            == .storageSizeMismatch(key: "0", declared: 100, elementBytes: 4, entryBytes: 16))
        #expect(TorchFixtures.read(try TorchFixtures.bytes("compressed-entry.pt")).failure
            == .zip(.compressedEntry(name: "archive/data/0", method: 8)))
        #expect(TorchFixtures.read(try TorchFixtures.bytes("duplicate-entry.pt")).failure
            == .zip(.duplicateEntry(name: "archive/data/0")))
        let bytes = try TorchFixtures.bytes("truncated.pt")
        #expect(TorchFixtures.read(bytes).failure == .zip(.endNotFound(fileSize: UInt64(bytes.count))))
        if case .tensorOutOfStorage(let name, _)? = TorchFixtures.read(try TorchFixtures.bytes("tensor-past-storage.pt")).failure {
            #expect(name == "w")
        } else { Issue.record("tensor-past-storage.pt not refused as out of storage") }
    }

    @Test("overlapping views are read up to 16 times their storages' bytes (at least 64 MiB), then refused")
    func overlappingViews() throws {
        // 40 views of 200 floats over one 256-float storage (1,024 bytes), each shifted by one:
        // 32,000 bytes of distinct views (by hand: 40 × 200 × 4).
        let bytes = try TorchFixtures.bytes("overlapping-views.pt")
        #expect(try TorchFixtures.read(bytes).get().tensors.count == 40)
        var limits = PickleLimits.default
        limits.minViewBytes = 0
        #expect(TorchFixtures.read(bytes, limits: limits).failure == .limitExceeded(
            what: "bytes read by distinct tensor views (16 × the 1024 bytes of their storages, at least 0)", limit: 16_384))
        limits.viewBytesPerStorageByte = 32
        #expect(try TorchFixtures.read(bytes, limits: limits).get().tensors.count == 40)
    }

    @Test("the memo bomb stops at the walk limit, the nesting bomb at the depth limit, the stack bomb at the stack limit")
    func bombLimits() throws {
        // The step budget grows with the pickle (8 a byte, at least 65,536): a small bomb meets the floor.
        guard case .limitExceeded(let walked, let steps)? = TorchFixtures.read(try TorchFixtures.bytes("memo-bomb.pt")).failure else {
            Issue.record("memo bomb not refused by a limit"); return
        }
        #expect(walked.hasPrefix("objects visited (8 per byte of its "))
        #expect(steps == PickleLimits.default.minWalkSteps)
        // 2^19 names of one tensor through a dict DAG (torch.load returns the shared dicts):
        // the names' total (1 MiB at least) stops it before the tensor budget's floor of 65,536
        // (2^19 names of ~40 bytes each would be 20 MB).
        #expect(TorchFixtures.hostileFiles["dict-dag.pt"]?["shared"] as? Bool == true)
        #expect(TorchFixtures.read(try TorchFixtures.bytes("dict-dag.pt")).failure
            == .limitExceeded(what: "total bytes of tensor names (16 per byte of its 529-byte pickle, at least 1048576)", limit: 1 << 20))
        #expect(TorchFixtures.read(try TorchFixtures.bytes("nesting-bomb.pt")).failure
            == .limitExceeded(what: "nesting depth", limit: PickleLimits.default.maxNestingDepth))
        guard case .pickle(.limitExceeded(let what, let limit, _), _, _)? = TorchFixtures.read(try TorchFixtures.bytes("stack-bomb.pt")).failure else {
            Issue.record("stack bomb not refused by a pickle limit"); return
        }
        #expect(what == "stack depth")
        #expect(limit == 100_000)
    }
}
