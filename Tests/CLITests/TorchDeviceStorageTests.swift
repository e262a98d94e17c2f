import Foundation
import Testing
import TestSupport

/// Torch files whose storages record a device other than the CPU (TestData/pytorch-device;
/// torch's reading of each storage's location and what `torch.load` does on a CPU-only machine
/// in `expected.json`): `torch-device-storage`, info, says how many storages and where.
@Suite struct TorchDeviceStorageTests {
    @Test("cuda.pt and mixed.pt: the storages torch reads as cuda:0, of all, named; torch.load without map_location fails here", arguments: ["cuda.pt", "mixed.pt"])
    func deviceStorages(file: String) throws {
        let files = try #require((try Fixtures.json("pytorch-device/expected.json") as? [String: Any])?["files"] as? [String: [String: Any]])
        let facts = try #require(files[file])
        let locations = try #require(facts["locations"] as? [String])
        let onDevice = locations.filter { $0 != "cpu" }
        #expect(!onDevice.isEmpty)
        #expect((facts["load_without_map_location"] as? String)?.contains("CUDA") == true)
        let result = try CLI.run(["audit", Fixtures.path("pytorch-device/\(file)"), "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let found = (report["findings"] as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "torch-device-storage" }
        #expect(found.count == 1 && found.first?["severity"] as? String == "info")
        let evidence = try #require(found.first?["evidence"] as? [String: Any])
        #expect(evidence["storages"] as? Int == onDevice.count && evidence["total"] as? Int == locations.count)
        #expect(evidence["locations"] as? [String] == Array(Set(onDevice)).sorted())
        #expect((found.first?["message"] as? String)?.contains("map_location=\"cpu\"") == true)
    }

    @Test("a file saved from the CPU: no such finding")
    func cpuOnly() throws {
        let report = try CLI.json(["audit", Fixtures.path("pytorch-views/copy-beside-views.pt")])
        let rules = (report["findings"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
        #expect(rules?.isEmpty == false && rules?.contains("torch-device-storage") == false, "\(rules ?? [])")
    }
}
