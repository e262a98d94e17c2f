import Dispatch
import SafetensorsFormat
import CheckpointIO
import StrictJSON
import TensorScan
import ModelKnowledge

/// Exact equality across the tensors of a checkpoint: which tensors are stored twice, and why.
///
/// Scales with the file, not with pairs: tensors are bucketed by byte length (a tensor can only
/// equal one of the same size) and sieved by their first bytes (`Twins`); the candidates left
/// are compared with their class's first tensor in one parallel pass. Where that leaves members
/// that may equal each other, a bucket of two is settled by one `memcmp`, larger buckets are
/// keyed by a fast 64-bit hash (or row digests) and every candidate group is confirmed byte by
/// byte, so a hash collision can cost time but never a wrong group.
public enum TieAnalysis {
    public enum Kind: String, Sendable, CaseIterable {
        /// Embedding ↔ output projection (or shared encoder/decoder embeddings) saved twice.
        case tiedWeights = "tied-weights"
        /// Registered buffers repeated by design (GPT-2's causal masks, position_ids, inv_freq).
        case repeatedBuffer = "repeated-buffer"
        /// Every element equal (e.g. zero biases): equal by construction, not a copy.
        case constant
        /// The same parameter of different layers: a suspicious copy.
        case identicalLayers = "identical-layers"
        /// Zero-size tensors are trivially equal.
        case empty
        /// The attention output's and the MLP output's biases of one layer of a parallel-residual
        /// block (GPT-NeoX, Phi): both start at zero and are added to the same residual sum, so
        /// they get the same gradient at every step and stay equal.
        case parallelResidualBias = "parallel-residual-bias"
        /// One layer's (and direction's) `bias_ih_lK` and `bias_hh_lK` of a torch LSTM: both are
        /// added to the same gate pre-activations, so they get the same gradient at every step and
        /// biases that start equal stay equal; each is the model's own parameter.
        case recurrentBiasPair = "recurrent-bias-pair"
        /// An optimizer's state for different parameters (`….state.<n>.exp_avg`): parameters
        /// that always get the same gradient get the same moments; each is the optimizer's own.
        case optimizerState = "optimizer-state"
        /// Identical, and nothing above explains it.
        case duplicate
    }

    public struct Group: Sendable, Equatable {
        /// Sorted names.
        public var tensors: [String]
        public var dtype: ElementType
        public var shape: [UInt64]
        public var nbytes: UInt64
        public var kind: Kind
        public var note: String
        /// For an embedding and output projection saved as copies: what config.json says of
        /// their tie (`TieStatement.clause`: stated, the model type's default, none or no
        /// config). `audit`'s finding names it, as `ties`' note does: "tied weights saved 2 times,
        /// … bytes wasted" stood alone in CI logs, its basis only in `ties` (hunt-53a D5).
        public var basis: String? = nil
        /// The note of a `duplicate` nothing explains.
        static let unexplained = "identical bytes with no known reason"
        /// How many copies beyond the first a loader needs each of: an embedding and output
        /// projection that config.json unties are two parameters, so no byte of either is
        /// wasted; a further copy in the same group is.
        public var neededCopies = 0
        /// Whether every copy is needed.
        public var copiesAreNeeded: Bool { neededCopies > 0 && neededCopies == tensors.count - 1 }
        /// Bytes that storing the tensor once would save.
        public var wastedBytes: UInt64 { kind == .empty ? 0 : nbytes * UInt64(tensors.count - 1 - neededCopies) }
    }

    /// Each grouped tensor's copies, listed when asked for. Why not a dictionary of every
    /// member's list: a group of n holds n × (n − 1) names that way, and a 3.2 MB file of 50,000
    /// identical one-byte tensors made `audit` peak at 23.7 GB; the audit asks for the copies
    /// of its few token matrices only.
    public struct Copies: Sendable {
        let groups: [[String]]
        /// Name (its UTF-8 bytes: canonically equivalent names are two tensors) → index into
        /// `groups` (a later group wins, as the dictionary it replaces did).
        let groupOfName: [ExactText: Int]

        init(_ groups: [[String]]) {
            self.groups = groups
            var groupOfName: [ExactText: Int] = [:]
            for (index, names) in groups.enumerated() {
                for name in names { groupOfName[ExactText(name)] = index }
            }
            self.groupOfName = groupOfName
        }

        /// The other members of `name`'s group, or nil when it is in none.
        public subscript(name: String) -> [String]? {
            guard let index = groupOfName[ExactText(name)] else { return nil }
            return groups[index].filter { !ExactText.same($0, name) }
        }
    }

    /// Where a view's bytes are stored in its file: among views holding identical bytes, those
    /// with the same key are one stored buffer (`TensorView.sharesBytes`, or a gathered torch
    /// view over the same storage bytes), so they count once. The path by code points: shards
    /// named `café` precomposed and decomposed are two files, and copies in them were counted once.
    struct StoredBytes: Hashable {
        let path: ExactText
        let range: Range<UInt64>

        /// A gathered torch view by the file bytes it spans: views holding identical values
        /// over the same bytes of one storage (a symmetric matrix saved beside its own
        /// transpose) are one buffer in the file, not copies.
        init(_ view: TensorView) {
            path = ExactText(view.path)
            range = view.info.gathered?.storedBytes ?? view.fileRange
        }
    }

    /// Identical bytes under different dtypes or shapes: reported, not called tied.
    public struct SameBytes: Sendable, Equatable {
        public struct Member: Sendable, Equatable {
            public var tensor: String
            public var dtype: ElementType
            public var shape: [UInt64]
        }
        /// Sorted by name.
        public var members: [Member]
        public var nbytes: UInt64
    }

    /// Tensors that are views of one stored buffer (torch saves tied weights this way: once).
    /// Not copies: no bytes are wasted, and views of the same bytes are never a `Group`.
    public struct SharedStorage: Sendable, Equatable {
        /// Sorted names.
        public var tensors: [String]
        public var file: String
    }

    public struct Report: Sendable {
        /// Sorted by first tensor name.
        public var groups: [Group]
        /// Sorted by first tensor name.
        public var sharedStorage: [SharedStorage] = []
        public var sameBytes: [SameBytes]
        /// `__metadata__` aliases, removed name (by code points) → kept name.
        public var aliases: [ExactText: String]
        /// Every grouped tensor's copies: the other tensors of its group (same dtype, shape
        /// and bytes), by name.
        public var copies: Copies { Copies(groups.map(\.tensors)) }
        /// Σ over non-empty groups of (copies − 1) × bytes.
        public var wastedBytes: UInt64 { groups.reduce(0) { $0 + $1.wastedBytes } }
    }

    /// Groups the identical tensors of `checkpoint` in one read of the candidates' bytes: the
    /// prefix sieve (`Twins`) leaves only tensors that share a size and their first 4 KiB, and
    /// one scan compares each with its class's first tensor while fingerprinting them (for the
    /// rare class whose members differ from the first but maybe not from each other).
    public static func analyze(_ checkpoint: Checkpoint) -> Report {
        let views = checkpoint.tensors
        let twins = Twins(views)
        let work = views.indices.map { i -> RowScan.Work in
            guard twins.candidates.contains(i) else { return .nothing }
            return twins.leaders[i].map { RowScan.Work.fingerprint.comparingBytes(withJob: $0) } ?? .fingerprint
        }
        let outputs = RowScan.run(views, work) { _, output in output }
        var fingerprints: [Int: UInt64] = [:], verdicts: [Int: Bool] = [:]
        for (i, output) in outputs.enumerated() {
            fingerprints[i] = output.fingerprint
            verdicts[i] = output.sameBytesAsTwin
        }
        return analyze(checkpoint, fingerprints: fingerprints, twins: twins, twinVerdicts: verdicts)
    }

    /// Groups the identical tensors of `checkpoint`. `fingerprints` (by index into
    /// `checkpoint.tensors`, each `TensorView.fingerprint()`'s value) and `rowDigests` (each
    /// `rowDigest(of:)` of the tensor's `rowMoments()`) spare re-reading tensors another pass
    /// already read; what is missing is computed here. With `twins` (the prefix sieve), only
    /// its classes are candidates, and `twinVerdicts` (a scan's `sameBytesAsTwin`, by index)
    /// spare comparing a follower with its leader again.
    public static func analyze(_ checkpoint: Checkpoint, fingerprints: [Int: UInt64] = [:],
                               rowDigests: [Int: UInt64] = [:], twins: Twins? = nil,
                               twinVerdicts: [Int: Bool] = [:]) -> Report {
        let views = checkpoint.tensors
        let sets = identicalSets(views, fingerprints: fingerprints, rowDigests: rowDigests,
                                 twins: twins, twinVerdicts: twinVerdicts)
        var groups: [Group] = []
        var same: [SameBytes] = []
        var states: Set<String>?
        let optimizerStates = {
            if let states { return states }
            let found = TensorNames.optimizerStates(in: checkpoint.tensors.lazy.map(\.name))
            states = found
            return found
        }
        for found in sets {
            // Views of the very same file bytes count once: they are one buffer, not copies.
            // (By key, not by comparing each with every kept member: that was n² for a set of n.)
            var stored = Set<StoredBytes>()
            let members = found.filter { stored.insert(StoredBytes(views[$0])).inserted }
            guard members.count > 1 else { continue }
            var byLayout: [String: [Int]] = [:]
            for i in members { byLayout[layoutKey(views[i]), default: []].append(i) }
            for indices in byLayout.values where indices.count > 1 {
                groups.append(group(indices.map { views[$0] }, checkpoint: checkpoint, optimizerStates: optimizerStates))
            }
            if byLayout.count > 1 {
                let list = members.map { SameBytes.Member(tensor: views[$0].name, dtype: views[$0].elementType, shape: views[$0].shape) }
                same.append(SameBytes(members: list.sorted { ExactText.precedes($0.tensor, $1.tensor) }, nbytes: views[members[0]].info.byteCount))
            }
        }
        // Zero-size tensors: equal when dtype and shape agree.
        var empties: [String: [TensorView]] = [:]
        for view in views where view.info.byteCount == 0 { empties[layoutKey(view), default: []].append(view) }
        for list in empties.values where list.count > 1 {
            groups.append(Group(tensors: list.map(\.name).sortedByCodePoints(), dtype: list[0].elementType, shape: list[0].shape, nbytes: 0,
                                kind: .empty, note: "zero-size tensors hold no bytes and are trivially equal"))
        }
        // Names in code point order, as Python sorts them (`String <` compares NFC forms).
        groups.sort { ExactText.precedes($0.tensors[0], $1.tensors[0]) }
        same.sort { ExactText.precedes($0.members[0].tensor, $1.members[0].tensor) }
        var shared = checkpoint.files.flatMap { file in
            file.sharedStorageGroups.map { SharedStorage(tensors: $0.sortedByCodePoints(), file: file.path) }
        }
        shared.sort { ExactText.precedes($0.tensors[0], $1.tensors[0]) }
        return Report(groups: groups, sharedStorage: shared, sameBytes: same, aliases: TensorNames.aliases(in: checkpoint))
    }

    static func layoutKey(_ view: TensorView) -> String {
        view.elementType.rawValue + "|" + view.shape.map(String.init).joined(separator: ",")
    }

    /// Indices into `views` of the tensors `analyze` needs byte fingerprints of, when the
    /// tensors in `digested` come with row digests: the non-empty ones in a byte-size bucket of
    /// three or more (a pair is settled by one `memcmp`), unless the whole bucket has one dtype
    /// and shape and row digests.
    public static func tensorsNeedingFingerprints(_ views: [TensorView], digested: Set<Int> = []) -> Set<Int> {
        Set(sizeBuckets(views).filter { $0.count > 2 && !digestsSuffice($0, views, digested) }.joined())
    }

    /// A digest of row statistics, standing in for a fingerprint among tensors of one dtype and
    /// shape: identical bytes give bit-identical row statistics (every row is cut into the same
    /// chunks and pieces), so equal bytes always give equal digests — and the statistics come
    /// from the row pass, so no second read is needed. A collision costs a `memcmp`, as with
    /// fingerprints. Not a substitute across layouts (same bytes read as another dtype differ).
    /// A multiply–xor chain rather than `Hasher` (SipHash, ~1.5% of a BF16 audit): the digest
    /// never leaves the process, and a collision only costs the `memcmp` that settles it.
    public static func rowDigest(of rows: RowMomentsList) -> UInt64 {
        let odd: UInt64 = 0x9E37_79B9_7F4A_7C15
        @inline(__always) func mix(_ h: UInt64, _ x: UInt64) -> UInt64 { (h ^ x) &* odd }
        var h = mix(0, UInt64(rows.count))
        // Each row hashed on its own, then folded in with one multiply: the rows' chains overlap,
        // where one chain of six multiplies a row ran at its latency (~1% of the Q4_0 bench
        // audit's samples, 295,000 rows). The digest only buckets tensors for a byte comparison.
        rows.withContiguousStorageIfAvailable { rows in
            for m in rows {
                var r = mix(odd, m.sum.bitPattern)
                r = mix(r, m.sumOfSquares.bitPattern)
                r = mix(r, m.centeredSquares.bitPattern)
                r = mix(r, m.minimum.bitPattern)
                r = mix(r, m.maximum.bitPattern)
                r = mix(r, UInt64(truncatingIfNeeded: m.nanCount) &+ UInt64(truncatingIfNeeded: m.positiveInfinityCount) << 21
                           &+ UInt64(truncatingIfNeeded: m.negativeInfinityCount) << 42 &+ (m.allBitsZero ? 1 << 63 : 0))
                h = mix(h, r ^ (r >> 29))
            }
        }
        return h ^ (h >> 29)
    }

    /// Whether a size bucket is one layout whose every member has a row digest: then the
    /// digests bucket it exactly as well as fingerprints, and no same-bytes set can span layouts.
    static func digestsSuffice(_ bucket: [Int], _ views: [TensorView], _ digested: Set<Int>) -> Bool {
        guard let first = bucket.first else { return true }
        let layout = layoutKey(views[first])
        return bucket.allSatisfy { digested.contains($0) && layoutKey(views[$0]) == layout }
    }

    /// Indices of non-empty tensors bucketed by byte size, buckets of ≥ 2 only.
    static func sizeBuckets(_ views: [TensorView]) -> [[Int]] {
        var bySize: [UInt64: [Int]] = [:]
        for (i, view) in views.enumerated() where view.info.byteCount > 0 { bySize[view.info.byteCount, default: []].append(i) }
        return bySize.values.filter { $0.count > 1 }
    }

    /// Sets (≥ 2, indices into `views`) of non-empty tensors with identical bytes.
    static func identicalSets(_ views: [TensorView], fingerprints known: [Int: UInt64] = [:],
                              rowDigests: [Int: UInt64] = [:], twins: Twins? = nil,
                              twinVerdicts: [Int: Bool] = [:]) -> [[Int]] {
        guard let twins else {
            return identicalSets(views, buckets: sizeBuckets(views), fingerprints: known, rowDigests: rowDigests)
        }
        // The sieve's classes: each member against its class's first, from the scan's verdict,
        // from the sieve itself (a tensor no longer than the prefix), or compared here.
        let prefix = UInt64(TensorView.sievePrefixBytes)
        let pairs = twins.classes.flatMap { c in
            c.dropFirst().filter { views[c[0]].info.byteCount > prefix && twinVerdicts[$0] == nil }.map { (c[0], $0) }
        }
        var verdict = twinVerdicts
        for (k, equal) in compareInParallel(pairs, views).enumerated() { verdict[pairs[k].1] = equal }
        var sets: [[Int]] = []
        var rest: [[Int]] = []
        for c in twins.classes {
            let short = views[c[0]].info.byteCount <= prefix
            let equal = c.dropFirst().filter { short || verdict[$0] == true }
            if !equal.isEmpty { sets.append([c[0]] + equal) }
            // Members that differ from the first may still equal each other (rare): the buckets way.
            let others = c.dropFirst().filter { !short && verdict[$0] != true }
            if others.count > 1 { rest.append(Array(others)) }
        }
        return sets + identicalSets(views, buckets: rest, fingerprints: known, rowDigests: rowDigests)
    }

    /// Sets of identical tensors within `buckets` (each of one byte size): a pair is compared,
    /// larger buckets are keyed by row digests or fingerprints first and confirmed byte by byte.
    static func identicalSets(_ views: [TensorView], buckets: [[Int]], fingerprints known: [Int: UInt64],
                              rowDigests: [Int: UInt64]) -> [[Int]] {
        struct Key: Hashable {
            var size: UInt64
            var hash: UInt64
        }
        var candidates: [[Int]] = []
        var toHash: [Int] = []
        var byKey: [Key: [Int]] = [:]
        let digested = Set(rowDigests.keys)
        for bucket in buckets {
            if bucket.count == 2 {
                candidates.append(bucket)
            } else if digestsSuffice(bucket, views, digested) {
                for i in bucket { byKey[Key(size: views[i].info.byteCount, hash: rowDigests[i] ?? 0), default: []].append(i) }
            } else {
                toHash += bucket
            }
        }
        if !toHash.isEmpty {
            let missing = toHash.filter { known[$0] == nil }
            var hashes = known
            for (k, h) in TensorView.fingerprints(of: missing.map { views[$0] }).enumerated() { hashes[missing[k]] = h }
            // A size bucket is keyed by digests or by fingerprints, never both.
            for i in toHash { byKey[Key(size: views[i].info.byteCount, hash: hashes[i] ?? 0), default: []].append(i) }
        }
        candidates += byKey.values.filter { $0.count > 1 }
        // Confirm every member against its candidate group's first tensor, in parallel.
        let pairs = candidates.flatMap { c in c.dropFirst().map { (c[0], $0) } }
        let equal = compareInParallel(pairs, views)
        var verdict: [Int: Bool] = [:]
        for (k, pair) in pairs.enumerated() { verdict[pair.1] = equal[k] }
        var sets: [[Int]] = []
        for candidate in candidates {
            let confirmed = [candidate[0]] + candidate.dropFirst().filter { verdict[$0] == true }
            if confirmed.count > 1 { sets.append(confirmed) }
            // A collision: the members that differ from the first, grouped by their bytes.
            sets += groupsOfEqualBytes(candidate.dropFirst().filter { verdict[$0] != true }, views)
        }
        return sets.map { $0.sorted() }
    }

    /// Sets (≥ 2) of equal bytes among `indices`, all of one byte size: sorted by their bytes
    /// (`memcmp` order) and grouped with equal neighbours, O(k log k) comparisons. Why not pair
    /// by pair: a collision is not rare when an input makes one on purpose — row digests are sums
    /// of row statistics, so rows that are permutations of each other collide — and comparing
    /// each remaining member with every other took k² `memcmp`s (4,000 such 8 KiB tensors:
    /// 1.2 s of CPU; 32,000: over a minute).
    static func groupsOfEqualBytes(_ indices: [Int], _ views: [TensorView]) -> [[Int]] {
        guard indices.count > 1 else { return [] }
        // Compared through `compareBytes`, which drops the pages of a large comparison behind it.
        let members = indices.map { views[$0] }
        func less(_ a: Int, _ b: Int) -> Bool {
            let x = members[a], y = members[b]
            guard x.bytes.count == y.bytes.count else { return x.bytes.count < y.bytes.count }
            return x.compareBytes(0 ..< x.bytes.count, with: y, at: 0) < 0
        }
        let order = members.indices.sorted(by: less)
        var sets: [[Int]] = []
        var run = [order[0]]
        for position in order.dropFirst() {
            if let last = run.last, members[last].hasSameBytes(as: members[position]) {
                run.append(position)
            } else {
                if run.count > 1 { sets.append(run.map { indices[$0] }) }
                run = [position]
            }
        }
        if run.count > 1 { sets.append(run.map { indices[$0] }) }
        return sets
    }

    static func compareInParallel(_ pairs: [(Int, Int)], _ views: [TensorView]) -> [Bool] {
        final class Results: @unchecked Sendable {
            var values: [Bool]
            init(_ n: Int) { values = Array(repeating: false, count: n) }
        }
        let results = Results(pairs.count)
        let bytes = pairs.reduce(0) { $0 + Int(views[$1.0].info.byteCount) }
        if pairs.count < 2 || bytes < 1 << 20 {
            for (k, p) in pairs.enumerated() { results.values[k] = views[p.0].hasSameBytes(as: views[p.1]) }
            return results.values
        }
        results.values.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let target = out
            DispatchQueue.concurrentPerform(iterations: pairs.count) { k in
                target[k] = views[pairs[k].0].hasSameBytes(as: views[pairs[k].1])
            }
        }
        return results.values
    }

    /// `optimizerStates`: the checkpoint's optimizer-state prefixes
    /// (`TensorNames.optimizerStates(in:)`), computed at most once per report, and only when a
    /// group needs them.
    static func group(_ members: [TensorView], checkpoint: Checkpoint, optimizerStates: () -> Set<String>) -> Group {
        let names = members.map(\.name).sortedByCodePoints()
        let first = members[0]
        var group = Group(tensors: names, dtype: first.elementType, shape: first.shape, nbytes: first.info.byteCount,
                          kind: .duplicate, note: "")
        let roles = names.filter { TensorNames.isEmbedding($0) || TensorNames.isOutputProjection($0) }
        let patterns = Set(names.map { TensorNames.layerPattern($0) ?? $0 })
        // An output projection's byte-identical matrix is its tied embedding whatever its name,
        // as `padding` judges it (`PaddingAnalysis.tyingQuestion`): `lm_head.weight` equal to
        // `foo.weight` was "tied (identical-bytes)" there and a duplicate "with no known reason"
        // here, in one audit (adversarial test, 2026-12-04).
        // Two output projections alone (`lm_head.weight` and `model.lm_head.weight`) are no
        // embedding tie: "embedding and output projection saved twice" misnamed them
        // (adversarial review, 2026-12-05).
        let outputTwin = first.shape.count == 2 && names.contains(where: TensorNames.isOutputProjection)
            && names.contains { !TensorNames.isOutputProjection($0) }
        // One value repeated (two all-zero matrices) is equal by construction, whatever the
        // names: an embedding and output projection of zeros were "tied weights saved twice",
        // a claim their bytes cannot make (adversarial test).
        // (`isConstant` stops at the first two values that differ, so a real tie costs nothing.)
        let constant = first.isConstant()
        let facts = checkpoint.config.map(ModelConfigFacts.init)
        let hasInput = roles.contains { !TensorNames.isOutputProjection($0) }
        let embeddingCopies = ((roles.count >= 2 && hasInput) || outputTwin) && !constant
        let untie = embeddingCopies && TyingJudge.untiedCopies(TyingQuestion(config: facts, hasOutputProjection: true)) != nil
        if untie {
            // Stored matrices a config (or default) unties are separate parameters to
            // transformers, equal or not: none is a tie saved twice, and dropping one as
            // "wasted" leaves it missing at load (review, 2026-12-05; `TyingJudge.statedUntie`).
            // So are BART's and Pegasus' `shared` and the encoder's and decoder's `embed_tokens`
            // under tie_word_embeddings false: transformers 5.25 ties none of them then (they
            // were "tied weights saved 3 times" here; review, 2026-12-05). Only the copies the
            // model has a parameter for are needed: a second lm_head or a stray embedding copy
            // is not (adversarial review), yet nothing in such a group is a tie either (a
            // regression hunt found them called "tied weights saved 4 times").
            let needed = UntiedSet(names) { prefix in
                checkpoint.tensors.count { $0.name.hasPrefix(prefix + "encoder.") || $0.name.hasPrefix(prefix + "decoder.") }
            }
            group.neededCopies = needed.count > 1 ? needed.count - 1 : 0
            group.note = needed.note(names, untie: TieStatement.untieClause(facts))
        } else if let table = sinusoidalTable(names, first, facts) {
            // Marian's, Pegasus' and FSMT's encoder and decoder each save the same computed
            // sinusoid: a duplicate "with no known reason" here (review, 2026-12-05).
            group.kind = .repeatedBuffer
            group.note = table
        } else if embeddingCopies {
            group.kind = .tiedWeights
            let times = names.count == 2 ? "twice" : "\(names.count) times"
            if names.contains(where: TensorNames.isOutputProjection) {
                // Only the output projection's tie is what tie_word_embeddings governs.
                let declared = TieStatement.clause(for: checkpoint.config.map(ModelConfigFacts.init))
                group.note = "embedding and output projection saved \(times) (\(declared))"
                group.basis = declared
            } else {
                // T5 and BART: `shared` with the encoder's and decoder's `embed_tokens`; an
                // encoder-only export holds no decoder, so the note names no module.
                group.note = "one input embedding saved \(times), under the name of each module that shares it"
            }
        } else if names.allSatisfy(TensorNames.isBuffer) {
            group.kind = .repeatedBuffer
            group.note = "a buffer the model stores in every layer by design"
        } else if constant {
            group.kind = .constant
            // An integer tensor's value as an integer (`num_batches_tracked` read "709746.0"), and
            // no claim of how the values came about (a count of batches is no construction).
            // Integers exactly, every digit (2^53 + 1 read as 2^53 through a Double), booleans
            // as Python prints them.
            let shown: String = switch first.elementType.scalar {
            case .bool?: first.exactInteger(at: 0) == .nonNegative(0) ? "False" : "True"
            case let scalar? where scalar.isInteger: first.exactInteger(at: 0)?.description ?? "\(first.value(at: 0))"
            default: "\(first.value(at: 0))"
            }
            group.note = first.elementCount > 0
                ? "every element equals \(shown): tensors of one repeated value are equal without being copies"
                : "empty tensors: equal without being copies"
        } else if names.allSatisfy({ TensorNames.isOptimizerState($0, states: optimizerStates()) }) {
            // Each parameter's state is the optimizer's own, so no copy is wasted.
            group.kind = .optimizerState
            group.neededCopies = names.count - 1
            group.note = "an optimizer's state for different parameters (the numbers are parameter indices or ids, not layers): "
                + "parameters that receive the same gradient at every step, such as an LSTM's bias_ih and bias_hh, have the same moments"
        } else if let note = averagedCopy(names, optimizerStates: optimizerStates) {
            group.kind = .optimizerState
            group.neededCopies = names.count - 1
            group.note = note
        } else if let note = parallelResidualBiases(names, config: checkpoint.config) {
            group.kind = .parallelResidualBias
            group.note = note
        } else if let note = recurrentBiases(names, first, in: checkpoint) {
            group.kind = .recurrentBiasPair
            group.neededCopies = 1
            group.note = note
        } else if patterns.count == 1 && names.allSatisfy({ TensorNames.layerPattern($0) != nil }) {
            group.kind = .identicalLayers
            group.note = "the same parameter in different layers holds identical values: a suspicious copy"
        } else {
            group.note = Group.unexplained
        }
        return group
    }

    /// The note of a parameter and ASGD's averaged copy of it (`….state.<n>.ax`, in an
    /// optimizer's state): equal until averaging starts at step `t0` (10^6 by default), so a
    /// `duplicate-tensors` warning for every parameter of an ASGD checkpoint was no copy
    /// anyone made (adversarial review, 2026-12-05). nil for any other group.
    static func averagedCopy(_ names: [String], optimizerStates: () -> Set<String>) -> String? {
        let states = optimizerStates()
        let averaged = names.filter { TensorNames.isOptimizerState($0, states: states) && $0.hasSuffix(".ax") }
        let others = names.filter { !TensorNames.isOptimizerState($0, states: states) }
        guard !averaged.isEmpty, others.count == 1, averaged.count + others.count == names.count else { return nil }
        return "ASGD's averaged copy (ax) of the parameter \(quoted(others[0])) in an optimizer's state: equal to it until averaging starts (t0 steps)"
    }

    /// The note of a layer's attention-output and MLP-output biases in a parallel-residual
    /// block, or nil: model_type `gpt_neox` (`use_parallel_residual` absent or true) with
    /// `….attention.dense.bias` and `….mlp.dense_4h_to_h.bias`, or `phi` with
    /// `….self_attn.dense.bias` and `….mlp.fc2.bias`, of one layer. Why: transformers
    /// initialises both biases to zero and adds both outputs to one residual sum, so each step
    /// without residual dropout (its masks differ per output; `hidden_dropout` / `resid_pdrop`
    /// must be absent or 0, a QA run found them ignored) gives them the same gradient; trained GPT-NeoX and Phi models built by transformers held
    /// them equal, reported as duplicates "with no known reason" (black-box QA run, 2026-12-05).
    static func parallelResidualBiases(_ names: [String], config: ModelConfig?) -> String? {
        guard names.count == 2, let config, let type = config.modelType else { return nil }
        let suffixes: (String, String)
        switch type {
        case "gpt_neox" where config.parallelResidualWithoutDropout == true: suffixes = (".attention.dense.bias", ".mlp.dense_4h_to_h.bias")
        case "phi" where config.parallelResidualWithoutDropout == true: suffixes = (".self_attn.dense.bias", ".mlp.fc2.bias")
        default: return nil
        }
        let attention = names.first { $0.hasSuffix(suffixes.0) }, mlp = names.first { $0.hasSuffix(suffixes.1) }
        guard let attention, let mlp, attention.dropLast(suffixes.0.count) == mlp.dropLast(suffixes.1.count) else { return nil }
        return "one layer's attention-output and MLP-output biases in a parallel-residual block (model_type \(quoted(type))): "
            + "both start at zero and add to the same residual sum, so without residual dropout every step gives them the same gradient and keeps them equal"
    }

    /// The note of a torch LSTM's two biases of one layer and direction (`P.bias_ih_lK[_reverse]`,
    /// `P.bias_hh_lK[_reverse]`, each `[4·H]` of a floating-point type) when the checkpoint's
    /// `P.weight_hh_lK[_reverse]` is `[4·H, H]`: `torch.nn.LSTM` adds both biases to the same gate
    /// pre-activations, so every step gives them the same gradient — torch's float32 LSTM computes
    /// it once for both, and biases that start equal stay bit-for-bit equal through training
    /// (`TestData/recurrent-biases`: ten SGD steps with momentum and weight decay) — and a
    /// converter splitting one bias in two writes them equal. nil otherwise: a GRU (`[3·H, H]`,
    /// its `b_hn` multiplied by the reset gate), an LSTM with projections, and a plain RNN, whose
    /// two gradients torch 2.13 rounds apart (a review measured its pairs drifting ~1e-9 in
    /// training), keep `duplicate`; so do biases whose shape or type no LSTM has. EasyOCR's
    /// `english_g2.pth` holds four such LSTM pairs, which were duplicates "with no known reason"
    /// (reader's review, 2026-12-05).
    static func recurrentBiases(_ names: [String], _ first: TensorView, in checkpoint: Checkpoint) -> String? {
        guard names.count == 2, first.elementType.isFloatingPoint, first.shape.count == 1 else { return nil }
        // The module path (up to its last dot) and the layer of a `…bias_ih_l0_reverse` name.
        func split(_ name: String, _ marker: String) -> (prefix: Substring, layer: Substring)? {
            let last = name.lastIndex(of: ".").map { name.index(after: $0) } ?? name.startIndex
            let leaf = name[last...]
            guard leaf.hasPrefix(marker) else { return nil }
            return (name[..<last], leaf.dropFirst(marker.count))
        }
        guard let input = names.lazy.compactMap({ split($0, "bias_ih_") }).first,
              let hidden = names.lazy.compactMap({ split($0, "bias_hh_") }).first,
              input.prefix == hidden.prefix, input.layer == hidden.layer, input.layer.hasPrefix("l"),
              input.layer.dropFirst().prefix(while: { $0.isASCII && $0.isNumber }).count > 0,
              ["", "_reverse"].contains(String(input.layer.dropFirst().drop(while: { $0.isASCII && $0.isNumber }))),
              let weight = checkpoint.tensor(named: "\(input.prefix)weight_hh_\(input.layer)"), weight.shape.count == 2,
              weight.elementType.isFloatingPoint,
              // [4·H, H], compared by division: 4 · H overflows 64 bits for an empty [0, 2^62].
              weight.shape[1] > 0, weight.shape[0] % 4 == 0, weight.shape[0] / 4 == weight.shape[1],
              first.shape[0] == weight.shape[0] else { return nil }
        return "an LSTM's two biases of one layer and direction (\(input.prefix)weight_hh_\(input.layer) is \(weight.shape)): torch adds both "
            + "to the same gate pre-activations, so every step gives them the same gradient (torch's float32 LSTM computes it once for both), "
            + "and biases that start equal (a zero or constant initialization, or a converter splitting one bias in two) stay equal; "
            + "each is the model's own parameter"
    }

    /// The note of a pair of the model type's fixed sinusoidal position tables
    /// (`ModelTypeFact.sinusoidalPositionTables`): the encoder's and the decoder's, under one
    /// prefix (`model.` in a `…ForConditionalGeneration` file), whose values are the sinusoid
    /// (`SinusoidalPositions`). nil otherwise: names and a model type alone hid two random
    /// copies (adversarial review, 2026-12-05).
    static func sinusoidalTable(_ names: [String], _ first: TensorView, _ config: ModelConfigFacts?) -> String? {
        guard names.count == 2, let type = config?.modelType, let fact = ModelTypeFacts.fact(for: type),
              fact.sinusoidalPositionTables.count == 2 else { return nil }
        // One name per table, both under the same prefix.
        var prefixes: [String] = []
        for table in fact.sinusoidalPositionTables {
            guard let name = names.first(where: { $0 == table || $0.hasSuffix("." + table) }) else { return nil }
            prefixes.append(String(name.dropLast(table.count)))
        }
        guard prefixes[0] == prefixes[1], Set(names).count == 2, let layout = SinusoidalPositions.layouts[type],
              SinusoidalPositions.holds(first, layout: layout, paddingRow: config?.padTokenID.value ?? fact.defaultPad.id) else { return nil }
        return "the encoder's and decoder's fixed sinusoidal position tables, which \(fact.configClass)'s model computes "
            + "(transformers \(ModelTypeFacts.transformersVersion)); their values are the sinusoid: equal by construction, not trained"
    }

    /// Rules `tied-weights-duplicated`, `identical-layers`, `duplicate-tensors` and
    /// `metadata-alias`; repeated buffers, constant and empty tensors are not findings.
    public static func findings(_ report: Report) -> [Finding] {
        var out: [Finding] = []
        for g in report.groups {
            let evidence: [String: Evidence] = ["nbytes": .int(Int64(g.nbytes)), "copies": .int(Int64(g.tensors.count)),
                                                "wasted_bytes": .int(Int64(g.wastedBytes)), "dtype": .string(g.dtype.rawValue)]
            let list = g.tensors.joined(separator: ", ")
            switch g.kind {
            case .tiedWeights:
                out.append(Finding(.tiedWeightsDuplicated, tensors: g.tensors,
                                   message: "\(list) hold identical bytes: tied weights saved \(g.tensors.count) times, \(g.wastedBytes) bytes wasted"
                                       + (g.basis.map { " (\($0))" } ?? ""),
                                   evidence: evidence))
            case .identicalLayers:
                out.append(Finding(.identicalLayers, tensors: g.tensors,
                                   message: "\(list) are identical across layers (\(g.nbytes) bytes each): a suspicious copy",
                                   evidence: evidence))
            case .duplicate:
                let why = g.note == Group.unexplained ? " with no known reason" : ": " + g.note
                out.append(Finding(.duplicateTensors, tensors: g.tensors,
                                   message: "\(list) hold identical bytes (\(g.nbytes) bytes each)\(why)",
                                   evidence: evidence))
            case .repeatedBuffer, .constant, .empty, .parallelResidualBias, .recurrentBiasPair, .optimizerState:
                break
            }
        }
        for (key, kept) in report.aliases.sorted(by: { $0.key < $1.key }) {
            let removed = key.text
            out.append(Finding(.metadataAlias, tensors: [kept, removed],
                               message: "__metadata__ records \(removed) as an alias of \(kept): the two shared storage and \(removed) was dropped when saving",
                               evidence: ["removed": .string(removed), "kept": .string(kept)]))
        }
        return out
    }
}
