/// Checks that the entries tile the data section exactly, as 0.8's `Metadata::validate` does:
/// sorted by `(begin, end)`, each must start where the previous ended, its span must equal
/// shape × dtype size, and the last must end at the end of the file. Every product and sum is
/// overflow-checked, so a lying header cannot wrap around.
func validateLayout(_ entries: [RawEntry], dataLength: UInt64) throws(FormatError) -> [TensorInfo] {
    let sorted = entries.sorted {
        ($0.begin, $0.end, $0.ordinal) < ($1.begin, $1.end, $1.ordinal)
    }
    var expected: UInt64 = 0
    var tensors: [TensorInfo] = []
    tensors.reserveCapacity(sorted.count)
    for entry in sorted {
        guard entry.begin == expected, entry.end >= entry.begin else {
            throw .invalidOffset(tensor: entry.name, begin: entry.begin, end: entry.end, expectedBegin: expected)
        }
        var elements: UInt64 = 1
        for dim in entry.shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
            guard !overflow else { throw .overflow(tensor: entry.name) }
            elements = product
        }
        let (bits, overflow) = elements.multipliedReportingOverflow(by: UInt64(entry.dtype.bitWidth))
        guard !overflow else { throw .overflow(tensor: entry.name) }
        guard bits % 8 == 0 else {
            throw .misalignedSlice(tensor: entry.name, dtype: entry.dtype, elements: elements)
        }
        let span = entry.end - entry.begin
        guard span == bits / 8 else {
            throw .sizeMismatch(tensor: entry.name, expectedBytes: bits / 8, actualBytes: span)
        }
        tensors.append(TensorInfo(name: entry.name, dtype: entry.dtype, shape: entry.shape,
                                  begin: entry.begin, end: entry.end, elementCount: elements))
        expected = entry.end
    }
    guard expected == dataLength else {
        throw .incompleteBuffer(dataEnd: expected, dataLength: dataLength)
    }
    return tensors
}
