import Foundation
import Testing
@testable import PyTorchFormat

/// Every torch.save fixture reads back as exactly what torch said about it (`expected.json`).
@Suite struct TorchFixtureTests {
    @Test("the fixture set is present")
    func fixturesPresent() {
        #expect(TorchFixtures.stateDictNames.count >= 6, "expected.json missing or incomplete")
    }

    @Test("tensor names, dtypes, shapes, strides, offsets and flags match torch", arguments: TorchFixtures.stateDictNames)
    func tensorsMatchTorch(file: String) throws {
        let expected = try #require(TorchFixtures.goodFiles[file])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        let torchTensors = try #require(expected["tensors"] as? [[String: Any]])
        #expect(checkpoint.tensors.map(\.name) == torchTensors.map { $0["name"] as? String ?? "?" })
        for (ours, theirs) in zip(checkpoint.tensors, torchTensors) {
            let torchDType = theirs["torch_dtype"] as? String ?? "?"
            #expect("torch." + ours.dtype.rawValue == torchDType, "\(ours.name)")
            #expect(ours.dtype.safetensorsName == TorchFixtures.safetensorsName[torchDType], "\(ours.name)")
            #expect(ours.shape == (theirs["shape"] as? [UInt64]), "\(ours.name)")
            #expect(ours.stride == (theirs["stride"] as? [UInt64]), "\(ours.name)")
            #expect(ours.storageOffset == theirs["storage_offset"] as? UInt64, "\(ours.name)")
            #expect(ours.requiresGrad == theirs["requires_grad"] as? Bool, "\(ours.name)")
            #expect(ours.isParameter == theirs["is_parameter"] as? Bool, "\(ours.name)")
            #expect(ours.isContiguous == theirs["is_contiguous"] as? Bool, "\(ours.name)")
            #expect(ours.dtype.byteWidth == theirs["element_size"] as? Int, "\(ours.name)")
            let storageBytes = theirs["storage_nbytes"] as? UInt64 ?? 0
            #expect(ours.storageElementCount == storageBytes / UInt64(ours.dtype.byteWidth), "\(ours.name)")
            #expect((ours.contiguousByteRange != nil) == ours.isContiguous)
        }
    }

    @Test("torch.load's default (weights_only=True) refuses exactly the files whose pickle uses opcodes its unpickler lacks",
          arguments: TorchFixtures.stateDictNames)
    func weightsOnlyVerdict(file: String) throws {
        let expected = try #require(TorchFixtures.goodFiles[file])
        let verdict = try #require(expected["weights_only"] as? String, "\(file): expected.json predates the weights_only verdict")
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.weightsOnlyUnsupportedOpcodes.isEmpty == (verdict == "loads"), "\(file): \(verdict)")
        // torch names the first opcode it meets ("Unsupported operand 149", FRAME); it is among ours.
        if let operand = verdict.split(separator: " ").last.flatMap({ UInt8($0) }), verdict.hasPrefix("refuses") {
            let hex = "(0x" + String(operand, radix: 16, uppercase: true) + ")"
            #expect(checkpoint.weightsOnlyUnsupportedOpcodes.contains { $0.hasSuffix(hex) }, "\(checkpoint.weightsOnlyUnsupportedOpcodes)")
        }
    }

    @Test("the weights-only opcode table equals the one read from torch's unpickler")
    func weightsOnlyTable() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TestData/pytorch/weights-only-opcodes.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let codes = try #require(document["weights_only_opcodes"] as? [String: Int])
        #expect(WeightsOnlyOpcodes.supported == Set(codes.values.map { UInt8($0) }))
        let names = try #require(document["opcode_names"] as? [String: String])
        #expect(WeightsOnlyOpcodes.names == Dictionary(uniqueKeysWithValues: names.map { (UInt8($0.key) ?? 0, $0.value) }))
        #expect((document["torch_version"] as? String)?.hasPrefix(WeightsOnlyOpcodes.torchVersion) == true)
    }

    @Test("tensor bytes: contiguous ranges and strided gathers equal torch's values", arguments: TorchFixtures.stateDictNames)
    func bytesMatchTorch(file: String) throws {
        let bytes = try TorchFixtures.bytes(file)
        let expected = try #require(TorchFixtures.goodFiles[file])
        let checkpoint = try TorchFixtures.read(bytes).get()
        let torchTensors = try #require(expected["tensors"] as? [[String: Any]])
        for (ours, theirs) in zip(checkpoint.tensors, torchTensors) {
            let values = bytesFromHex(theirs["bytes_hex"] as? String ?? "")
            let storage = try #require(checkpoint.storages.first { $0.key == ours.storageKey })
            #expect(gather(ours, storage: storage, file: bytes) == values, "\(file): \(ours.name)")
            // The reader's own gather (what a strided view is read through) gives torch's bytes too.
            var copied = [UInt8](repeating: 0xA5, count: Int(ours.gatheredByteCount ?? 0))
            bytes.withUnsafeBytes { file in copied.withUnsafeMutableBytes { ours.gather(from: file, into: $0) } }
            #expect(copied == values, "\(file): \(ours.name), TorchTensor.gather")
            if let range = ours.contiguousByteRange {
                #expect(Array(bytes[Int(range.lowerBound) ..< Int(range.upperBound)]) == values, "\(file): \(ours.name)")
            }
            #expect(ours.spanByteRange.lowerBound >= storage.byteRange.lowerBound)
            #expect(ours.spanByteRange.upperBound <= storage.byteRange.upperBound)
            if let sum = theirs["sum"] as? Double, let squares = theirs["sum_squares"] as? Double, ours.dtype == .float32 {
                let floats = stride(from: 0, to: values.count, by: 4).map { i in
                    Double(Float(bitPattern: UInt32(values[i]) | UInt32(values[i + 1]) << 8 | UInt32(values[i + 2]) << 16 | UInt32(values[i + 3]) << 24))
                }
                // numpy sums pairwise, we sum in order: equal to rounding of a few ulps.
                #expect(abs(floats.reduce(0, +) - sum) <= 1e-12 * max(1, abs(sum)), "\(ours.name)")
                #expect(abs(floats.reduce(0) { $0 + $1 * $1 } - squares) <= 1e-12 * max(1, squares), "\(ours.name)")
            }
        }
    }

    @Test("shared storages are grouped exactly as torch's data_ptr sharing", arguments: TorchFixtures.stateDictNames)
    func sharedStorages(file: String) throws {
        let expected = try #require(TorchFixtures.goodFiles[file])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.sharedStorageGroups == (expected["shared_storage_groups"] as? [[String]]))
    }

    @Test("storages sit exactly on their zip entries (Python zipfile's offsets)", arguments: TorchFixtures.stateDictNames)
    func storagesOnEntries(file: String) throws {
        let expected = try #require(TorchFixtures.goodFiles[file])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        let entries = try #require(expected["zip_entries"] as? [[String: Any]])
        let dataEntries = entries.filter { ($0["name"] as? String)?.contains("/data/") == true }
        #expect(checkpoint.storages.count == dataEntries.count)
        for storage in checkpoint.storages {
            let entry = try #require(entries.first { $0["name"] as? String == storage.entryName }, "\(storage.entryName)")
            #expect(storage.byteRange.lowerBound == entry["data_offset"] as? UInt64)
            #expect(storage.byteCount == entry["size"] as? UInt64)
        }
    }

    @Test("globals are the stub unpickler's list; none is unsafe in a torch.save state dict", arguments: TorchFixtures.stateDictNames)
    func globals(file: String) throws {
        let expected = try #require(TorchFixtures.goodFiles[file])
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes(file)).get()
        #expect(checkpoint.globals.map(\.description) == (expected["globals"] as? [String]))
        #expect(checkpoint.unsafeGlobals.isEmpty)
        #expect(checkpoint.suspiciousEntryNames.isEmpty)
    }

    @Test("torch.save writes stored, 64-byte aligned entries and ZIP64 end records")
    func torchLayoutFacts() throws {
        let checkpoint = try TorchFixtures.read(try TorchFixtures.bytes("dtypes.pt")).get()
        #expect(checkpoint.isZip64)
        #expect(checkpoint.root == "dtypes")
        #expect(checkpoint.pickleProtocol == 2)
        #expect(checkpoint.storages.allSatisfy { $0.byteRange.lowerBound % 64 == 0 })
        let p4 = try TorchFixtures.read(try TorchFixtures.bytes("dtypes-protocol4.pt")).get()
        #expect(p4.pickleProtocol == 4)
    }

    @Test("the hand-written ZIP64 file (records, locator, extra fields) reads like its source")
    func zip64() throws {
        let zip64 = try TorchFixtures.read(try TorchFixtures.bytes("zip64.pt")).get()
        let source = try TorchFixtures.read(try TorchFixtures.bytes("tied.bin")).get()
        #expect(zip64.isZip64)
        #expect(zip64.tensors.map(\.name) == source.tensors.map(\.name))
        #expect(zip64.tensors.map(\.shape) == source.tensors.map(\.shape))
    }

    @Test("a legacy (pre-1.6) file is read; a TorchScript archive and a plain pickle are named, not misparsed")
    func otherTorchFormats() throws {
        let legacy = try TorchFixtures.bytes("legacy.pt")
        #expect(legacy.withUnsafeBytes { TorchCheckpointReader.kind(of: $0) } == .rawPickle(hasTorchMagic: true))
        // generate.py: torch.save({"w": torch.ones(3)}, _use_new_zipfile_serialization=False)
        let read = try TorchFixtures.read(legacy).get()
        #expect(read.tensors.map(\.name) == ["w"] && read.tensors.map(\.shape) == [[3]] && read.isLegacy)
        let script = TorchFixtures.read(try TorchFixtures.bytes("torchscript.pt")).failure
        #expect(script == .torchScriptArchive(root: "torchscript"))
        #expect(script?.kind == "torchscript-archive")
        #expect(TorchFixtures.read([0x80, 0x04, 0x4B, 0x01, 0x2E]).failure?.kind == "raw-pickle-stream")
    }
}
