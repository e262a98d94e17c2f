import Foundation
import Testing
@testable import PyTorchFormat

/// The legacy (pre-1.6) torch.save stream, `TestData/pytorch-legacy`: every expected value is
/// torch's (`generate.py`: torch.load, and a search of the file for each tensor's bytes).
@Suite("Legacy torch.save files")
struct LegacyTorchTests {
    static let folder = TorchFixtures.folder.deletingLastPathComponent().appendingPathComponent("pytorch-legacy")

    nonisolated(unsafe) static let expected: [String: [String: [String: Any]]] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]] else { return [:] }
        return object
    }()

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static var goodNames: [String] { (expected["good"] ?? [:]).keys.sorted() }
    static var hostileNames: [String] { (expected["hostile"] ?? [:]).filter { $0.value["kind"] is String }.keys.sorted() }
    /// Files the lying writer made that torch.load reads (kind null): read here too.
    static var readableNames: [String] { (expected["hostile"] ?? [:]).filter { $0.value["kind"] is NSNull }.keys.sorted() }

    /// Groups as sets of names, in a fixed order (torch's dict order and ours may differ).
    static func canonical(_ groups: [[String]]) -> [[String]] {
        let sortedGroups: [[String]] = groups.map { $0.sorted() }
        return sortedGroups.sorted { $0.joined(separator: "\u{0}") < $1.joined(separator: "\u{0}") }
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("torch.save's legacy files are read: every tensor's name, dtype, shape and bytes as torch.load has them",
          arguments: goodNames + readableNames)
    func goodFile(name: String) throws {
        let file = try Self.bytes(name)
        let expected = try #require(Self.expected["good"]?[name] ?? Self.expected["hostile"]?[name])
        let checkpoint = try TorchFixtures.read(file).get()
        #expect(checkpoint.isLegacy == name.hasSuffix(".bin"))
        let tensors = try #require(expected["tensors"] as? [[String: Any]])
        #expect(checkpoint.tensors.map(\.name) == tensors.compactMap { $0["name"] as? String })
        for (tensor, want) in zip(checkpoint.tensors, tensors) {
            #expect(tensor.dtype.rawValue == want["dtype"] as? String, "\(tensor.name)")
            #expect(tensor.shape == (want["shape"] as? [Int])?.map(UInt64.init), "\(tensor.name)")
            let range = try #require(tensor.contiguousByteRange)
            #expect(Self.hex(file[Int(range.lowerBound) ..< Int(range.upperBound)]) == want["hex"] as? String, "\(tensor.name)")
            if let offset = want["data_offset"] as? Int { #expect(range.lowerBound == UInt64(offset), "\(tensor.name)") }
        }
        if let groups = expected["shared_storage_groups"] as? [[String]] {
            #expect(Self.canonical(checkpoint.sharedStorageGroups) == Self.canonical(groups))
        }
        if let globals = expected["globals"] as? [String] { #expect(checkpoint.globals.map(\.description) == globals) }
        // Opcodes torch's weights-only unpickler lacks exactly when torch's safe loader refuses the file.
        #expect(checkpoint.weightsOnlyUnsupportedOpcodes.isEmpty == (expected["weights_only"] as? String == "loads"
            || Self.expected["hostile"]?[name]?["torch"] as? String == "loads"))
        #expect(checkpoint.unsafeGlobals.isEmpty)
    }

    @Test("a legacy file whose records, keys or version lie is refused with the kind torch's failure (or silence) calls for",
          arguments: hostileNames)
    func hostileFile(name: String) throws {
        let kind = try #require(Self.expected["hostile"]?[name]?["kind"] as? String)
        let result = TorchFixtures.read(try Self.bytes(name))
        switch kind {
        case "pickle-unsafe-global" where Self.expected["hostile"]?[name]?["unsafe"] != nil:
            // A payload in a stream this reader cannot run (protocol 1, a tar) or one it reads
            // (the magic number through the memo): named.
            let unsafe = try #require(Self.expected["hostile"]?[name]?["unsafe"] as? [String])
            // Read (then refused by the loader for its global) or refused here: named either way.
            let named = (try? result.get().unsafeGlobals) ?? result.failure.map(Self.unsafeGlobals) ?? []
            #expect(named.map(\.description) == unsafe, "\(String(describing: result.failure))")
        case "pickle-unsafe-global":
            // A whole nn.Module: read (its 'module' ids are its classes), its classes unsafe.
            let checkpoint = try result.get()
            let torchGlobals = try #require(Self.expected["hostile"]?[name]?["globals"] as? [String])
            #expect(checkpoint.globals.map(\.description) == torchGlobals)
            #expect(checkpoint.unsafeGlobals.map(\.description).contains("torch.nn.modules.linear.Linear"))
            // torch's weights-only unpickler refuses its ('module', …) ids.
            #expect(checkpoint.weightsOnlyUnsupportedOpcodes.contains { $0.contains("'module'") })
        case "ambiguous-format":
            // Valid as another format too: decided where formats are told apart (LegacyTorchCLITests).
            let bytes = try Self.bytes(name)
            #expect(bytes.withUnsafeBytes { TorchCheckpointReader.kind(of: $0) } != .other)
        case "unsupported-tensor-kind":
            #expect(try result.get().unsupportedTensors.count == 1)
        case "unsupported-format":
            // A plain pickle, or a tar torch.load reads as the format before 0.4.
            #expect(result.failure == .rawPickleStream(unsafeGlobals: []) || result.failure == .tarArchive(unsafeGlobals: []),
                    "\(String(describing: result.failure))")
        default:
            #expect(result.failure?.kind == kind, "\(String(describing: result.failure))")
        }
    }

    /// The unsafe globals an error carries, whichever case carries them.
    static func unsafeGlobals(_ error: TorchFormatError) -> [PickleGlobal] {
        switch error {
        case .pickle(_, _, let unsafe), .tarArchive(let unsafe), .namesUnsafeGlobals(_, let unsafe), .rawPickleStream(let unsafe): unsafe
        default: []
        }
    }

    @Test("every prefix of a legacy file is refused with an error, never read as a smaller checkpoint or a crash")
    func everyPrefix() throws {
        let file = try Self.bytes("written.bin")
        for length in 0 ..< file.count {
            #expect(TorchFixtures.read(Array(file.prefix(length))).failure != nil, "prefix of \(length) bytes")
        }
    }
}
/// A legacy stream cut inside one of its pickles: the pickle's error counts bytes from that
/// pickle's start, and the entry says so beside the file offset (hunt-63a L3: "from byte 652
/// …: pickle ends at byte 66" read as the file's byte 66).
@Suite struct LegacyPickleOffsetTests {
    @Test("every cut inside a legacy pickle: the entry names the pickle's start in the file and that its offsets count from there")
    func cutPickleSaysWhereItsOffsetsStart() throws {
        let bytes = try LegacyTorchTests.bytes("state-dict.bin")
        var seen = 0
        for length in stride(from: 1, to: bytes.count, by: 7) {
            guard case .failure(let error) = TorchFixtures.read(Array(bytes[..<length])) else { continue }
            let text = error.description
            guard text.contains("legacy pickle"), text.contains("pickle ends at byte") else { continue }
            seen += 1
            #expect(text.contains(" of the file; its offsets count from there)"), "\(text)")
        }
        #expect(seen > 0)
    }
}
