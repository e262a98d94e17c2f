import CheckpointIO
import StrictJSON
import GGUFFormat
import ModelKnowledge

/// How `diff` pairs the rows of a RoBERTa-family position table with its GGUF conversion, and
/// the evidence for it.
///
/// The fact (llama.cpp as vendored by llama-cpp-python 0.3.36, `conversion/bert.py`):
/// `RobertaModel.modify_tensors` and `XLMRobertaModel.modify_tensors` ("position embeddings
/// start at pad_token_id + 1, so just chop down the weight tensor") store
/// `embeddings.position_embeddings.weight[pad_token_id + 1:]` as `position_embd.weight`, under
/// `general.architecture` `bert`, with the offset from the config's `pad_token_id` (none cut
/// when it is None). So a faithful conversion's table is `pad_token_id + 1` rows shorter, and
/// its row r is the Hub's row r + pad_token_id + 1: a "shape change" until hunt-53b D1.
///
/// Claimed only where the facts say so: architecture `bert`, a RoBERTa-family Hub side
/// (config.json's model_type `roberta` or `xlm-roberta`, or — no model_type stated — names with
/// the converter's `roberta.` prefix), the offset from config.json's `pad_token_id` — or, when
/// config.json leaves the key out, its model type's config-class default (RobertaConfig and
/// XLMRobertaConfig: 1 in transformers 5.25), since the converter reads its hparams through
/// `AutoConfig.from_pretrained(dir).to_dict()` (`ModelBase.load_hparams`, conversion/base.py),
/// which holds that default — and the row counts agreeing with it. CamemBERT is not in it: the converter registers
/// `CamembertModel` with `BertModel`, which cuts nothing. Otherwise the shapes are compared as
/// stored and the decision says why.
public enum LlamaCppPositionOffset {
    /// One position table's row pairing.
    public struct Decision: Sendable, Equatable {
        /// Rows of the Hub side's table left out before comparing (`pad_token_id + 1`); nil
        /// when the tables are compared as stored.
        public let hubRowsSkipped: Int?
        /// Whether the Hub side is A (then A's rows are the ones skipped, and top rows are
        /// numbered as A's); false when A is the GGUF file.
        public let hubIsA: Bool
        /// Why, in one sentence (reports show it).
        public let evidence: String
    }

    static let hubName = "embeddings.position_embeddings.weight"
    static let ggufName = "position_embd.weight"
    /// The model types whose converter classes cut the rows (`RobertaModel`, `XLMRobertaModel`).
    static let cuttingModelTypes: Set<String> = ["roberta", "xlm-roberta"]
    /// The `architectures` names the other converter classes that write architecture `bert`
    /// are registered for (`@ModelBase.register` of BertModel and DistilBertModel in
    /// `conversion/bert.py`): the converter picks its class by config.json's first architecture,
    /// so a RoBERTa config naming `BertModel` is converted by BertModel, which cuts nothing
    /// (review-53 #4). A name registered to no class (`RobertaForMaskedLM`, what roberta-base
    /// ships) is refused by the converter as it stands; a user converts such a model after naming
    /// `RobertaModel`, so the model type decides (review-53b #1: those configs failed).
    static let nonCuttingArchitectures: Set<String> = ["BertModel", "BertForMaskedLM", "CamembertModel", "BertForSequenceClassification",
                                                       "DistilBertModel", "DistilBertForMaskedLM", "DistilBertForSequenceClassification"]
    static let source = "llama.cpp's RobertaModel/XLMRobertaModel converter (conversion/bert.py, llama-cpp-python 0.3.36)"

    /// The decision for the position-table pair (through `nameMap`, A's name → B's) of a Hub
    /// checkpoint and a GGUF file of architecture `bert` whose row counts differ; empty
    /// otherwise (tables of equal rows need no statement).
    public static func decisions(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> [ExactText: Decision] {
        let ggufA = a.ggufModel, ggufB = b.ggufModel
        guard (ggufA == nil) != (ggufB == nil), let gguf = ggufA ?? ggufB,
              LlamaCppArchitectures.architecture(of: gguf) == "bert" else { return [:] }
        let hub = ggufA == nil ? a : b
        for view in a.tensors {
            let nameB = nameMap[ExactText(view.name)] ?? view.name
            let (hubName, ggufName) = ggufA == nil ? (view.name, nameB) : (nameB, view.name)
            guard ggufName == Self.ggufName, LlamaCppNameMap.hubBase(hubName) == Self.hubName,
                  let hubView = hub.tensor(named: hubName), let ggufView = (ggufA == nil ? b : a).tensor(named: ggufName),
                  hubView.shape.count == 2, ggufView.shape.count == 2, hubView.shape[1] == ggufView.shape[1],
                  hubView.shape[0] > ggufView.shape[0] else { continue }
            let decision = decide(hubName: hubName, hubRows: hubView.shape[0], ggufRows: ggufView.shape[0], config: hub.config)
            return [ExactText(view.name): Decision(hubRowsSkipped: decision.rows, hubIsA: ggufA == nil, evidence: decision.evidence)]
        }
        return [:]
    }

    /// The rows to skip, or nil with the reason they are not known.
    static func decide(hubName: String, hubRows: UInt64, ggufRows: UInt64, config: ModelConfig?) -> (rows: Int?, evidence: String) {
        let asStored = ": shapes compared as stored"
        let family: String
        if let first = config?.architectures?.first, nonCuttingArchitectures.contains(first) {
            return (nil, "config.json's first architecture '\(first)' is converted by llama.cpp's BertModel or DistilBertModel class, "
                + "which cuts no position rows (conversion/bert.py, llama-cpp-python 0.3.36)" + asStored)
        }
        if let type = config?.modelType {
            guard cuttingModelTypes.contains(type) else {
                return (nil, "config.json's model_type '\(type)' is not one whose converter cuts position rows "
                    + "(roberta, xlm-roberta: \(source))" + asStored)
            }
            family = "model_type '\(type)'"
        } else if hubName.hasPrefix("roberta.") {
            family = "the Hub names' 'roberta.' prefix (no model_type in config.json)"
        } else {
            return (nil, (config == nil ? "no config.json" : "config.json states no model_type")
                + " and the Hub names have no 'roberta.' prefix, so nothing shows a RoBERTa-family model, whose converter "
                + "alone cuts position rows" + asStored)
        }
        let pad: Int
        var padSource = "from config.json"
        var stated = config?.padToken ?? .absent
        // The converter's hparams are `AutoConfig.from_pretrained(dir).to_dict()`, which hold the
        // config class's default for a key config.json leaves out: RobertaConfig's and
        // XLMRobertaConfig's pad_token_id 1 (transformers 5.25; `TestData/gguf-bert-family`,
        // `roberta-nopad`). A roberta config without the key failed as "not known".
        if case .absent = stated, let config, let type = config.modelType, cuttingModelTypes.contains(type),
           let fact = ModelTypeFacts.fact(for: type), fact.textConfigPad == nil, let id = fact.padTokenID, id >= 0 {
            stated = .id(id)
            padSource = "by \(fact.configClass)'s default in transformers \(ModelTypeFacts.transformersVersion), config.json stating none: "
                + "the converter's hparams come from AutoConfig.from_pretrained(…).to_dict(), which holds it"
        }
        switch stated {
        case .id(let id) where id >= 0: pad = id
        case .id(let id):
            return (nil, "config.json's pad_token_id \(id) is negative: no row offset to pair by" + asStored)
        case .absent:
            return (nil, (config == nil ? "no config.json" : "config.json states no pad_token_id")
                + ", so the rows the converter cut (pad_token_id + 1) are not known" + asStored)
        case .none:
            return (nil, "config.json's pad_token_id is null: the converter cuts no position rows" + asStored)
        case .invalid(let text):
            return (nil, "config.json's pad_token_id is \(text), not an integer: the rows the converter cut are not known" + asStored)
        }
        let rows = pad + 1
        guard hubRows - ggufRows == UInt64(rows) else {
            return (nil, "\(hubRows) rows less pad_token_id + 1 = \(rows) (pad_token_id \(pad) \(padSource)) are "
                + "\(hubRows >= UInt64(rows) ? String(hubRows - UInt64(rows)) : "none"), not the GGUF side's \(ggufRows)" + asStored)
        }
        return (rows, "the Hub rows from pad_token_id + 1 = \(rows) on compared with the GGUF rows from 0 (pad_token_id \(pad) "
            + "\(padSource); RoBERTa family by \(family)): \(source) stores position embeddings from pad_token_id + 1 on")
    }
}
