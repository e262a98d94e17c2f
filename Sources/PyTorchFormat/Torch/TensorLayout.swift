/// Where a tensor's elements are inside its storage, with every product and sum overflow-checked.
enum TensorLayout {
    /// torch's `is_contiguous`: an empty tensor is contiguous; otherwise each dimension of size
    /// other than 1 must have the row-major stride (the product of the sizes after it).
    static func isContiguous(shape: [UInt64], stride: [UInt64]) -> Bool {
        guard !shape.contains(0) else { return true }
        var expected: UInt64 = 1
        for (size, step) in zip(shape, stride).reversed() where size != 1 {
            guard step == expected else { return false }
            let (next, overflow) = expected.multipliedReportingOverflow(by: size)
            guard !overflow else { return false }
            expected = next
        }
        return true
    }

    /// Builds the checked tensor: its element count, and the file bytes it spans, all inside the
    /// storage entry. `storageStart`/`storageBytes` locate the entry's data in the file.
    static func place(_ d: TensorDeclaration, storageStart: UInt64, storageBytes: UInt64) throws(TorchFormatError) -> TorchTensor {
        func outside(_ reason: String) -> TorchFormatError { .tensorOutOfStorage(name: d.name, reason: reason) }
        let width = UInt64(d.dtype.byteWidth)
        var count: UInt64 = 1
        for size in d.shape {
            let (next, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .invalidTensor(name: d.name, reason: "element count of shape \(d.shape) overflows 64 bits") }
            count = next
        }
        // The first and one-past-the-last element index the view touches.
        let first = d.storageOffset
        var end = first
        if count > 0 {
            var last = first
            for (size, step) in zip(d.shape, d.stride) {
                let (reach, o1) = (size - 1).multipliedReportingOverflow(by: step)
                let (sum, o2) = last.addingReportingOverflow(reach)
                guard !o1, !o2 else { throw outside("offset \(first) with shape \(d.shape) and stride \(d.stride) overflows 64 bits") }
                last = sum
            }
            let (e, o) = last.addingReportingOverflow(1)
            guard !o else { throw outside("last element index overflows 64 bits") }
            end = e
        }
        let contiguous = isContiguous(shape: d.shape, stride: d.stride)
        let span: Range<UInt64>
        if count == 0 {
            // An empty view reads nothing, wherever it starts: torch's `set_` checks a view
            // against its storage only when it has bytes ("a tensor with arbitrary 0 dims's
            // storage can have any numel"), so torch.load returns a [0, 4] tensor at offset
            // 1,000 of a 64-byte storage; it was refused here (helper-142). Its empty span sits at
            // its offset, or at the storage's end when the offset lies past it.
            let (firstByte, overflow) = first.multipliedReportingOverflow(by: width)
            let at = storageStart + (overflow ? storageBytes : min(firstByte, storageBytes))
            span = at ..< at
        } else {
            let (firstByte, o1) = first.multipliedReportingOverflow(by: width)
            let (endByte, o2) = end.multipliedReportingOverflow(by: width)
            guard !o1, !o2, endByte <= storageBytes else {
                throw outside("elements \(first) ..< \(end) of \(width) bytes reach past the storage's \(storageBytes) bytes")
            }
            span = storageStart + firstByte ..< storageStart + endByte  // ≤ entry end, which is inside the file
        }
        // For a contiguous view the span is exactly count × width bytes (count == end - first).
        return TorchTensor(name: d.name, dtype: d.dtype, shape: d.shape, stride: d.stride, storageKey: d.storage.key,
                           storageOffset: d.storageOffset, storageElementCount: storageBytes / width, requiresGrad: d.requiresGrad, isParameter: d.isParameter,
                           elementCount: count, isContiguous: contiguous,
                           contiguousByteRange: contiguous ? span : nil, spanByteRange: span)
    }
}
