/// Checks that the entries tile the data section exactly, as 0.8's `Metadata::validate` does:
/// sorted by `(begin, end)`, each must start where the previous ended, its span must equal
/// shape × dtype size, and the last must end at the end of the file. Every product and sum is
/// overflow-checked, so a lying header cannot wrap around.
///
/// Returns the tensors in file order and, for each JSON ordinal, its file-order position.
func validateLayout(_ entries: [RawEntry], dataLength: UInt64) throws(FormatError) -> (tensors: [TensorInfo], positionOfOrdinal: [Int]) {
    // Sort indices, not entries: moving entries would retain and release their strings.
    let order = entries.indices.sorted {
        (entries[$0].begin, entries[$0].end, entries[$0].ordinal) < (entries[$1].begin, entries[$1].end, entries[$1].ordinal)
    }
    let sorted = order.lazy.map { entries[$0] }
    var expected: UInt64 = 0
    var tensors: [TensorInfo] = []
    tensors.reserveCapacity(sorted.count)
    var positionOfOrdinal = [Int](repeating: 0, count: entries.count)
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
        positionOfOrdinal[entry.ordinal] = tensors.count - 1
        expected = entry.end
    }
    guard expected == dataLength else {
        throw .incompleteBuffer(dataEnd: expected, dataLength: dataLength)
    }
    return (tensors, positionOfOrdinal)
}
