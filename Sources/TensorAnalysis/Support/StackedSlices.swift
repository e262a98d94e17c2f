import CheckpointIO
import StrictJSON

/// The tensors `diff` reads entry by entry: those a name map addresses as `NAME[E]`
/// (`TensorView.sliceName`), entry `E` of dimension 0 of tensor `NAME`.
///
/// Why: llama.cpp's converter stacks a mixture-of-experts layer's per-expert matrices into one
/// tensor (`model.layers.N.mlp.experts.E.gate_proj.weight`, every `E`, → `blk.N.ffn_gate_exps.weight`
/// of shape `[experts, rows, columns]`), so the Hub's experts were all "only in A" and the GGUF's
/// stacks "only in B" (hunt-54a D3). The built-in map names expert `E`'s partner
/// `blk.N.ffn_gate_exps.weight[E]` (`LlamaCppNameMap.expertParts`), and a `--map` file may name
/// such entries too; every entry of a sliced tensor is then a tensor of its own for `diff`, so an
/// expert one side lacks is listed by its entry name.
public enum StackedSlices {
    /// `a` and `b` with each tensor sliced whose entries `nameMap` (A's name → B's) names: B's by
    /// the map's values, A's by its keys, unless `unsplitReason` says why not.
    public static func applied(a: Checkpoint, b: Checkpoint, nameMap: [ExactText: String]) -> (a: Checkpoint, b: Checkpoint) {
        guard !nameMap.isEmpty else { return (a, b) }
        let namesA = nameMap.keys.map(\.text), namesB = Array(nameMap.values)
        return (a.slicing(sliced(in: a, named: namesA), rowRanges: rowRanges(in: a, named: namesA), budget: budget(namesA)),
                b.slicing(sliced(in: b, named: namesB), rowRanges: rowRanges(in: b, named: namesB), budget: budget(namesB)))
    }

    /// The most pieces a side is cut into: twice the entry and row-range names the map gives it,
    /// plus 1,024 (llama.cpp's limit on experts, one more stack's worth), so the pieces made grow
    /// with the map and the Hub checkpoint behind it, not with a number a GGUF header declares. A
    /// faithful conversion names every entry it makes; one that stacked an extra expert makes a
    /// few more. Why: 300 stacks of 1,024 entries in a 330 KB file, each named once, made 307,000
    /// entries, 243 MB and 6.6 s (review-55 D1).
    static func budget(_ names: [String]) -> Int {
        2 * names.lazy.filter { TensorView.sliceParts(of: $0) != nil || TensorView.rowRangeParts(of: $0) != nil }.count
            + Checkpoint.maximumEntries
    }

    /// The tensor or entry name a map name addresses: `name` without a row range `[a:b]` whose
    /// tensor is not `checkpoint`'s own name.
    static func addressed(_ name: String, in checkpoint: Checkpoint) -> String {
        guard checkpoint.tensor(named: name) == nil, let (tensor, _) = TensorView.rowRangeParts(of: name) else { return name }
        return tensor
    }

    /// The names of the tensors of `checkpoint` that some name of `names` addresses an entry of
    /// (`X[E]`, or rows of one, `X[E][a:b]`). Tensors past the side's `budget` of entries stay
    /// whole, in the order the checkpoint holds them (`Checkpoint.slicing` counts them so).
    static func sliced(in checkpoint: Checkpoint, named names: [String]) -> Set<ExactText> {
        let whole = Set(names.map { ExactText($0) })
        var tensors = Set<ExactText>(), refused = Set<ExactText>()
        for name in names.lazy.map({ addressed($0, in: checkpoint) }) where checkpoint.tensor(named: name) == nil {
            guard let (tensor, index) = TensorView.sliceParts(of: name) else { continue }
            let key = ExactText(tensor)
            guard !tensors.contains(key), !refused.contains(key), let view = checkpoint.tensor(named: tensor),
                  view.shape.count < 2 || UInt64(index) < view.shape[0] else { continue }
            // Index 0: whether the tensor splits at all (an index past its first dimension was skipped above).
            if unsplitReason(view, index: 0, namedWhole: whole.contains(key), in: checkpoint) == nil { tensors.insert(key) } else { refused.insert(key) }
        }
        return tensors
    }

    /// The row ranges names of `names` cut off a tensor or an entry of `checkpoint` (`X[a:b]`,
    /// `X[E][a:b]`), by that tensor or entry's name, in row order. `Checkpoint.slicing` cuts only
    /// where they cover its rows exactly.
    /// A tensor the map also names whole is compared whole, as with entries (hunt-57c M3).
    static func rowRanges(in checkpoint: Checkpoint, named names: [String]) -> [ExactText: [Range<Int>]] {
        let whole = Set(names.map { ExactText($0) })
        var ranges: [ExactText: [Range<Int>]] = [:]
        for name in names where checkpoint.tensor(named: name) == nil {
            guard let (tensor, rows) = TensorView.rowRangeParts(of: name), !whole.contains(ExactText(tensor)) else { continue }
            ranges[ExactText(tensor), default: []].append(rows)
        }
        return ranges.mapValues { $0.sorted { ($0.lowerBound, $0.upperBound) < ($1.lowerBound, $1.upperBound) } }
    }

    /// The tensors of `sliced` that `Checkpoint.slicing` leaves whole because the entries in all
    /// would pass `budget` (the same walk, in the checkpoint's order).
    static func overBudget(in checkpoint: Checkpoint, sliced: Set<ExactText>, budget: Int) -> Set<ExactText> {
        let budget = min(budget, Checkpoint.maximumEntriesInAll)
        var made = 0
        var over = Set<ExactText>()
        for view in checkpoint.tensors where sliced.contains(ExactText(view.name)) {
            let entries = Int(view.shape[0])
            if made + entries <= budget { made += entries } else { over.insert(ExactText(view.name)) }
        }
        return over
    }

    /// Why entry `index` of `view` is no tensor of its own, or nil when it is one. `namedWhole`:
    /// the map also names the tensor itself, which then pairs whole (a map naming `x` and
    /// `x[0]` split `x` and left its own entry unused, hunt-55a A3).
    static func unsplitReason(_ view: TensorView, index: Int, namedWhole: Bool, in checkpoint: Checkpoint) -> String? {
        let name = quotedName(view.name)
        if namedWhole { return "the map also names \(name) itself, which is compared whole, not split into entries" }
        guard view.shape.count >= 2 else { return "\(name) has \(view.shape.count) dimension\(view.shape.count == 1 ? "" : "s"): only a tensor of 2 or more has entries" }
        let entries = view.shape[0]
        guard UInt64(index) < entries else { return "\(name) has \(entries) entr\(entries == 1 ? "y" : "ies") along its first dimension" }
        guard entries <= UInt64(Checkpoint.maximumEntries) else {
            return "\(name) has \(entries) entries along its first dimension, more than the \(Checkpoint.maximumEntries) diff splits a tensor into (llama.cpp's limit on experts)"
        }
        if let taken = (0 ..< Int(entries)).lazy.map({ TensorView.sliceName(view.name, $0) }).first(where: { checkpoint.tensor(named: $0) != nil }) {
            return "the file also holds a tensor named \(quotedName(taken)), so \(name) is not split into entries"
        }
        guard view.slice(at: index) != nil else { return "\(name)'s entries are no whole bytes" }
        return nil
    }

    /// Why a map name written as an entry `NAME[E]` of a tensor one side holds pairs nothing,
    /// for `DiffNameMap.unusedEntries`: made once per side, each tensor's reason worked out once
    /// (a map of a million entry names asks a million times).
    public struct UnusedReasons {
        let original: Checkpoint
        let whole: Set<ExactText>
        let overBudget: Set<ExactText>
        let side: String
        var byTensor: [ExactText: String?] = [:]

        /// `original`: the side as opened, before slicing; `isA`: the map's keys are its names,
        /// else its values.
        public init(original: Checkpoint, nameMap: [ExactText: String], isA: Bool) {
            let names = isA ? nameMap.keys.map(\.text) : Array(nameMap.values)
            self.original = original
            whole = Set(names.map { ExactText($0) })
            overBudget = StackedSlices.overBudget(in: original, sliced: StackedSlices.sliced(in: original, named: names),
                                                  budget: StackedSlices.budget(names))
            side = isA ? "A" : "B"
        }

        /// The reason for `name`, or nil when it is no entry name of a tensor this side holds
        /// (the caller's reason applies).
        public mutating func reason(for name: String) -> String? {
            guard let (tensor, index) = TensorView.sliceParts(of: name), let view = original.tensor(named: tensor) else { return nil }
            if view.shape.count >= 2, UInt64(index) >= view.shape[0] {
                return "\(side): \(quotedName(tensor)) has \(view.shape[0]) entr\(view.shape[0] == 1 ? "y" : "ies") along its first dimension"
            }
            let key = ExactText(tensor)
            if let known = byTensor[key] { return known.map { "\(side): \($0)" } }
            var reason = StackedSlices.unsplitReason(view, index: 0, namedWhole: whole.contains(key), in: original)
            if reason == nil, overBudget.contains(key) {
                reason = "\(quotedName(tensor)) is not split into entries: the entries in all would pass twice the entry "
                    + "names the map gives this side plus \(Checkpoint.maximumEntries)"
            }
            byTensor[key] = .some(reason)
            return reason.map { "\(side): \($0)" }
        }
    }
}
