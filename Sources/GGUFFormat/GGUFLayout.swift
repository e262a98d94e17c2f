/// Places tensors in the data section: offsets aligned, bytes inside the file, no overlap.
enum GGUFLayout {
    static func place(_ infos: [GGUFRawTensorInfo], headerEnd: Int, dataOffset: Int, fileSize: Int,
                      alignment: Int) throws(GGUFError) -> [GGUFTensorInfo] {
        // With tensors present, the padded data section must start inside the file (an empty
        // tensor there would otherwise get a range past the end).
        if !infos.isEmpty, dataOffset > fileSize {
            throw .dataSectionPastEnd(headerEnd: headerEnd, alignment: alignment, dataOffset: dataOffset, fileSize: fileSize)
        }
        let available = fileSize - dataOffset
        var placed: [GGUFTensorInfo] = []
        placed.reserveCapacity(infos.count)
        for info in infos {
            guard info.relativeOffset % UInt64(alignment) == 0 else {
                throw .misalignedOffset(tensor: info.name, offset: info.relativeOffset, alignment: alignment)
            }
            // offset + bytes ≤ available, written so that nothing can overflow.
            guard info.relativeOffset <= UInt64(available),
                  info.byteCount <= UInt64(available) - info.relativeOffset else {
                throw .dataPastEnd(tensor: info.name, offset: info.relativeOffset, byteCount: info.byteCount,
                                   dataSectionBytes: available)
            }
            let start = dataOffset + Int(info.relativeOffset)
            placed.append(GGUFTensorInfo(name: info.name, type: info.type,
                                         shape: info.dimensions.reversed().map { Int($0) },
                                         relativeOffset: info.relativeOffset,
                                         byteRange: start ..< start + Int(info.byteCount)))
        }
        try checkNoOverlap(placed)
        return placed
    }

    /// Sorted by start (ties in file order), each non-empty range must begin at or after the
    /// previous one's end.
    static func checkNoOverlap(_ tensors: [GGUFTensorInfo]) throws(GGUFError) {
        let ordered = tensors.enumerated().filter { !$0.element.byteRange.isEmpty }.sorted {
            ($0.element.byteRange.lowerBound, $0.offset) < ($1.element.byteRange.lowerBound, $1.offset)
        }.map(\.element)
        var previous: GGUFTensorInfo?
        for next in ordered {
            // Compare with the furthest-reaching range so far, not just the last one started.
            if let previous, next.byteRange.lowerBound < previous.byteRange.upperBound {
                throw .overlappingTensors(first: previous.name, second: next.name)
            }
            if previous == nil || next.byteRange.upperBound > (previous?.byteRange.upperBound ?? 0) {
                previous = next
            }
        }
    }
}
