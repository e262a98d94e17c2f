import Testing
@testable import CheckpointIO

/// Names of split GGUF parts as llama.cpp makes them (`llama_split_path`:
/// `%s-%05d-of-%05d.gguf`), parsed and rebuilt; expectations written by hand.
@Suite struct GGUFSplitNameTests {
    @Test("dir/model-00002-of-00003.gguf: prefix dir/model, part 2 of 3; part 3 is dir/model-00003-of-00003.gguf")
    func parsed() throws {
        let name = try #require(GGUFSplitName(path: "dir/model-00002-of-00003.gguf"))
        #expect(name.prefix == "dir/model" && name.part == 2 && name.count == 3)
        #expect(name.path(ofPart: 3) == "dir/model-00003-of-00003.gguf")
        #expect(GGUFSplitName(path: "m-65535-of-65535.gguf")?.path(ofPart: 1) == "m-00001-of-65535.gguf")
        // A folder alone is a prefix, as llama.cpp's llama_split_prefix takes it.
        #expect(GGUFSplitName(path: "dir/-00001-of-00002.gguf")?.path(ofPart: 2) == "dir/-00002-of-00002.gguf")
    }

    @Test("not llama.cpp's pattern: no part", arguments: [
        "model-1-of-3.gguf", "model-00004-of-00003.gguf", "model-00000-of-00003.gguf", "-00001-of-00002.gguf",
        "model-00001-of-00002.GGUF", "model-00001-of-00002.gguf.zst", "model-0000a-of-00002.gguf",
        "model-00001_of-00002.gguf", "model.gguf",
    ])
    func refused(path: String) {
        #expect(GGUFSplitName(path: path) == nil)
    }

    @Test("a folder's parts: the first part's name when every name is a part of one split")
    func firstPart() {
        #expect(CheckpointLoader.splitFirstPart(among: ["m-00002-of-00002.gguf", "m-00001-of-00002.gguf"]) == "m-00001-of-00002.gguf")
        #expect(CheckpointLoader.splitFirstPart(among: ["-00002-of-00002.gguf", "-00001-of-00002.gguf"]) == "-00001-of-00002.gguf")
        #expect(CheckpointLoader.splitFirstPart(among: ["m-00002-of-00002.gguf", "other.gguf"]) == nil)
        #expect(CheckpointLoader.splitFirstPart(among: ["m-00001-of-00002.gguf", "n-00002-of-00002.gguf"]) == nil)
        #expect(CheckpointLoader.splitFirstPart(among: ["m-00001-of-00002.gguf", "m-00002-of-00003.gguf"]) == nil)
        #expect(CheckpointLoader.splitFirstPart(among: ["m-00002-of-00003.gguf", "m-00003-of-00003.gguf"]) == nil)
    }
}
