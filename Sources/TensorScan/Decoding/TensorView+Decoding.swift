import CheckpointIO
import GGUFFormat
import SafetensorsFormat

/// Element access decoded to `Double`: for small tensors, tests and messages; scans go through
/// `RowScan` and the kernels instead.
extension TensorView {
    /// Element `index` (row-major) decoded to `Double`; C64 yields the real part.
    public func value(at index: Int) -> Double {
        precondition(index >= 0 && index < elementCount, "element index out of range")
        if elementType.blockType != nil, rowLength > 0 { return decodedRow(index / rowLength)[index % rowLength] }
        return decodeElement(dtype, bytes, index)
    }

    /// Both parts of a C64 element.
    public func complexValue(at index: Int) -> (real: Float, imaginary: Float) {
        precondition(dtype == .c64 && index >= 0 && index < elementCount, "complex element index out of range")
        let b = bytes
        return (b.loadUnaligned(fromByteOffset: index * 8, as: Float.self),
                b.loadUnaligned(fromByteOffset: index * 8 + 4, as: Float.self))
    }

    /// All elements decoded to `Double`. Meant for small tensors and tests.
    public func decodedValues() -> [Double] {
        if elementType.blockType != nil { return (0 ..< rowCount).flatMap(decodedRow) }
        let b = bytes
        return (0..<elementCount).map { decodeElement(dtype, b, $0) }
    }

    /// Row `index` decoded to `Double`.
    public func decodedRow(_ index: Int) -> [Double] {
        precondition(index >= 0 && index < rowCount, "row index out of range")
        let b = bytes
        if case .blocks(let type) = elementType {
            // gguf-py's `dequantize` values; a row the reader let through is whole blocks.
            let n = rowBits / 8
            let values = (try? GGUFRowDecoding.dequantize(row: UnsafeRawBufferPointer(rebasing: b[index * n ..< (index + 1) * n]),
                                                          type: type)) ?? []
            return values.count == rowLength ? values.map(Double.init) : [Double](repeating: .nan, count: rowLength)
        }
        let start = index * rowLength
        return (start..<(start + rowLength)).map { decodeElement(dtype, b, $0) }
    }
}
