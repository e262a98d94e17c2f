import Foundation
import Testing
import TestSupport

/// `inspect` lists what a torch checkpoint carries beside its tensors (epoch, learning rate,
/// names, hashes). TestData/pytorch-values: values.pt and, from `torch.load(weights_only=True)`
/// walked depth-first, every value at a named place with its type (expected.json, written by
/// generate.py). The state dict's `_metadata` attribute is no item and is not listed.
@Suite struct TorchValuesCLITests {
    static let file = Fixtures.path("pytorch-values/values.pt")

    @Test("inspect --json: every named value torch.load returns, in order, with its type and value")
    func valuesAsTorchLoadsThem() throws {
        let expected = try #require(try Fixtures.json("pytorch-values/expected.json") as? [String: Any])
        let values = try #require(expected["values"] as? [[String: Any]])
        #expect(values.count == 22 && expected["state_dict_metadata_entries"] as? Int == 2)
        let report = try CLI.json(["inspect", Self.file])
        let block = try #require((report["files"] as? [[String: Any]])?.first?["torch_values"] as? [String: Any])
        #expect(block["count"] as? Int == values.count)
        let listed = try #require(block["listed"] as? [[String: Any]])
        #expect(listed.map { $0["name"] as? String ?? "" } == values.map { $0["name"] as? String ?? "?" })
        for (got, want) in zip(listed, values) {
            let name = want["name"] as? String ?? ""
            #expect(got["type"] as? String == want["type"] as? String, "\(name)")
            if let int = want["int"] as? NSNumber {
                #expect((got["value"] as? NSNumber)?.int64Value == int.int64Value, "\(name)")
            } else if let bytes = want["long_bytes"] as? Int {
                #expect(got["value"] is NSNull && got["nbytes"] as? Int == bytes, "\(name)")
            } else if let flag = want["bool"] as? Bool {
                #expect(got["value"] as? Bool == flag, "\(name)")
            } else if let text = want["text"] as? String {
                #expect(got["value"] as? String == text, "\(name)")
                #expect((got["truncated"] as? Bool ?? false) == (want["truncated"] as? Bool), "\(name)")
            } else if let bytes = want["nbytes"] as? Int {
                #expect(got["value"] is NSNull && got["nbytes"] as? Int == bytes, "\(name)")
            } else if want["type"] as? String == "float", let repr = want["repr"] as? String {
                switch repr {
                case "nan": #expect(got["value"] as? String == "NaN", "\(name)")
                case "inf": #expect(got["value"] as? String == "Infinity", "\(name)")
                case "-inf": #expect(got["value"] as? String == "-Infinity", "\(name)")
                default: #expect((got["value"] as? NSNumber)?.doubleValue == Double(repr), "\(name)")
                }
            } else {
                #expect(want["type"] as? String == "NoneType" && got["value"] is NSNull, "\(name)")
            }
        }
    }

    @Test("inspect text: the count, the first 20 (numbers as Python prints them, text quoted and escaped), and how to see the rest")
    func textListing() throws {
        let result = try CLI.run(["inspect", Self.file])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("values in the pickle that are not tensors: 22"))
        for line in ["  epoch = 7 (int)", "  lr = 1e-05 (float)", "  loss = nan (float)", "  worst = -inf (float)", "  done = True (bool)",
                     "  resumed = None (NoneType)", "  blob = <3 bytes> (bytes)", "  wide = <an integer of 9 bytes> (int)",
                     "  … (20 of 22 listed; --json lists 22)"] {
            #expect(lines.contains(line), "\(line)")
        }
        // Controls and a right-to-left override in a value are shown escaped.
        #expect(lines.contains(#"  name = "vad-🙂\u{202e}\u{a}" (str)"#), "\(lines.filter { $0.contains("name =") })")
        #expect(!lines.contains { $0.contains("_metadata") })
    }

    @Test("a safetensors file and a torch file of tensors only: no values section")
    func noValues() throws {
        let plain = try CLI.run(["inspect", Fixtures.path("pytorch/tied.bin")])
        #expect(!plain.stdout.contains("values in the pickle"))
        let report = try CLI.json(["inspect", Fixtures.path("pytorch/tied.bin")])
        let block = (report["files"] as? [[String: Any]])?.first?["torch_values"] as? [String: Any]
        #expect(block?["count"] as? Int == 0)
        let safetensors = try CLI.json(["inspect", Fixtures.path("toy-bert/model.safetensors")])
        #expect((safetensors["files"] as? [[String: Any]])?.first?["torch_values"] == nil)
    }

    /// hand.pt (generate.py's `hand_pickle`): what torch.save does not write but torch.load
    /// reads. A key set twice stays at its first position with its last value, as in Python's
    /// dict; `_codecs.encode` under UTF-8 and Latin-1 spellings is bytes; a torch.Size's items
    /// are values; a 2,000-character key's name is cut after 1,024 bytes.
    @Test("hand-built pickle: re-set keys in Python's order, codecs bytes, torch.Size items, a long name cut")
    func handBuilt() throws {
        let expected = try #require(try Fixtures.json("pytorch-values/expected.json") as? [String: Any])
        let values = try #require(expected["hand_values"] as? [[String: Any]])
        let report = try CLI.json(["inspect", Fixtures.path("pytorch-values/hand.pt")])
        let listed = try #require(((report["files"] as? [[String: Any]])?.first?["torch_values"] as? [String: Any])?["listed"] as? [[String: Any]])
        #expect(listed.count == values.count)
        for (got, want) in zip(listed, values) {
            let name = try #require(want["name"] as? String)
            let shown = name.utf8.count > 1_024 ? String(decoding: Array(name.utf8.prefix(1_024)), as: UTF8.self) + "…" : name
            #expect(got["name"] as? String == shown, "\(name.prefix(20))")
            #expect(got["type"] as? String == want["type"] as? String, "\(name.prefix(20))")
            if let bytes = want["nbytes"] as? Int { #expect(got["nbytes"] as? Int == bytes, "\(name)") }
            if let int = want["int"] as? Int { #expect(got["value"] as? Int == int, "\(name.prefix(20))") }
        }
        // The order by hand: a, b, c first set in that order; a ends as 4, b as None.
        #expect(listed.prefix(3).map { $0["name"] as? String ?? "" } == ["a", "b", "c"])
        #expect(listed.first?["value"] as? Int == 4 && listed.dropFirst().first?["value"] is NSNull)
    }
}
