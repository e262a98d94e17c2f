import SafetensorsFormat
import CheckpointIO
import StrictJSON
import TensorScan
import GGUFFormat
import ModelKnowledge

/// Export fidelity: how checkpoint B (an export, a conversion) differs from checkpoint A
/// (the reference). A value; the CLI renders it and picks the exit status.
///
/// Default tolerance, and why: a tensor fails when ‖a − b‖₂ / ‖a‖₂ > 1e-2. Rounding to BF16
/// (8 significant bits, round-to-nearest-even) moves each element by at most the unit
/// roundoff u = 2^-8 ≈ 0.0039 of its value, so the relative L2 of a faithful BF16 export is
/// ≤ 0.0039 (≈ 0.0016 on the fixture); F16 gives ≤ 2^-11. 1e-2 leaves 2.5x headroom over
/// BF16 and still catches a wrong, transposed, re-initialised or scaled tensor (relative L2
/// near 1 or more). FP8 exports (E4M3: u = 2^-4) need an explicit `--tolerance`.
public struct CheckpointDiff: Sendable {
    public static let defaultTolerance = 1e-2

    /// One tensor present in both checkpoints.
    public struct Comparison: Sendable {
        /// A's name.
        public let name: String
        /// B's name for it (the same unless a name map pairs them).
        public let nameB: String
        public let dtypeA: ElementType
        public let dtypeB: ElementType
        public let shapeA: [UInt64]
        public let shapeB: [UInt64]
        /// Same dtype, same shape, same bytes: nothing else to measure.
        public let identicalBytes: Bool
        /// Value differences; `nil` for identical bytes or incomparable tensors.
        public let statistics: DifferenceStatistics?
        /// How the rows were paired when a converter is known to reorder them (llama's q/k
        /// in a GGUF file): permuted back, or why not; nil for every other tensor.
        public let rowOrder: LlamaCppRotaryOrder.Decision?
        /// How a RoBERTa-family position table's rows were paired with its GGUF conversion's,
        /// which the converter stores from `pad_token_id + 1` on: offset, or why not; nil for
        /// every other tensor (`LlamaCppPositionOffset`).
        public let rowOffset: LlamaCppPositionOffset.Decision?
        /// How a norm weight that llama.cpp's converter stores plus 1 (Gemma's) was compared
        /// with its GGUF conversion: the shift taken off, or why not; nil for every other
        /// tensor (`LlamaCppNormShift`).
        public let valueShift: LlamaCppNormShift.Decision?
        /// How a matrix llama.cpp's converter stores transposed (GPT-2's `Conv1D` weights) was
        /// compared with its GGUF conversion: read transposed, or why not; nil for every other
        /// tensor (`LlamaCppTranspose`).
        public let transpose: LlamaCppTranspose.Decision?
        /// How a state-space layer's tensor llama.cpp's converter stores regrouped or as
        /// `−exp(A_log)` was compared with its GGUF conversion, or why not; nil for every other
        /// tensor (`LlamaCppStateSpace`).
        public let stateSpace: LlamaCppStateSpace.Decision?
        /// How a token table llama.cpp's converter pads with zero rows (Gemma 3n's) was compared
        /// with its GGUF conversion: over the Hub's rows, or why not; nil for every other tensor
        /// (`LlamaCppVocabPadding`).
        public let rowPadding: LlamaCppVocabPadding.Decision?
        /// How a tensor llama.cpp's converter multiplies by Falcon-H1's µP multipliers was compared
        /// with its GGUF conversion: the Hub values multiplied as the converter does, or why not;
        /// nil for every other tensor (`LlamaCppMultipliers`).
        public var multipliers: LlamaCppMultipliers.Decision? = nil
        /// When A's or B's side of the pair is an entry of a stacked tensor (`NAME[E]`, a GGUF
        /// file's experts): which tensor and index; nil for a tensor stored under its name, so
        /// a report tells an entry from a tensor a file itself calls `X[0]`.
        public let entryA: StackedEntry?
        public let entryB: StackedEntry?
        /// When A's or B's side of the pair is rows of a tensor or entry (`NAME[a:b]`,
        /// `NAME[E][a:b]`: a half of a merged matrix the converter split); nil otherwise.
        public var rowsA: RowSlice? = nil
        public var rowsB: RowSlice? = nil

        /// The shapes whose values were compared: as stored, except the Hub side's position rows
        /// the converter cut (`rowOffset`). `shapeA`/`shapeB` stay as stored.
        public var comparedShapeA: [UInt64] {
            Self.skipping(rowOffset.flatMap { $0.hubIsA ? $0.hubRowsSkipped : nil } ?? rowPadding.flatMap { $0.ggufIsB ? nil : $0.rowsPadded },
                          of: shapeA)
        }
        public var comparedShapeB: [UInt64] {
            // B read in A's shape (`LlamaCppStateSpace`).
            if stateSpace?.reshaped == true { return comparedShapeA }
            let shape = Self.skipping(rowOffset.flatMap { $0.hubIsA ? nil : $0.hubRowsSkipped } ?? rowPadding.flatMap { $0.ggufIsB ? $0.rowsPadded : nil },
                                      of: shapeB)
            return transpose?.transposed == true ? shape.reversed() : shape
        }

        static func skipping(_ rows: Int?, of shape: [UInt64]) -> [UInt64] {
            guard let rows, let first = shape.first, first >= UInt64(rows) else { return shape }
            return [first - UInt64(rows)] + shape.dropFirst()
        }

        /// The shapes differ once the converter's known row cut is allowed for, or the GGUF side
        /// is known not to hold the shape the converter writes (`LlamaCppStateSpace`).
        public var shapeChanged: Bool { comparedShapeA != comparedShapeB || stateSpace?.unlikeConverter == true }
        public var dtypeChanged: Bool { dtypeA != dtypeB }
        /// Shapes agree but the values cannot be compared element-wise (complex vs real, a
        /// ggml type whose values are not decoded): `notComparedReason` says which.
        public var incomparable: Bool { !shapeChanged && !identicalBytes && statistics == nil }

        /// A holds integers or booleans: every value must come through unchanged.
        ///
        /// Why: the tolerance is for the rounding of floats; an index (`position_ids`, a
        /// vocabulary `mapping`, token type ids) off by one is wrong, not close. Such a tensor
        /// with one value changed passed as `ok` at relative L2 1.5e-4 (review, 2026-12-04).
        /// A's dtype decides: an integer tensor exported as floats must still hold its integers.
        public var exact: Bool { Self.isExact(dtypeA) }

        /// Integers and booleans: values no rounding may change.
        static func isExact(_ type: ElementType) -> Bool { type.scalar.map { $0.isInteger || $0 == .bool } ?? false }

        /// Why the values were not compared, or nil when they were (or the shapes differ).
        public var notComparedReason: String? {
            guard incomparable else { return nil }
            // The side that holds the type: A's undecoded values leave no reference to check B by.
            let undecoded = [dtypeA, dtypeB].map { type in type.blockType.flatMap { GGUFRowDecoding.isDecodable($0) ? nil : $0.name } }
            switch (undecoded[0], undecoded[1]) {
            case let (a?, b?):
                return "\(a == b ? a : a + " and " + b) values are not decoded by tensoraudit, so neither side's values can be read"
            case let (a?, nil): return "\(a) values are not decoded by tensoraudit, so A's values, the reference, cannot be read"
            case let (nil, b?): return "\(b) values are not decoded by tensoraudit, so B's values cannot be checked"
            case (nil, nil): break
            }
            if (dtypeA == .scalar(.c64)) != (dtypeB == .scalar(.c64)) {
                return "complex and real values cannot be compared element-wise"
            }
            return "\(dtypeA.rawValue) and \(dtypeB.rawValue) values cannot be compared element-wise"
        }

        /// For an `exact` tensor compared by value: how many values differ, compared as exact
        /// integers (`TensorView.exactDifferences`); nil otherwise. Why not the scan's count:
        /// it compares in `Double`, where 2^64 − 1 and 2^64 − 2 are one value, so an U64 or I64
        /// change above 2^53 passed (adversarial test, 2026-12-04).
        public let exactDifferences: Int?

        /// Whether values of an `exact` tensor differ.
        public var exactValuesDiffer: Bool { (exactDifferences ?? 0) > 0 }

        /// Whether this tensor fails at `tolerance` only by values NaN on one side (STATUS
        /// `NAN MISMATCH`): compared, within the tolerance, and a NaN facing a number.
        public func failsOnlyByNaN(_ tolerance: Double) -> Bool {
            guard !shapeChanged, !incomparable, !exactValuesDiffer, let statistics else { return false }
            return statistics.nanMismatches > 0 && statistics.relativeL2 <= tolerance
        }

        /// Whether this tensor fails the fidelity check at `tolerance`: shape change,
        /// incomparable values, a NaN facing a number, a changed value of an integer or boolean
        /// tensor, or relative L2 above the tolerance.
        public func exceeds(_ tolerance: Double) -> Bool {
            if shapeChanged || incomparable || exactValuesDiffer { return true }
            guard let statistics else { return false }
            return statistics.nanMismatches > 0 || !(statistics.relativeL2 <= tolerance)
        }
    }

    public let tolerance: Double
    /// Names only in A, or only in B, sorted (without `droppedSharedStorage`,
    /// `droppedSharedStorageByA` and `droppedByConverter`).
    public let onlyInA: [String]
    /// Tensors of A that B omits and that in A are views of the very same bytes as a tensor B
    /// has (a torch file's shared storage, e.g. tied weights): dropped name → the kept name. How
    /// the Hub's convert bot writes safetensors; not a failure, but a loader must restore them
    /// (transformers re-ties them from config.json).
    public let droppedSharedStorage: [ExactText: String]
    /// The same for B's tensors that A omits (the converted file given first): dropped name in
    /// B → the name B keeps. Not a failure either.
    public let droppedSharedStorageByA: [ExactText: String]
    /// Tensors of A that B omits and that in A are byte-identical copies (not views: a
    /// safetensors file holds no shared storage) of the token matrix they are tied to, which B
    /// keeps, when the config.json B's loader reads (B's, else A's) ties the two
    /// (`tiedCopyEvidence` says how): dropped name → the kept name. What transformers'
    /// save_pretrained does to a tied head; not a failure.
    ///
    /// Why: a masked-LM safetensors storing its decoder as a copy of the word embedding, re-saved
    /// by transformers, failed with "only in A: cls.predictions.decoder.weight", though `audit`
    /// on the same file called the pair tied weights saved twice (helper-151, 2026-12-06). Only
    /// an input embedding and an output projection, by name, and only with the tie stated or the
    /// model type's default: two all-ones LayerNorm weights are byte-identical too, and a missing
    /// one is a failure.
    public let droppedTiedCopies: [ExactText: String]
    /// The same for B's tensors that A omits (A the re-save, B the export storing the copy):
    /// B's copy → the name both keep. Not a failure either.
    public let droppedTiedCopiesByA: [ExactText: String]
    /// How the tie of `droppedTiedCopies` is known (`statedTie` of the config B's loader reads):
    /// "PATH states tie_word_embeddings true", or "BertConfig's default ties word embeddings
    /// (PATH states no tie_word_embeddings)".
    public let tiedCopyEvidence: String?
    /// The same for `droppedTiedCopiesByA`, from the config A's loader reads (A's, else B's).
    public let tiedCopyEvidenceByA: String?
    /// Hub tensors that a GGUF side lacks because llama.cpp's converter drops them on purpose
    /// (buffers, BERT's pooler and pre-training heads): name → the reason
    /// (`LlamaCppConverterDrops`). Not a failure.
    public let droppedByConverter: [ExactText: String]
    /// GGUF tensors the other side lacks because llama.cpp's converter computed them from the
    /// config (rotary tables): name → the reason (`LlamaCppConverterDrops.tables`). Not a failure.
    public let addedByConverter: [ExactText: String]
    /// GGUF rotary tables faced by no Hub tensor that are not what the converter computes (they
    /// stay in `onlyInA`/`onlyInB`): name → why not.
    public let notConverterTables: [ExactText: String]
    /// Rotary tables the converter writes for this config and architecture that the GGUF side
    /// lacks: name → the evidence. A failure.
    public let missingConverterTables: [ExactText: String]
    /// Tensors only one side has that its bytes show to be a buffer the model recomputes at
    /// load (`RecomputedBuffers`: a `position_ids` arange that current transformers no longer
    /// saves): name → the reason. Not a failure.
    public let recomputedBuffers: [ExactText: String]
    /// Pairs made by a `__metadata__` alias: a tensor one side stores, compared with the tensor
    /// the other side keeps for it (save_model's tied weights). `a`/`b` are the names compared;
    /// `aliasIn` is the side whose metadata records the alias ("a" or "b").
    public struct AliasPair: Sendable, Equatable {
        public let a: String
        public let b: String
        public let aliasIn: String
    }
    public let aliasPairs: [AliasPair]
    public let onlyInB: [String]
    /// Tensors in both, sorted by name.
    public let comparisons: [Comparison]

    /// Each side's source problems (a tensor in two shards, a missing shard, a stray shard, …)
    /// as the findings `audit` reports for them (`SourceRules`), in the order they were found.
    ///
    /// Why `diff` reports them: a tensor present in two shards that differ was compared from
    /// the first copy only, and `diff` said "B matches A" with exit 0, though which copy a
    /// loader reads is not determined (adversarial test, 2026-12-06).
    public let sourceIssuesA: [Finding]
    public let sourceIssuesB: [Finding]

    /// Source problems on either side that leave what a loader reads from that checkpoint not
    /// determined (`failsTheRun`), so a match of the tensors read here proves nothing about it.
    public var sourceErrors: Int { (sourceIssuesA + sourceIssuesB).filter(Self.failsTheRun).count }

    /// The error-level source rules about which bytes a tensor name reads: a tensor in two
    /// shards, a shard missing or not opened, an index that places a tensor where it is not
    /// or twice. Other errors (a GGUF vocabulary that disagrees with the rows, an impossible
    /// `total_size`) are listed and do not fail a diff: the tensors compared are the ones a
    /// loader reads (helper-150, 2026-12-06).
    public static func failsTheRun(_ issue: Finding) -> Bool {
        issue.severity == .error && [Rule.tensorInTwoShards, .missingShard, .indexMismatch, .indexDuplicateKey, .indexInvalidPath]
            .contains { $0.id == issue.rule.id }
    }

    /// True when B is not a faithful copy of A: a tensor missing on either side (a converter's
    /// table included), or a comparison exceeding the tolerance.
    public var exceedsTolerance: Bool {
        !onlyInA.isEmpty || !onlyInB.isEmpty || !missingConverterTables.isEmpty || comparisons.contains { $0.exceeds(tolerance) }
    }

    /// The run fails (exit 1): `exceedsTolerance`, or a source error on either side.
    public var fails: Bool { exceedsTolerance || sourceErrors > 0 }

    /// Compares every tensor name of `a` with the same name in `b`, or with `nameMap[name]`
    /// when the map names it (A's name → B's name: Hub names against a GGUF file's).
    /// `rowOrders` (by A's name): rows a converter permuted, paired back
    /// (`LlamaCppRotaryOrder.decisions`); top rows are then A's row numbers. `converterDrops`:
    /// tensors of either side the other lacks by design (`LlamaCppConverterDrops.dropped`).
    public init(a: Checkpoint, b: Checkpoint, tolerance: Double = defaultTolerance, topRows: Int = 5,
                nameMap: [ExactText: String] = [:], rowOrders: [ExactText: LlamaCppRotaryOrder.Decision] = [:],
                converterDrops: [ExactText: String] = [:], rowOffsets: [ExactText: LlamaCppPositionOffset.Decision] = [:],
                valueShifts: [ExactText: LlamaCppNormShift.Decision] = [:], transposes: [ExactText: LlamaCppTranspose.Decision] = [:],
                stateSpace: [ExactText: LlamaCppStateSpace.Decision] = [:], rowPaddings: [ExactText: LlamaCppVocabPadding.Decision] = [:],
                multipliers: [ExactText: LlamaCppMultipliers.Decision] = [:],
                converterTables: LlamaCppConverterDrops.ConverterTables = .init()) {
        self.tolerance = tolerance
        sourceIssuesA = SourceRules.findings(a)
        sourceIssuesB = SourceRules.findings(b)
        // Tensors are paired by their names' UTF-8 bytes: names that are canonically equivalent
        // (é precomposed, or e + U+0301) are two tensors, and compared as `String`s one pair was
        // compared and the other dropped without a word (adversarial review, 2026-12-04).
        func key(_ name: String) -> ExactText { ExactText(name) }
        let viewOfA = Dictionary(a.tensors.map { (key($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        let viewOfB = Dictionary(b.tensors.map { (key($0.name), $0) }, uniquingKeysWith: { first, _ in first })
        // A name the map does not list pairs with the same name in B, unless the map gives
        // that B name to others: with {"x": "y"}, A's `y` also faced B's `y`, one B tensor
        // compared twice and B's `x` "only in B" (black-box QA run, 2026-12-05).
        let targets = Set(nameMap.values.map(key))
        func partner(_ name: String) -> ExactText? {
            if let mapped = nameMap[ExactText(name)] { return key(mapped) }
            return targets.contains(key(name)) ? nil : key(name)
        }
        let inB = { (name: String) in partner(name).flatMap { viewOfB[$0] } != nil }
        var seenA = Set<ExactText>()
        let namesA = a.tensors.map(\.name).filter { seenA.insert(key($0)).inserted }
        let missing = namesA.filter { !inB($0) }
        let dropped = Self.sharedStorageDrops(in: a.tensors, missing: Set(missing.map(key)), kept: inB)
        droppedSharedStorage = dropped
        // The config B's loader reads decides (B's, else A's): B's `tie_word_embeddings: false`
        // leaves the head missing and random there, whatever A said (helper-152).
        let tie = Self.statedTie(b.config ?? a.config)
        let tiedCopies = tie == nil ? [:] : Self.tiedCopyDrops(in: a, missing: missing.filter { dropped[key($0)] == nil }, kept: inB,
                                                               config: b.config ?? a.config)
        droppedTiedCopies = tiedCopies
        droppedByConverter = converterDrops
        addedByConverter = converterTables.added
        notConverterTables = converterTables.notTheConverters
        missingConverterTables = converterTables.missing
        let converterAdditions = converterTables.added
        var recomputed: [ExactText: String] = [:]
        func recomputedBuffer(_ view: TensorView?) -> Bool {
            guard let view, let reason = RecomputedBuffers.reason(for: view) else { return false }
            recomputed[key(view.name)] = reason
            return true
        }
        // A tensor one side stores and the other records as a `__metadata__` alias of a tensor
        // it keeps (save_model's tied weights) is compared with that kept tensor: "only in B:
        // lm_head.weight" failed a diff whose A says `lm_head.weight` is `embed.weight`
        // (review, 2026-12-04), and an untied B would pass if it were merely excused.
        let aliasesA = TensorNames.aliases(in: a), aliasesB = TensorNames.aliases(in: b)
        var aliasPairs: [(TensorView, TensorView)] = []
        var aliasNotes: [AliasPair] = []
        // Pairs by both names' code points: aliases on both sides can make one pair twice, and
        // it was compared and listed twice (adversarial test, 2026-12-04).
        var paired = Set<[ExactText]>()
        var keptInA = Set<ExactText>(), keptInB = Set<ExactText>()
        func aliasPair(_ name: String, aliases: [ExactText: String], missingFrom: [ExactText: TensorView],
                       stored: [ExactText: TensorView], aIsStored: Bool) -> Bool {
            guard let kept = aliases[key(name)], let keptView = missingFrom[key(kept)], let view = stored[key(name)] else { return false }
            let pair = aIsStored ? (view, keptView) : (keptView, view)
            if aIsStored { keptInB.insert(key(kept)) } else { keptInA.insert(key(kept)) }
            guard paired.insert([key(pair.0.name), key(pair.1.name)]).inserted else { return true }
            aliasPairs.append(pair)
            aliasNotes.append(AliasPair(a: pair.0.name, b: pair.1.name, aliasIn: aIsStored ? "b" : "a"))
            return true
        }
        let partnersOfA = Set(namesA.compactMap(partner))
        // The same the other way round (`diff model.safetensors pytorch_model.bin`): a tensor
        // of B that A lacks and that in B shares its bytes with a tensor A has a partner for.
        let missingFromA = Set(b.tensors.map { key($0.name) }.filter { !partnersOfA.contains($0) })
        let droppedByA = Self.sharedStorageDrops(in: b.tensors, missing: missingFromA, kept: { partnersOfA.contains(key($0)) })
        droppedSharedStorageByA = droppedByA
        // And tied copies the other way round: A the re-save, B the export storing the copy
        // (hunt-52a D5: "only in B: lm_head.weight" for two folders that load alike).
        var seenMissing = Set<ExactText>()
        let missingNamesFromA = b.tensors.map(\.name).filter {
            missingFromA.contains(key($0)) && droppedByA[key($0)] == nil && seenMissing.insert(key($0)).inserted
        }
        // A's own loader restores what A lacks: the config A's loader reads (A's, else B's)
        // decides here (review-52b D1: B's tie passed an A whose config unties its missing head).
        let tieOfA = Self.statedTie(a.config ?? b.config)
        let tiedByA = tieOfA == nil ? [:] : Self.tiedCopyDrops(in: b, missing: missingNamesFromA, kept: { partnersOfA.contains(key($0)) },
                                                               config: a.config ?? b.config)
        droppedTiedCopiesByA = tiedByA
        tiedCopyEvidence = tiedCopies.isEmpty ? nil : tie
        tiedCopyEvidenceByA = tiedByA.isEmpty ? nil : tieOfA
        var seenB = Set<ExactText>()
        let candidatesA = missing.filter {
            dropped[key($0)] == nil && tiedCopies[key($0)] == nil && converterDrops[key($0)] == nil && converterAdditions[key($0)] == nil
                && !recomputedBuffer(viewOfA[key($0)])
                && !aliasPair($0, aliases: aliasesB, missingFrom: viewOfB, stored: viewOfA, aIsStored: true)
        }
        let candidatesB = b.tensors.map(\.name).filter { seenB.insert(key($0)).inserted && !partnersOfA.contains(key($0)) }
            .filter {
                droppedByA[key($0)] == nil && tiedByA[key($0)] == nil && converterDrops[key($0)] == nil && converterAdditions[key($0)] == nil
                    && !recomputedBuffer(viewOfB[key($0)])
                    && !aliasPair($0, aliases: aliasesA, missingFrom: viewOfA, stored: viewOfB, aIsStored: false)
            }
        // A tensor an alias pair compares is not missing on the other side: B's kept `h` that
        // A's `lm_head.weight` faces was also "only in B", failing the run.
        onlyInA = candidatesA.filter { !keptInA.contains(key($0)) }.sortedByCodePoints()
        onlyInB = candidatesB.filter { !keptInB.contains(key($0)) }.sortedByCodePoints()
        recomputedBuffers = recomputed
        self.aliasPairs = aliasNotes.sorted { (ExactText($0.a), ExactText($0.b)) < (ExactText($1.a), ExactText($1.b)) }
        // One read of both sides on all cores (`DifferenceScan`): same-shape pairs only; a shape
        // change needs no bytes.
        let pairs = (namesA.filter(inB).compactMap { name -> (TensorView, TensorView)? in
            guard let x = viewOfA[key(name)], let y = partner(name).flatMap({ viewOfB[$0] }) else { return nil }
            return (x, y)
        } + aliasPairs).sorted { (ExactText($0.0.name), ExactText($0.1.name)) < (ExactText($1.0.name), ExactText($1.1.name)) }
        // A position table the converter stored from `pad_token_id + 1` on is compared from
        // there: the Hub side read without those rows (`rowOffsets`, by A's name).
        func window(_ x: TensorView, _ y: TensorView) -> (TensorView, TensorView) {
            // A state-space tensor the converter regrouped: B read in A's shape.
            if stateSpace[key(x.name)]?.reshaped == true, let regrouped = y.reshaped(to: x.shape) { return (x, regrouped) }
            // A token table the converter padded with zero rows: the GGUF side without them.
            if let padding = rowPaddings[key(x.name)], let rows = padding.rowsPadded {
                if padding.ggufIsB { return (x, y.keepingLeadingRows(y.rowCount - rows) ?? y) }
                return (x.keepingLeadingRows(x.rowCount - rows) ?? x, y)
            }
            guard let offset = rowOffsets[key(x.name)], let rows = offset.hubRowsSkipped else { return (x, y) }
            if offset.hubIsA { return (x.droppingLeadingRows(rows) ?? x, y) }
            return (x, y.droppingLeadingRows(rows) ?? y)
        }
        // Same shapes, or a matrix the converter stored transposed (`transposes`).
        func comparable(_ x: TensorView, _ y: TensorView) -> Bool {
            x.shape == y.shape || (transposes[key(x.name)]?.transposed == true && DifferenceScan.isTransposedLayout(x, y))
        }
        let compared = pairs.map(window).filter { comparable($0.0, $0.1) }
        // Pairs that read the very same bytes as an earlier pair, in the same layout and order
        // (views of one torch storage under many names), take its result: 2,000 names of one
        // 64 MB storage compared it 2,000 times (17.7 s; adversarial test, 2026-12-04).
        var firstOfBytes: [PairBytes: Int] = [:]
        var resultIndex: [Int] = []
        var distinct: [(TensorView, TensorView)] = []
        // What is done to each side's values: a norm's shift, a state-space `A`'s −exp, Falcon-H1's multipliers.
        func valueShift(_ name: String) -> ValueShift? {
            let shift = valueShifts[key(name)]?.valueShift ?? stateSpace[key(name)]?.valueShift
            return multipliers[key(name)].map { $0.applied(to: shift) } ?? shift
        }
        for (x, y) in compared {
            let order = rowOrders[key(x.name)]?.order
            let shifted = !(valueShift(x.name)?.isNone ?? true) || transposes[key(x.name)]?.transposed == true
            let bytes = order == nil && !shifted ? PairBytes(x, y) : nil
            if let bytes, let first = firstOfBytes[bytes] {
                resultIndex.append(first)
                continue
            }
            if let bytes { firstOfBytes[bytes] = distinct.count }
            resultIndex.append(distinct.count)
            distinct.append((x, y))
        }
        let distinctResults = DifferenceScan.run(distinct, topRows: topRows, rowOrders: distinct.map { rowOrders[key($0.0.name)]?.order },
                                                 shifts: distinct.map { valueShift($0.0.name) },
                                                 transposes: distinct.map { transposes[key($0.0.name)]?.transposed == true })
        var indices = resultIndex.makeIterator()
        var exactCounts: [Int: Int] = [:]
        comparisons = pairs.map { x, y in
            let (wx, wy) = window(x, y)
            let index = comparable(wx, wy) ? indices.next() : nil
            var result = index.map { distinctResults[$0] }
            // Top rows as A's row numbers: the window of A starts at its skipped rows.
            if let offset = rowOffsets[key(x.name)], offset.hubIsA, let rows = offset.hubRowsSkipped, wx.shape != x.shape {
                result = result.map { $0.shiftingRows(by: rows) }
            }
            let exact = Comparison.isExact(x.elementType)
            var exactDifferences: Int?
            var statistics = result?.statistics
            if exact, statistics != nil, let index {
                exactDifferences = exactCounts[index] ?? wx.exactDifferences(from: wy)
                exactCounts[index] = exactDifferences
                // Integers beyond 2^53 that differ: their distances, taken exactly.
                if (exactDifferences ?? 0) > 0, rowOrders[key(x.name)]?.order == nil,
                   rowOffsets[key(x.name)]?.hubRowsSkipped == nil,
                   let exactStatistics = x.exactDifferenceStatistics(from: y, topRows: topRows) {
                    statistics = exactStatistics
                }
            }
            var comparison = Comparison(name: x.name, nameB: y.name, dtypeA: x.elementType, dtypeB: y.elementType, shapeA: x.shape, shapeB: y.shape,
                              identicalBytes: result?.identicalBytes ?? false, statistics: statistics,
                              rowOrder: Self.rowOrder(rowOrders[key(x.name)], shapesAgree: x.shape == y.shape,
                                                      compared: result?.statistics != nil),
                              rowOffset: rowOffsets[key(x.name)],
                              valueShift: valueShifts[key(x.name)],
                              transpose: transposes[key(x.name)],
                              stateSpace: stateSpace[key(x.name)],
                              rowPadding: rowPaddings[key(x.name)],
                              entryA: x.info.stackedEntry, entryB: y.info.stackedEntry,
                              rowsA: x.info.rowRange, rowsB: y.info.rowRange,
                              exactDifferences: exactDifferences)
            comparison.multipliers = multipliers[key(x.name)]
            return comparison
        }
    }

    /// Tensors of `views` named in `missing` (absent from the other side) whose bytes are the
    /// very bytes of a tensor `kept` says the other side has: name → that kept tensor's name.
    /// One pass over the views, not a search per name; places by `bytesKey`, whose file is
    /// compared by code points (shards named `café` precomposed and decomposed are two files,
    /// and a tensor of one was said to share the other's storage).
    static func sharedStorageDrops(in views: [TensorView], missing: Set<ExactText>, kept: (String) -> Bool) -> [ExactText: String] {
        guard !missing.isEmpty else { return [:] }
        var holder: [ExactText: String] = [:]
        for view in views where kept(view.name) {
            let place = view.bytesKey
            holder[place] = holder[place] ?? view.name
        }
        var dropped: [ExactText: String] = [:]
        for view in views where view.info.byteCount > 0 && missing.contains(ExactText(view.name)) {
            if let keeper = holder[view.bytesKey] { dropped[ExactText(view.name)] = keeper }
        }
        return dropped
    }

    /// How a config.json ties the input embedding to the output projection, or nil when it does
    /// not: `tie_word_embeddings` stated true, or absent with a model type whose config class
    /// ties by default, or stated false to a config class that sets it true anyway
    /// (`ModelTypeFacts`). In transformers 5.25 that one switch also ties an encoder-decoder's
    /// `encoder`/`decoder.embed_tokens` to `shared` and a masked-LM head's `decoder.bias` to its
    /// `bias` (`get_expanded_tied_weights_keys`, helper-154's table).
    ///
    /// A composite model type outside that table (LLaVA, BLIP-2, …) is answered by its measured
    /// class (`TyingJudge.compositeTie`, as `ties` and `padding` answer it): LlavaConfig ties
    /// when either its top level or its text_config says true. Why: a LLaVA re-save whose
    /// config.json states false at the top level and true in its text_config failed with "only
    /// in A: lm_head.weight", though transformers restores that head (hunt-52a D4).
    static func statedTie(_ config: ModelConfig?) -> String? {
        guard let config else { return nil }
        // Whether: `TyingJudge`'s answer for a model built from this config, as `ties` and
        // `padding` grade it (a text_config's key its class does not read set aside, a config
        // transformers refuses, a wrapper's decoder, a class that never ties). Why: a Gemma 3
        // re-save with text_config false, which Gemma3Config does not read, failed here while
        // `ties` called it tied (review-53 #3).
        let facts = ModelConfigFacts(config)
        let judgement = TyingJudge.judge(TyingQuestion(config: facts, hasOutputProjection: false))
        guard judgement.tied == true, judgement.evidence == .config || judgement.evidence == .modelTypeDefault else { return nil }
        // A clause like the others here: the report adds its own "(tied; …)".
        func clause(_ sentence: String) -> String { sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence }
        if let type = facts.modelType, let measured = TyingJudge.compositeTie(facts, modelType: type) {
            return clause(measured.sentence)
        }
        let fact = facts.modelType.flatMap { ModelTypeFacts.fact(for: $0) }
        switch facts.tieWordEmbeddings {
        case .value(true):
            return "\(config.path) states tie_word_embeddings true"
        case .value(false):
            // T5Config sets true whatever the file says (transformers 5.25): a stated false turns
            // off the output scaling only, and the loader ties equal copies (helper-154).
            if let fact, fact.ignoresStatedFalse {
                return "\(fact.configClass) sets tie_word_embeddings true whatever \(config.path) states (it states false)"
            }
        case .absent:
            if let fact, fact.tiesWordEmbeddings {
                let aside = facts.ignoredTextConfigTie == nil ? "" : "; its text_config's, which \(fact.configClass) does not read, is set aside"
                return "\(fact.configClass)'s default ties word embeddings (\(config.path) states no tie_word_embeddings\(aside))"
            }
        case .null, .unusable:
            break
        }
        // Another way the judgement ties (an encoder-decoder wrapper's decoder config): its own
        // sentence, asked as for a model whose head is stored (no clause about a missing head).
        return clause(TyingJudge.judge(TyingQuestion(config: facts, hasOutputProjection: true)).detail)
    }

    /// Output projections (or input embeddings) of `a` in `missing` whose bytes, dtype and
    /// shape are those of an input embedding (or output projection) `kept` says the other side
    /// has: name → that kept name.
    ///
    /// Linear in the tensors: each name's role is read once, the candidates are bucketed by
    /// role, dtype, shape and a fingerprint of their bytes (one pass over them), and a missing
    /// tensor is compared byte for byte with its bucket's members until one matches (a
    /// fingerprint collision costs a comparison). A first version searched every tensor for
    /// every missing one: 50,000 missing heads against 50,000 kept embeddings, all named so,
    /// would have been 2.5 billion name checks (before-stop read, 2026-12-06).
    static func tiedCopyDrops(in a: Checkpoint, missing: [String], kept: (String) -> Bool, config: ModelConfig? = nil) -> [ExactText: String] {
        struct Bucket: Hashable {
            let head: Bool
            let type: String
            let shape: [UInt64]
            let print: UInt64
        }
        func role(_ name: String) -> Bool? {
            TensorNames.isOutputProjection(name) ? true : TensorNames.isEmbedding(name) ? false : nil
        }
        var found: [ExactText: String] = [:]
        // Pairs transformers ties by name, which the roles cannot tell: both sides embeddings, or biases.
        for name in missing {
            guard let source = Self.namedTieSource(of: name, config: config), kept(source), let copy = a.tensor(named: name), copy.info.byteCount > 0,
                  let original = a.tensor(named: source), original.elementType == copy.elementType, original.shape == copy.shape,
                  original.hasSameBytes(as: copy) else { continue }
            found[ExactText(name)] = source
        }
        // Only the names paired by name are left out: a T5 B keeping `lm_head` alone restores
        // `shared` and both `embed_tokens` from it (review-52 D3).
        // On a composite config the encoder/decoder `embed_tokens` are tied by their part's own
        // config, which the top level need not state: not paired by role either (review-52b D2:
        // a Florence-2 whose text_config unties them passed, paired with the kept lm_head).
        let composite = config?.hasTextConfig == true
        let missingViews = missing.filter { found[ExactText($0)] == nil && !(composite && sharedEmbeddingSource(of: $0) != nil) }.compactMap { name -> (view: TensorView, head: Bool)? in
            guard let view = a.tensor(named: name), view.info.byteCount > 0, let head = role(name) else { return nil }
            return (view, head)
        }
        guard !missingViews.isEmpty else { return found }
        let wanted = Set(missingViews.map { "\(!$0.head) \($0.view.elementType.rawValue) \($0.view.shape)" })
        let partners = a.tensors.compactMap { view -> (view: TensorView, head: Bool)? in
            guard view.info.byteCount > 0, kept(view.name), let head = role(view.name),
                  wanted.contains("\(head) \(view.elementType.rawValue) \(view.shape)") else { return nil }
            return (view, head)
        }
        guard !partners.isEmpty else { return found }
        let prints = TensorView.fingerprints(of: missingViews.map(\.view) + partners.map(\.view))
        var buckets: [Bucket: [TensorView]] = [:]
        for (k, partner) in partners.enumerated() {
            let bucket = Bucket(head: partner.head, type: partner.view.elementType.rawValue, shape: partner.view.shape,
                                print: prints[missingViews.count + k])
            buckets[bucket, default: []].append(partner.view)
        }
        for (k, item) in missingViews.enumerated() {
            let bucket = Bucket(head: !item.head, type: item.view.elementType.rawValue, shape: item.view.shape, print: prints[k])
            if let partner = buckets[bucket]?.first(where: { $0.hasSameBytes(as: item.view) }) {
                found[ExactText(item.view.name)] = partner.name
            }
        }
        return found
    }

    /// The tensor transformers ties `name` to by name when `tie_word_embeddings` holds, or nil:
    /// an encoder-decoder's `P.encoder.embed_tokens.weight` and `P.decoder.embed_tokens.weight`
    /// → `P.shared.weight` (T5, BART, mBART, Pegasus, M2M100, LED; ProphetNet's
    /// `P.encoder.word_embeddings.weight` → `P.word_embeddings.weight`), and a masked-LM head's
    /// `…predictions.decoder.bias` / `lm_head.decoder.bias` → the head's `bias` (BERT, DeBERTa-v2,
    /// ALBERT, RoBERTa, XLM-R, MPNet, …): the model types `NamedTies` lists, generated from
    /// transformers 5.25's `_tied_weights_keys` (a first list of the types helper-154 re-saved
    /// failed 20 more that transformers ties the same way, review-52b). The bytes must still match.
    ///
    /// Only for those model types, on a flat config.json: a name alone excuses nothing
    /// (Reformer has an `lm_head.decoder.bias` it never ties), and a composite model ties each
    /// part by that part's own config (a Florence-2 whose `text_config` states false leaves its
    /// `language_model`'s `embed_tokens` random however the top level reads; review-52).
    static func namedTieSource(of name: String, config: ModelConfig?) -> String? {
        guard let config, !config.hasTextConfig, let type = config.modelType else { return nil }
        if NamedTies.sharedEmbeddingTypes.contains(type) {
            return sharedEmbeddingSource(of: name)
        }
        if NamedTies.tiedBiasTypes.contains(type) {
            return tiedBiasSource(of: name)
        }
        return nil
    }

    static func sharedEmbeddingSource(of name: String) -> String? {
        for side in ["encoder.", "decoder."] {
            for (table, source) in [("embed_tokens.weight", "shared.weight"), ("word_embeddings.weight", "word_embeddings.weight")] {
                let suffix = side + table
                guard name.hasSuffix(suffix) else { continue }
                let prefix = name.dropLast(suffix.count)
                guard prefix.isEmpty || prefix.hasSuffix(".") else { continue }
                return prefix + source
            }
        }
        return nil
    }

    static func tiedBiasSource(of name: String) -> String? {
        for head in ["predictions.", "lm_head."] {
            let suffix = head + "decoder.bias"
            guard name.hasSuffix(suffix) else { continue }
            let prefix = name.dropLast(suffix.count)
            guard prefix.isEmpty || prefix.hasSuffix(".") else { continue }
            return prefix + head + "bias"
        }
        return nil
    }

    /// What a compared pair reads: both views' files, byte ranges, element types and shapes.
    struct PairBytes: Hashable {
        let a: ViewBytes, b: ViewBytes

        struct ViewBytes: Hashable {
            let path: ExactText
            let range: TensorView.ReadRange
            let type: String
            let shape: [UInt64]

            init(_ view: TensorView) {
                path = ExactText(view.path)
                range = view.readRange
                type = view.elementType.rawValue
                shape = view.shape
            }
        }

        init(_ a: TensorView, _ b: TensorView) {
            self.a = ViewBytes(a)
            self.b = ViewBytes(b)
        }
    }

    /// A q/k pair's row order as reported: a permutation is claimed only where values were
    /// compared with it.
    static func rowOrder(_ decision: LlamaCppRotaryOrder.Decision?, shapesAgree: Bool, compared: Bool) -> LlamaCppRotaryOrder.Decision? {
        guard let decision else { return nil }
        if !shapesAgree { return decision.unpaired("the shapes differ") }
        if decision.order != nil && !compared { return decision.unpaired("the dtypes cannot be compared element-wise") }
        return decision
    }
}
