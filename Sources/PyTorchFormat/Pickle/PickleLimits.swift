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
    /// takes about one step per tensor or scalar value, so 1,048,576 is far above any real model.
    public var maxWalkSteps: Int = 1 << 20

    public init() {}

    public static let `default` = PickleLimits()
}
