import GGUFFormat
import Testing

/// Every prefix of small valid files: each either fails with an error (never a trap) or, once
/// all tensor bytes are present (only trailing padding cut), reads to the same table.
@Suite struct TruncationTests {
    @Test(arguments: ["valid/small.gguf", "valid/metadata.gguf", "valid/align-64.gguf"])
    func everyPrefixFailsCleanlyOrReadsTheSameTable(name: String) throws {
        let bytes = try GGUFFixtures.bytes(name)
        let full = try GGUFFile.parse(bytes)
        let dataEnd = full.tensors.map(\.byteRange.upperBound).max() ?? full.dataOffset
        var failures = 0
        for length in 0 ..< bytes.count {
            do {
                let file = try GGUFFile.parse(Array(bytes[..<length]))
                #expect(length >= dataEnd, "prefix \(length) read, but tensor data ends at \(dataEnd)")
                #expect(file.tensors == full.tensors && file.metadata == full.metadata)
            } catch {
                failures += 1
                #expect(length < dataEnd, "prefix \(length) failed: \(error)")
            }
        }
        #expect(failures == dataEnd)
    }

    @Test func truncationInsideAStringNamesTheField() throws {
        let bytes = try GGUFFixtures.bytes("valid/small.gguf")
        // Header (24) + "general.architecture" (8 + 20) + type (4) + "llama" (8 + 5): the second
        // key's length starts at 69. Cut at 76, 7 of its 8 bytes remain (76 also leaves room for
        // the 2 tensors × 24 and 3 key-values × 13 bytes the counts promise, so those pass).
        #expect(throws: GGUFError.truncated(offset: 69, needed: 8, available: 7, field: "metadata key length")) {
            try GGUFFile.parse(Array(bytes[..<76]))
        }
    }
}
