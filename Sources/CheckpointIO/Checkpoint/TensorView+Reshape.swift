extension TensorView {
    /// The same bytes read with `shape`: nil unless it holds as many elements and the type is
    /// one value per element in whole bytes (no quantized blocks, no packed F4/F6), so that every
    /// row of the new shape is whole bytes. Row-major order is kept, so each value keeps its place
    /// in the flat order.
    ///
    /// Why: llama.cpp's converter stores a state-space layer's tensors regrouped — `conv1d.weight`
    /// `[C, 1, K]` squeezed to `[C, K]`, Mamba-2's `A` and `D` `[n]` as `[n, 1]`, its norm `[d]` as
    /// `[groups, d / groups]` (`LlamaCppStateSpace`) —; `diff` compares such a pair by reading the
    /// GGUF side with the Hub side's shape, no copy.
    package func reshaped(to shape: [UInt64]) -> TensorView? {
        guard let scalar = info.dtype.scalar, scalar.bitWidth % 8 == 0 else { return nil }
        var count: UInt64 = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        guard count == info.elementCount else { return nil }
        var entry = TensorEntry(name: info.name, dtype: info.dtype, shape: shape, begin: info.begin, end: info.end, elementCount: count)
        entry.gathered = info.gathered
        entry.stackedEntry = info.stackedEntry
        return TensorView(info: entry, mapping: mapping, dataStart: dataStart)
    }
}
