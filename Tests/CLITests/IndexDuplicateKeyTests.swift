import Foundation
import Testing
import TestSupport

/// `index-duplicate-key`'s evidence: the byte offsets of each occurrence of the key in the index,
/// as JSON integers (the README: "integers are written exactly"; they were strings).
@Suite struct IndexDuplicateKeyTests {
    @Test("offsets are integers, each the position of a `\"a\":` key in the index file (found here by a plain byte search)")
    func offsets() throws {
        let folder = Fixtures.path("sources/index-duplicate-key")
        let index = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/model.safetensors.index.json")))
        let needle = Array(#""a": "#.utf8)
        let positions = (0 ... index.count - needle.count).filter { Array(index[$0 ..< $0 + needle.count]) == needle }
        #expect(positions.count == 2)
        let result = try CLI.run(["audit", folder, "--json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let finding = try #require((report["findings"] as? [[String: Any]])?.first { $0["rule"] as? String == "index-duplicate-key" })
        let evidence = try #require(finding["evidence"] as? [String: Any])
        #expect(evidence["offsets"] as? [Int] == positions, "\(evidence)")
        #expect(!result.stdout.contains("\"offsets\": [\""), "numbers, not strings")
    }
}
