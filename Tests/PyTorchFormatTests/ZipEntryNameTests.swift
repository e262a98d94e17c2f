import Foundation
import Testing
@testable import PyTorchFormat

/// Torch zips whose entry names torch.load reads unlike a byte-for-byte reader
/// (`TestData/pytorch-zip-names`, written by its generate.py with torch.load's verdict on each):
/// names matched ignoring ASCII case, the zip test on `PK\u{3}\u{4}` only, every entry in the
/// first entry's folder, an empty view past its storage.
@Suite struct ZipEntryNameTests {
    static let folder = TorchFixtures.folder.deletingLastPathComponent().appendingPathComponent("pytorch-zip-names")

    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object["files"] as? [String: [String: Any]] ?? [:]
    }()

    static var files: [String] { expected.keys.sorted() }

    static func read(_ name: String) throws -> Result<TorchCheckpoint, TorchFormatError> {
        TorchFixtures.read([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }

    @Test("the nine fixtures and torch's verdicts are present")
    func present() {
        #expect(Self.files.count == 9)
    }

    @Test("each file is read or refused as recorded, and what is read is what torch.load returns", arguments: files)
    func verdict(file: String) throws {
        let entry = try #require(Self.expected[file])
        let reader = try #require(entry["reader"] as? [String: Any])
        let torch = try #require(entry["torch_load"] as? [String: Any])
        let result = try Self.read(file)
        if reader["reads"] as? Bool == true {
            let checkpoint = try #require(result.success, "\(file): \(String(describing: result.failure))")
            #expect(torch["loads"] as? Bool == true)
            let tensors = try #require(torch["tensors"] as? [String: [String: Any]])
            #expect(checkpoint.tensors.map(\.name).sorted() == tensors.keys.sorted())
            let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
            for tensor in checkpoint.tensors {
                let reference = try #require(tensors[tensor.name])
                #expect(tensor.shape == (reference["shape"] as? [Int])?.map(UInt64.init))
                let values = try #require(reference["values"] as? [Double])
                let range = try #require(tensor.contiguousByteRange)
                let floats = bytes[Int(range.lowerBound) ..< Int(range.upperBound)].withUnsafeBytes { raw in
                    (0 ..< raw.count / 4).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
                }
                #expect(floats == values, "\(file): \(tensor.name)")
            }
        } else {
            let error = try #require(result.failure, "\(file) was read")
            #expect(error.kind == reader["kind"] as? String, "\(file): \(error)")
        }
    }

    @Test("names that differ only in letter case are one name to torch's zip reader: a pair is refused, naming both")
    func caseTwins() throws {
        #expect(try Self.read("data-pkl-case-twin.pt").failure == .zip(.namesDifferInCaseOnly(first: "archive/data.pkl", second: "archive/Data.pkl")))
        #expect(try Self.read("storage-case-twin.pt").failure == .zip(.namesDifferInCaseOnly(first: "archive/data/0", second: "archive/DATA/0")))
    }

    @Test("a file starting with an end record's signature is no zip (torch.load reads it as a tar): its tar's pickle is named")
    func endRecordSignatureFirst() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent("tar-named-end-record.pt")))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]))
        bytes.withUnsafeBytes { #expect(!ZipArchive.hasZipMagic($0)) }
        let error = try #require(try Self.read("tar-named-end-record.pt").failure)
        #expect(error.description.contains("posix.system"), "\(error)")
    }

    @Test("lookup keys lower ASCII letters only: é, Σ and digits are kept")
    func lookupKeys() {
        #expect(ZipArchive.lookupKey("Archive/DATA.PKL") == "archive/data.pkl")
        #expect(ZipArchive.lookupKey("archive/data/É0Σ") == "archive/data/É0Σ")
        #expect(ZipArchive.lookupKey("[@`{Z]") == "[@`{z]")
    }
}
