import CheckpointIO
import GGUFFormat

/// Value differences for pairs where a side is ggml block-quantized (an F32 GGUF against its
/// Q8_0 quantization, an F32 safetensors file against its GGUF quantization, or two
/// quantizations): each row is dequantized whole (gguf-py's `dequantize` values, through the
/// GGUF block kernels), the other side decoded to `Double`, and the differences formed in
/// `Double`.
///
/// Why whole rows, not the scalar plan's 8,192-value chunks: a quantized row only decodes as
/// whole blocks with their scales. The rows run on all cores in `DifferencePlan` items of whole
/// rows (~`itemValues` values; whole heads when a converter permuted them), with pages released
/// behind the scan (`PageRelease`). Within a row, every sum runs in element order; ‖a‖² runs in
/// element order over the whole tensor and ‖a − b‖² over the rows in row order
/// (`OrderedSums`), as the one-core loop this replaced summed them, so reports are unchanged.
enum QuantizedDifference {
    /// Whether `DifferenceScan` compares this pair by quantized rows: a quantized side whose
    /// type is decoded, the same elements in the same rows, no complex side.
    static func applies(_ a: TensorView, _ b: TensorView) -> Bool {
        guard a.elementType.blockType != nil || b.elementType.blockType != nil else { return false }
        func decodable(_ v: TensorView) -> Bool {
            if let type = v.elementType.blockType { return GGUFRowDecoding.isDecodable(type) }
            return v.dtype != .c64
        }
        return decodable(a) && decodable(b) && a.elementCount == b.elementCount && a.rowCount == b.rowCount
    }

    /// Values per item (fewer rows than one item's worth are never split): 2^17 values, so an
    /// item's A squares waiting for `OrderedSums` fill 1 MiB.
    static let itemValues = 1 << 17

    /// Rows per item of a pair with rows of `length` values, items of ~`itemValues` values
    /// (at least one row); whole groups of `unit` rows.
    static func rowsPerItem(length: Int, unit: Int, itemValues: Int = itemValues) -> Int {
        let rows = max(1, itemValues / max(1, length))
        return max(unit, rows / unit * unit)
    }

    /// Row `row` of `view` (bytes `bytes`) as `Double` into `out` (`rowLength` values): gguf-py's
    /// values for blocks (NaN for a row that does not decode: never, for a row the reader let
    /// through), the dtype's values otherwise. `floats`: room for `rowLength` float32 values.
    static func decodeRow(_ view: TensorView, _ bytes: UnsafeRawBufferPointer, _ row: Int,
                          into out: UnsafeMutablePointer<Double>, floats: UnsafeMutablePointer<Float>) {
        let length = view.rowLength
        guard case .blocks(let type) = view.elementType else {
            DifferenceKernel.decode(bytes, view.dtype, start: row * length, count: length, into: out)
            return
        }
        let n = view.rowBits / 8
        let raw = UnsafeRawBufferPointer(rebasing: bytes[row * n ..< (row + 1) * n])
        if let count = try? GGUFRowDecoding.dequantize(row: raw, type: type, into: floats), count == length {
            for i in 0 ..< length { out[i] = Double(floats[i]) }
        } else {
            out.update(repeating: .nan, count: length)
        }
    }
}

/// Per-core buffers of one quantized comparison: two decoded rows and float32 room.
struct QuantizedScratch {
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    let stored: UnsafeMutablePointer<Double>
    let floats: UnsafeMutablePointer<Float>

    init(rowLength: Int) {
        let n = max(1, rowLength)
        x = .allocate(capacity: n)
        y = .allocate(capacity: n)
        stored = .allocate(capacity: n)
        floats = .allocate(capacity: n)
    }

    func deallocate() {
        x.deallocate()
        y.deallocate()
        stored.deallocate()
        floats.deallocate()
    }
}

extension DifferencePlan {
    /// One item of a quantized pair: its rows compared, the terms of the ordered sums written
    /// to `squares` (A's squared values, row after row), and the bytes it read on each side.
    func processQuantized(_ item: Item, _ scratch: QuantizedScratch,
                          squares: UnsafeMutableBufferPointer<Double>) -> (Part, OrderedSums.Segment, [PageRelease<MappedFile>.Span]) {
        let pair = pairs[item.pair]
        let a = pair.a.bytes, b = pair.b.bytes
        let length = pair.rowLength
        var part = Part(inner: WorstRows(keep: keep))
        var rowSquares: [Double] = []
        rowSquares.reserveCapacity(item.chunks.count)
        let vector = pair.a.info.shape.count <= 1
        let x = scratch.x, y = scratch.y
        var base = 0
        for row in item.chunks {
            QuantizedDifference.decodeRow(pair.a, a, row, into: x, floats: scratch.floats)
            if let order = pair.order, vector {
                QuantizedDifference.decodeRow(pair.b, b, row, into: scratch.stored, floats: scratch.floats)
                for i in 0 ..< length { y[i] = scratch.stored[order.indexInB(i, count: length)] }
            } else {
                let rowB = pair.order.map { $0.indexInB(row, count: pair.rows) } ?? row
                QuantizedDifference.decodeRow(pair.b, b, rowB, into: y, floats: scratch.floats)
            }
            var rowSum = 0.0, rowMax = 0.0
            for i in 0 ..< length {
                let xi = x[i], yi = y[i]
                squares[base + i] = xi.isFinite ? xi * xi : 0
                if xi == yi || (xi.isNaN && yi.isNaN) { continue }
                part.differing += 1
                if xi.isNaN || yi.isNaN {
                    part.nanMismatches += 1
                    continue
                }
                let d = abs(xi - yi)
                if d > rowMax { rowMax = d }
                rowSum += d.isFinite ? d * d : .infinity
            }
            base += length
            if rowMax > part.maxAbs { part.maxAbs = rowMax }
            rowSquares.append(rowSum)
            if rowSum > 0 { part.inner.add(.init(row: row, l2: rowSum.squareRoot(), maxAbs: rowMax)) }
        }
        let segment = OrderedSums.Segment(pair: item.pair, squares: squares, count: base, rowSquares: rowSquares)
        // Items hold whole heads of a permuted pair, so B's rows of the item are its rows too.
        func range(_ view: TensorView, _ count: Int) -> Range<Int> {
            let low = item.chunks.lowerBound * view.rowBits / 8
            return low ..< (item.chunks.upperBound == pair.rows ? count : item.chunks.upperBound * view.rowBits / 8)
        }
        return (part, segment, [pair.a.span(range(pair.a, a.count)), pair.b.span(range(pair.b, b.count))])
    }
}
