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

extension TensorView {
    /// This tensor's first `count` rows: the same bytes up to row `count`, under the same name,
    /// with dimension 0 reduced to `count`. Nil when that is no whole-byte prefix of rows: a
    /// tensor of rank < 2, `count` outside `0 ... rowCount`, or rows that do not fill whole bytes
    /// (packed F4/F6). Quantized rows are whole blocks, so they are cut alike.
    ///
    /// Why: llama.cpp's Gemma 3n converter pads the token tables with zero rows up to `vocab_size`
    /// (`LlamaCppVocabPadding`); `diff` compares the Hub rows with the GGUF side's first rows by
    /// reading this view, no copy.
    package func keepingLeadingRows(_ count: Int) -> TensorView? {
        guard info.shape.count >= 2, count >= 0, count <= rowCount else { return nil }
        let bits = rowBits
        guard bits != .max, bits % 8 == 0 else { return nil }
        let (kept, overflow) = (bits / 8).multipliedReportingOverflow(by: count)
        guard !overflow, UInt64(kept) <= info.byteCount else { return nil }
        var shape = info.shape
        shape[0] = UInt64(count)
        var entry = TensorEntry(name: info.name, dtype: info.dtype, shape: shape, begin: info.begin, end: info.begin + UInt64(kept),
                                elementCount: shape.reduce(1, *))
        entry.gathered = info.gathered
        entry.stackedEntry = info.stackedEntry
        return TensorView(info: entry, mapping: mapping, dataStart: dataStart)
    }
}

extension TensorView {
    /// Entry `index` of dimension 0 as a tensor of its own: the bytes of that entry, shape
    /// without its first dimension, named `name[index]` (`sliceName`). Nil when that is no
    /// whole-byte range: a tensor of rank < 2, `index` outside `0 ..< shape[0]`, or entries
    /// that do not fill whole bytes (packed F4/F6). Quantized blocks slice too: an entry of a
    /// tensor of rank ≥ 2 is whole rows, and ggml rows are whole blocks. An entry of a tensor
    /// without elements is empty too (its shape says which dimension is 0).
    ///
    /// Why: llama.cpp's converter stacks a mixture-of-experts layer's per-expert matrices into
    /// one tensor (`blk.N.ffn_gate_exps.weight`, `[experts, rows, columns]`); `diff` compares
    /// the Hub's expert `E` with entry `E` by reading this view, no copy.
    package func slice(at index: Int) -> TensorView? {
        guard info.shape.count >= 2, index >= 0, UInt64(index) < info.shape[0] else { return nil }
        let bits = rowBits
        guard bits != .max, bits % 8 == 0 else { return nil }
        let bytes = UInt64(bits / 8)
        let (start, overflow) = bytes.multipliedReportingOverflow(by: UInt64(index))
        guard !overflow, start <= info.byteCount, bytes <= info.byteCount - start else { return nil }
        let shape = Array(info.shape.dropFirst())
        var entry = TensorEntry(name: Self.sliceName(info.name, index), dtype: info.dtype, shape: shape, begin: info.begin + start,
                                end: info.begin + start + bytes, elementCount: shape.reduce(1, *))
        entry.gathered = info.gathered
        entry.stackedEntry = StackedEntry(tensor: info.name, index: index)
        return TensorView(info: entry, mapping: mapping, dataStart: dataStart)
    }

    /// The name `diff` gives entry `index` of tensor `name`: `name[index]`, as numpy and torch
    /// write the index.
    package static func sliceName(_ name: String, _ index: Int) -> String { "\(name)[\(index)]" }

    /// `name` read as `sliceName`'s output: the tensor's name and the index (decimal digits, no
    /// leading zero), or nil.
    package static func sliceParts(of name: String) -> (tensor: String, index: Int)? {
        guard name.hasSuffix("]"), let open = name.lastIndex(of: "[") else { return nil }
        let tensor = name[..<open]
        let digits = name[name.index(after: open) ..< name.index(before: name.endIndex)]
        guard !tensor.isEmpty, !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              digits == "0" || !digits.hasPrefix("0"), let index = Int(digits) else { return nil }
        return (String(tensor), index)
    }
}

extension TensorView {
    /// Rows `range` of dimension 0 as a tensor of its own: the bytes of those rows, dimension 0
    /// reduced to their count, named `name[lower:upper]` (`rowRangeName`). Nil when that is no
    /// whole-byte range of rows: a tensor of rank < 2, a range outside `0 ... rowCount` or empty,
    /// or rows that do not fill whole bytes (packed F4/F6). Quantized rows are whole blocks.
    ///
    /// Why: llama.cpp's Granite MoE converters split a merged gate-and-up matrix in two along its
    /// rows (`conversion/granite.py`: `input_linear.weight`, per expert `[2·I, H]`, as
    /// `ffn_gate_exps` and `ffn_up_exps`); `diff` compares each half with its part by reading
    /// this view, no copy.
    package func rows(_ range: Range<Int>) -> TensorView? {
        guard info.shape.count >= 2, range.lowerBound >= 0, !range.isEmpty, UInt64(range.upperBound) <= info.shape[0] else { return nil }
        let bits = rowBits
        guard bits != .max, bits % 8 == 0 else { return nil }
        let rowBytes = UInt64(bits / 8)
        let (start, overflowStart) = rowBytes.multipliedReportingOverflow(by: UInt64(range.lowerBound))
        let (length, overflowLength) = rowBytes.multipliedReportingOverflow(by: UInt64(range.count))
        guard !overflowStart, !overflowLength, start <= info.byteCount, length <= info.byteCount - start else { return nil }
        var shape = info.shape
        shape[0] = UInt64(range.count)
        var entry = TensorEntry(name: Self.rowRangeName(info.name, range), dtype: info.dtype, shape: shape, begin: info.begin + start,
                                end: info.begin + start + length, elementCount: shape.reduce(1, *))
        entry.gathered = info.gathered
        entry.stackedEntry = info.stackedEntry
        entry.rowRange = RowSlice(tensor: info.name, rows: range)
        return TensorView(info: entry, mapping: mapping, dataStart: dataStart)
    }

    /// The name `diff` gives rows `range` of tensor `name`: `name[lower:upper]`, as numpy and
    /// torch write the slice.
    package static func rowRangeName(_ name: String, _ range: Range<Int>) -> String {
        "\(name)[\(range.lowerBound):\(range.upperBound)]"
    }

    /// `name` read as `rowRangeName`'s output: the tensor's name and a non-empty range (decimal
    /// digits, no leading zero), or nil.
    package static func rowRangeParts(of name: String) -> (tensor: String, rows: Range<Int>)? {
        guard name.hasSuffix("]"), let open = name.lastIndex(of: "[") else { return nil }
        let tensor = name[..<open]
        let inside = name[name.index(after: open) ..< name.index(before: name.endIndex)]
        let bounds = inside.split(separator: ":", omittingEmptySubsequences: false)
        guard !tensor.isEmpty, bounds.count == 2 else { return nil }
        func number(_ digits: Substring) -> Int? {
            guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  digits == "0" || !digits.hasPrefix("0") else { return nil }
            return Int(digits)
        }
        guard let lower = number(bounds[0]), let upper = number(bounds[1]), lower < upper else { return nil }
        return (String(tensor), lower ..< upper)
    }
}
