import Foundation
import Testing
import TestSupport

/// `diff` of tiny RoBERTa, XLM-R and DistilBERT checkpoints against their conversions as
/// llama.cpp's converter writes them under architecture `bert` (TestData/gguf-bert-family: Hub
/// side by transformers, GGUF side by gguf-py following conversion/bert.py; names, drops, the
/// rows cut and every number in expected.json are gguf-py's and numpy's).
///
/// Why: such a faithful conversion failed with "only in A / only in B" (the `roberta.` and
/// `distilbert.` prefixes, DistilBERT's names) or "shape change" (RoBERTa's position table,
/// stored from `pad_token_id + 1` on) — hunt-53b D1.
@Suite struct GGUFBertFamilyDiffTests {
    static func expected(_ fixture: String) throws -> [String: Any] {
        let all = try #require(try Fixtures.json("gguf-bert-family/expected.json") as? [String: Any])
        return try #require(all[fixture] as? [String: Any])
    }

    static func diff(_ a: String, _ b: String) throws -> (status: Int32, report: [String: Any], tensors: [String: [String: Any]]) {
        let result = try CLI.run(["diff", Fixtures.path("gguf-bert-family/" + a), Fixtures.path("gguf-bert-family/" + b), "--json"])
        let report = try GGUFCLITests.object(result)
        let tensors = (report["tensors"] as? [[String: Any]] ?? []).reduce(into: [String: [String: Any]]()) { $0[$1["name"] as? String ?? ""] = $1 }
        return (result.status, report, tensors)
    }

    @Test("a faithful conversion passes: every tensor paired as gguf-py names it, the converter's drops listed, positions offset",
          arguments: ["roberta", "xlmr-cls", "distilbert-mlm"])
    func faithful(fixture: String) throws {
        let expected = try Self.expected(fixture)
        let (status, report, tensors) = try Self.diff(fixture, "\(fixture).gguf")
        #expect(status == 0)
        #expect((report["only_in_a"] as? [String])?.isEmpty == true)
        #expect((report["only_in_b"] as? [String])?.isEmpty == true)
        let pairs = try #require(expected["pairs"] as? [String: String])
        #expect(tensors.count == pairs.count)
        for (hub, gguf) in pairs {
            #expect(tensors[hub]?["name_b"] as? String == gguf, "\(hub)")
            #expect(tensors[hub]?["identical_bytes"] as? Bool == true, "\(hub)")
        }
        let dropped = (report["dropped_by_converter"] as? [String: String] ?? [:]).keys.sorted()
        #expect(dropped == expected["dropped"] as? [String])

        let position = try #require(expected["position"] as? [String: Any])
        let table = try #require(tensors[position["hub"] as? String ?? ""])
        let cut = try #require(position["rows_cut"] as? Int)
        let offset = table["row_offset"] as? [String: Any]
        if cut == 0 {
            // DistilBERT's converter cuts nothing: the tables are compared as stored, nothing to say.
            #expect(offset == nil)
            #expect(table["shape_a"] as? [Int] == table["shape_b"] as? [Int])
        } else {
            #expect(offset?["rows_skipped"] as? Int == cut)
            #expect(offset?["side"] as? String == "a")
            #expect((offset?["evidence"] as? String)?.contains("pad_token_id + 1 = \(cut)") == true)
            let shapeA = try #require(table["shape_a"] as? [Int]), shapeB = try #require(table["shape_b"] as? [Int])
            #expect(shapeA[0] - shapeB[0] == cut)
            #expect(table["comparable"] as? Bool == true)
        }
        let summary = report["summary"] as? [String: Any]
        #expect(summary?["shape_changes"] as? Int == 0)
        #expect(summary?["passed"] as? Bool == true)
    }

    @Test("the text report shows both stored shapes and says why the rows were offset")
    func textReport() throws {
        let result = try CLI.run(["diff", Fixtures.path("gguf-bert-family/roberta"), Fixtures.path("gguf-bert-family/roberta.gguf")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("[12, 8] -> [10, 8]"))
        #expect(result.stdout.contains("row offset: \"embeddings.position_embeddings.weight\": the Hub rows from pad_token_id + 1 = 2 on"))
        #expect(result.stdout.contains("RobertaModel/XLMRobertaModel converter (conversion/bert.py, llama-cpp-python 0.3.36)"))
        #expect(!result.stdout.contains("SHAPE CHANGED"))
        #expect(result.stdout.contains("B matches A within tolerance"))
    }

    @Test("either direction: the GGUF file as A offsets B's rows")
    func reversed() throws {
        let (status, _, tensors) = try Self.diff("xlmr-cls.gguf", "xlmr-cls")
        #expect(status == 0)
        let offset = tensors["position_embd.weight"]?["row_offset"] as? [String: Any]
        #expect(offset?["rows_skipped"] as? Int == 3)
        #expect(offset?["side"] as? String == "b")
    }

    @Test("a conversion with one value changed still fails, at numpy's relative L2 and row")
    func changedTensor() throws {
        let expected = try Self.expected("roberta-changed")
        let (status, _, tensors) = try Self.diff("roberta", "roberta-changed.gguf")
        #expect(status == 1)
        let tensor = try #require(tensors[expected["tensor"] as? String ?? ""])
        Self.expectExceeds(tensor, as: expected)
    }

    /// A failing tensor's numbers against numpy's: relative L2, max |a − b| and the worst row.
    static func expectExceeds(_ tensor: [String: Any], as expected: [String: Any]) {
        #expect(tensor["exceeds_tolerance"] as? Bool == true)
        #expect(GGUFCLITests.close(tensor["relative_l2"] as? Double ?? -1, expected["relative_l2"] as? Double ?? -2))
        #expect(GGUFCLITests.close(tensor["max_abs_diff"] as? Double ?? -1, expected["max_abs_diff"] as? Double ?? -2))
        #expect((tensor["top_rows"] as? [[String: Any]])?.first?["row"] as? Int == expected["top_row"] as? Int)
    }

    @Test("a position table whose rows do not match at the offset fails; its worst row is numbered as A's")
    func misalignedPositions() throws {
        let expected = try Self.expected("roberta-misaligned")
        let (status, report, tensors) = try Self.diff("roberta", "roberta-misaligned.gguf")
        #expect(status == 1)
        let table = try #require(tensors[expected["tensor"] as? String ?? ""])
        #expect((table["row_offset"] as? [String: Any])?["rows_skipped"] as? Int == 2)
        Self.expectExceeds(table, as: expected)
        #expect((report["summary"] as? [String: Any])?["exceeding"] as? Int == 1)
    }

    /// The roberta fixture's folder with config.json edited by `edit`, in a temporary folder.
    static func robertaFolder(_ edit: (inout [String: Any]) -> Void) throws -> URL {
        let folder = try Fixtures.temporaryDirectory().appendingPathComponent("hub")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-bert-family/roberta/model.safetensors"),
                                         toPath: folder.appendingPathComponent("model.safetensors").path)
        var config = try #require(try Fixtures.json("gguf-bert-family/roberta/config.json") as? [String: Any])
        edit(&config)
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    /// Runs `diff FOLDER roberta.gguf --json`: the position table's comparison.
    static func positionTable(_ folder: URL) throws -> (status: Int32, table: [String: Any]) {
        let result = try CLI.run(["diff", folder.path, Fixtures.path("gguf-bert-family/roberta.gguf"), "--json"])
        let tensors = try GGUFCLITests.object(result)["tensors"] as? [[String: Any]] ?? []
        return (result.status, try #require(tensors.first { $0["name"] as? String == "embeddings.position_embeddings.weight" }))
    }

    @Test("without the facts the shape change stays, and says why not",
          arguments: [("model_type", "states no model_type and the Hub names have no 'roberta.' prefix")])
    func factMissing(key: String, why: String) throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0.removeValue(forKey: key) })
        #expect(status == 1)
        #expect(table["comparable"] as? Bool == false)
        let offset = try #require(table["row_offset"] as? [String: Any])
        #expect(offset["rows_skipped"] is NSNull)
        #expect((offset["evidence"] as? String)?.contains(why) == true, "\(offset)")
    }

    @Test("a model type whose converter cuts nothing (CamemBERT is BertModel's) keeps the shape change")
    func otherModelType() throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0["model_type"] = "camembert" })
        #expect(status == 1)
        let evidence = (table["row_offset"] as? [String: Any])?["evidence"] as? String
        #expect(evidence?.contains("model_type 'camembert' is not one whose converter cuts position rows") == true)
    }

    /// llama.cpp's converter picks its class by config.json's first architecture: a RoBERTa
    /// config naming BertModel is converted by BertModel, which cuts nothing, so a cut table is
    /// no output of it (review-53 #4: this passed).
    @Test("a RoBERTa config whose first architecture is BertModel keeps the shape change")
    func architectureDecides() throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0["architectures"] = ["BertModel"] })
        #expect(status == 1)
        let evidence = (table["row_offset"] as? [String: Any])?["evidence"] as? String
        #expect(evidence?.contains("config.json's first architecture 'BertModel' is converted by llama.cpp's BertModel or DistilBertModel class") == true,
                "\(evidence ?? "-")")
    }

    /// roberta-base and xlm-roberta ship `RobertaForMaskedLM` / `XLMRobertaForMaskedLM`, names no
    /// converter class is registered for: such a model is converted after naming RobertaModel,
    /// so the model type decides and the download still pairs with its faithful conversion
    /// (review-53b #1: these failed as "converted by a class that cuts no position rows").
    @Test("a RoBERTa config naming RobertaForMaskedLM or RobertaForCausalLM still pairs with its cut table", arguments: ["RobertaForMaskedLM", "RobertaForCausalLM"])
    func unregisteredArchitecture(name: String) throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0["architectures"] = [name] })
        #expect(status == 0)
        #expect((table["row_offset"] as? [String: Any])?["rows_skipped"] as? Int == 2)
    }

    /// llama.cpp's converter reads its hparams through `AutoConfig.from_pretrained(dir).to_dict()`,
    /// which holds RobertaConfig's default pad_token_id (1) when config.json leaves the key out: it
    /// cuts the same 2 rows (`roberta-nopad/`, whose conversion the generator checked to be
    /// roberta.gguf's tensors). This was a shape change, "the rows the converter cut are not known".
    @Test("a RoBERTa config without pad_token_id pairs by RobertaConfig's default, which the converter's hparams hold")
    func classDefaultPad() throws {
        let expected = try Self.expected("roberta-nopad")
        #expect(expected["hparams_pad_token_id"] as? Int == 1 && expected["config_states_pad_token_id"] as? Bool == false)
        let hub = Fixtures.path("gguf-bert-family/\(try #require(expected["hub"] as? String))")
        let result = try CLI.run(["diff", hub, Fixtures.path("gguf-bert-family/\(try #require(expected["gguf"] as? String))"), "--json"])
        #expect(result.status == 0, "\(result.stdout)")
        let tensors = try GGUFCLITests.object(result)["tensors"] as? [[String: Any]] ?? []
        let table = try #require(tensors.first { $0["name"] as? String == "embeddings.position_embeddings.weight" })
        let offset = try #require(table["row_offset"] as? [String: Any])
        #expect(offset["rows_skipped"] as? Int == expected["rows_cut"] as? Int)
        #expect((offset["evidence"] as? String)?.contains("pad_token_id 1 by RobertaConfig's default in transformers 5.25.0, config.json stating none") == true,
                "\(offset)")
    }

    /// XLM-R's class default is 1 as well (`xlmr-nopad` in expected.json): xlmr-cls's conversion,
    /// cut at its stated pad_token_id 2, is 3 rows short, not 2, so without the key the shape
    /// change stays and says which default it tried.
    @Test("an XLM-R config without pad_token_id: XLMRobertaConfig's default 1 disagrees with a table cut by 3 rows; the shape change stays")
    func classDefaultDisagrees() throws {
        let expected = try Self.expected("xlmr-nopad")
        #expect(expected["hparams_pad_token_id"] as? Int == 1 && expected["config_class"] as? String == "XLMRobertaConfig")
        let folder = try Fixtures.temporaryDirectory().appendingPathComponent("hub")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.path("gguf-bert-family/xlmr-cls/model.safetensors"),
                                         toPath: folder.appendingPathComponent("model.safetensors").path)
        var config = try #require(try Fixtures.json("gguf-bert-family/xlmr-cls/config.json") as? [String: Any])
        config.removeValue(forKey: "pad_token_id")
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        let result = try CLI.run(["diff", folder.path, Fixtures.path("gguf-bert-family/xlmr-cls.gguf"), "--json"])
        #expect(result.status == 1)
        let tensors = try GGUFCLITests.object(result)["tensors"] as? [[String: Any]] ?? []
        let table = try #require(tensors.first { ($0["name"] as? String)?.hasSuffix("embeddings.position_embeddings.weight") == true })
        let offset = try #require(table["row_offset"] as? [String: Any])
        #expect(offset["rows_skipped"] is NSNull)
        #expect((offset["evidence"] as? String)?.contains("rows less pad_token_id + 1 = \(expected["rows_cut"] as? Int ?? -1) (pad_token_id 1 by XLMRobertaConfig's default in transformers 5.25.0") == true,
                "\(offset)")
    }

    /// Only the converter's cutting classes read the default: CamemBERT's class default is 1 too,
    /// but its converter (BertModel) cuts nothing.
    @Test("a CamemBERT config without pad_token_id keeps the shape change: its converter cuts nothing")
    func classDefaultOnlyForCuttingTypes() throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0.removeValue(forKey: "pad_token_id"); $0["model_type"] = "camembert" })
        #expect(status == 1)
        #expect((table["row_offset"] as? [String: Any])?["rows_skipped"] is NSNull)
    }

    @Test("a pad_token_id that disagrees with the rows cut keeps the shape change")
    func offsetDisagrees() throws {
        let (status, table) = try Self.positionTable(try Self.robertaFolder { $0["pad_token_id"] = 0 })
        #expect(status == 1)
        let evidence = (table["row_offset"] as? [String: Any])?["evidence"] as? String
        #expect(evidence?.contains("12 rows less pad_token_id + 1 = 1 (pad_token_id 0 from config.json) are 11, not the GGUF side's 10") == true)
    }
}
