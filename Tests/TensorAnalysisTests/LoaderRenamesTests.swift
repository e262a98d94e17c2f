import Testing
import TestSupport
@testable import TensorAnalysis

/// `LoaderRenames.loaded` renames as transformers' own `rename_source_key` does
/// (TestData/diff-loader-renames/expected.json, written by its generate.py with transformers
/// 5.25): a regular expression whose `.` matches any character, ending before no word character,
/// its first match's text replaced where it first occurs (hunt-61c P2).
@Suite struct LoaderRenamesTests {
    @Test("every model's renames, and GPTNeoXForCausalLM's before them, give transformers' names", arguments: [
        ("every_model", [String]()), ("gpt_neox", ["GPTNeoXForCausalLM"]),
    ])
    func namesAsTransformersLoadsThem(group: String, classes: [String]) throws {
        let expected = try #require((try Fixtures.json("diff-loader-renames/expected.json") as? [String: Any])?[group] as? [String: String])
        #expect(expected.count == 17)
        for (name, loaded) in expected {
            #expect(LoaderRenames.loaded(name, classes: classes) == loaded, "\(name)")
        }
    }
}
