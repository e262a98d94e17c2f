/// Bounds that keep a hostile pickle finite in time and memory. Each limit is far above what a
/// torch.save state dict needs (measured: ~10 memo entries, ~40 opcodes and a stack of ~10 per
/// tensor; pickle batches `SETITEMS` by 1,000, so the stack stays near 2,000 for any model).
public struct PickleLimits: Sendable, Equatable {
    /// Most opcodes executed.
    public var maxOpcodes: Int = 1 << 28
    /// Most values on the stack at once (the stack bomb fixture pushes 100,001 `None`s).
    public var maxStackDepth: Int = 100_000
    /// Most open `MARK`s.
    public var maxMarkDepth: Int = 10_000
    /// Most memo entries.
    public var maxMemoEntries: Int = 1 << 22
    /// Longest string, bytes or `GLOBAL` line, in bytes.
    public var maxStringBytes: Int = 1 << 24
    /// Most containers and call results built.
    public var maxNodes: Int = 1 << 24
    /// Deepest nesting followed when walking the result (cycles end here too).
    public var maxNestingDepth: Int = 1_000
    /// Most values visited when walking the result: a "billion laughs" (a list of ten references
    /// to a list of ten references …) is small to unpickle but exponential to walk. A state dict
    /// takes about one step per tensor or scalar value; a pickled module with its lookup tables
    /// takes far more (openff-nagl-models 2025.9.0's 6 MB `openff-gnn-am1bcc-1.0.0.pt` passed
    /// 2^20, so it was called unreadable besides unsafe: reader's review, 2026-12-05). 2^21 holds it.
    /// The cost of a step depends on what is walked: a 9 MB shared-list bomb took 0.65 s for
    /// 2^21 steps (release build), and a dict's entries ~0.85 µs a step (key checks), so 2^23
    /// let a 1.2 MB bomb of OrderedDict items reached on 2,000 paths run 4.8 s (adversarial
    /// review); at 2^21 the bombs tried since (shared lists, dicts, OrderedDict items reached on
    /// 120,000 paths) ran in at most 0.65 s.
    public var maxWalkSteps: Int = 1 << 21
    /// Below `maxWalkSteps`, the steps grow with the pickle: at least `minWalkSteps` (65,536),
    /// `walkStepsPerPickleByte` (8) a byte above that. Why: a tensor's subtree takes ~15 steps
    /// for ~60 pickle bytes, and a value reached again through the memo 2–4 steps for a 2-byte
    /// `BINGET`; but a 1 KB shard could walk 2^20 steps, and an index of many such shards
    /// multiplied them (black-box QA run, 2026-12-05). Per byte, the work stays linear in the
    /// files read, whatever their number.
    public var minWalkSteps: Int = 1 << 16
    public var walkStepsPerPickleByte: Int = 8
    /// Longest tensor name (its keys and indices joined by dots), in UTF-8 bytes: 1 MiB, the
    /// safetensors string limit.
    public var maxNameBytes: Int = 1 << 20
    /// Most tensors: 10,000,000, the safetensors limit. Each tensor is a walk step, so with the
    /// default limits the step limit is reached first.
    public var maxTensors: Int = 10_000_000
    /// Below `maxTensors`, at most one tensor per `pickleBytesPerTensor` (8) bytes of the
    /// pickle, and at least `minTensorBudget` (65,536). Why: a dict reached twice through the memo
    /// is walked twice: 19 levels of `{"a": d, "b": d}` gave 2^19 tensors from an 895-byte file
    /// (410 MB, 4–8 s), and eight such shards of an index ran out of memory and trapped
    /// (black-box QA run, 2026-12-05). A name costs its pickle at least a 2-byte `BINGET` of
    /// the tensor, so one byte in two let a 2 MB list of one tensor referenced 1,000,000 times
    /// take 809 MB and 7.8 s in `audit` (adversarial review, 2026-12-05); a real tensor's
    /// rebuild call, storage and size tuples take ~60 bytes, so 8 leaves room, and the floor of
    /// 65,536 keeps small files of one tensor referenced thousands of times, which torch.load
    /// reads (`[t] * 5000`, `{i: t for i in range(5000)}` at ~5 bytes a reference: a floor of
    /// 4,096 refused them; adversarial review, 2026-12-05). At the floor, one 16-byte tensor
    /// referenced 65,536 times took 64 MB and 0.36 s in `audit`, 94 MB in `diff A A` (same review).
    public var minTensorBudget: Int = 65_536
    public var pickleBytesPerTensor: Int = 8
    /// All tensor names together, in UTF-8 bytes: at least `minNameBudget` (1 MiB, the longest
    /// name; it was 64 MiB, which a tiny shard of an index could fill, each), and
    /// `nameBytesPerPickleByte` (16) bytes per byte of `data.pkl` for a larger pickle. A flat
    /// state dict writes each name's keys in its pickle, with ~100 more bytes of opcodes per
    /// tensor, so its names take less than its pickle; nested dicts repeat their keys' prefixes
    /// in every name (a 400-character prefix took 7 bytes of names a pickle byte; 4 refused it,
    /// QA run, 2026-12-05); one tensor reused under long keys is what exceeds it.
    public var minNameBudget: Int = 1 << 20
    public var nameBytesPerPickleByte: Int = 16

    /// Most bytes the distinct tensor views may read together: `viewBytesPerStorageByte` (16)
    /// times their storages' bytes, at least `minViewBytes` (1 GiB: 40 sliding 2 MiB windows of
    /// one 4 MiB storage, which torch.load reads, passed 64 MiB by a little). Why: every view is
    /// scanned for its own statistics, and views of one storage may overlap: 8,000 views of
    /// one 4 MiB storage, each shifted by an element, made a 5.3 MB file that `audit` read
    /// 32 GB of (37 s; black-box fuzz round, 2026-12-05). A state dict's views partition their
    /// storages or repeat one range (a tie, read once); a fused matrix saved beside its q, k, v
    /// slices reads its storage twice.
    public var viewBytesPerStorageByte: UInt64 = 16
    public var minViewBytes: UInt64 = 1 << 30

    /// The bytes distinct views over storages of `storageBytes` bytes may read.
    public func viewBytesBudget(storageBytes: UInt64) -> UInt64 {
        let (scaled, overflow) = storageBytes.multipliedReportingOverflow(by: viewBytesPerStorageByte)
        return max(minViewBytes, overflow ? .max : scaled)
    }

    /// The walk steps allowed for a pickle of `pickleBytes` bytes.
    public func walkStepBudget(pickleBytes: Int) -> Int {
        let (scaled, overflow) = pickleBytes.multipliedReportingOverflow(by: walkStepsPerPickleByte)
        return min(maxWalkSteps, max(minWalkSteps, overflow ? Int.max : scaled))
    }

    /// The tensors allowed for a pickle of `pickleBytes` bytes.
    public func tensorBudget(pickleBytes: Int) -> Int {
        min(maxTensors, max(minTensorBudget, pickleBytes / max(1, pickleBytesPerTensor)))
    }

    /// The budget for all tensor names of a pickle of `pickleBytes` bytes.
    public func nameBudget(pickleBytes: Int) -> Int {
        let (scaled, overflow) = pickleBytes.multipliedReportingOverflow(by: nameBytesPerPickleByte)
        return max(minNameBudget, overflow ? Int.max : scaled)
    }

    public init() {}

    public static let `default` = PickleLimits()
}
