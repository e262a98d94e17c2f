extension TensorView {
    /// This tensor without its first `count` rows: the same bytes from row `count` on, under the
    /// same name, with dimension 0 reduced by `count`. Nil when that is no whole-byte slice of
    /// rows: a tensor of rank < 2 (a 1-D tensor is one row), `count` outside `0 ... rowCount`, or
    /// rows that do not fill whole bytes (packed F4/F6) or are quantized blocks.
    ///
    /// Why: llama.cpp's RoBERTa converter stores only the position rows from `pad_token_id + 1` on
    /// (`LlamaCppPositionOffset`); `diff` compares A's remaining rows with B's by reading this
    /// view, no copy. A row-major copy of a strided torch view (`isGathered`) is sliced alike:
    /// its rows are consecutive in the copy.
    package func droppingLeadingRows(_ count: Int) -> TensorView? {
        guard info.shape.count >= 2, count >= 0, count <= rowCount, info.dtype.scalar != nil else { return nil }
        let bits = rowBits
        guard bits != .max, bits % 8 == 0 else { return nil }
        let (skipped, overflow) = (bits / 8).multipliedReportingOverflow(by: count)
        guard !overflow, UInt64(skipped) <= info.byteCount else { return nil }
        var shape = info.shape
        shape[0] -= UInt64(count)
        var entry = TensorEntry(name: info.name, dtype: info.dtype, shape: shape, begin: info.begin + UInt64(skipped), end: info.end,
                                elementCount: shape.reduce(1, *))
        entry.gathered = info.gathered
        return TensorView(info: entry, mapping: mapping, dataStart: dataStart)
    }
}
