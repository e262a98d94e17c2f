import CheckpointIO
import CMomentKernels
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

    /// Values per item (a row longer than that is one item): 2^15, so an item's two term
    /// buffers (A's squares for `OrderedSums`, the squared differences for the row sums) are
    /// 256 KiB each and stay in the core's L2 cache between writing and adding them. Measured on
    /// the F32/Q8_0 bench pair (`chrt -f 50`, two runs each): 2^17 0.67-0.76 s, 2^15 0.48-0.59 s,
    /// 2^14 0.51-0.54 s, 2^13 0.61-0.63 s (more items, more hand-overs).
    static let itemValues = 1 << 15

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
            if view.dtype == .f32, DifferenceKernel.hasAVX2, let base = bytes.baseAddress {
                cmk_widen_f32_avx2(base + row * length * 4, out, length)
            } else {
                DifferenceKernel.decode(bytes, view.dtype, start: row * length, count: length, into: out)
            }
            return
        }
        let n = view.rowBits / 8
        let raw = UnsafeRawBufferPointer(rebasing: bytes[row * n ..< (row + 1) * n])
        if let count = try? GGUFRowDecoding.dequantize(row: raw, type: type, into: floats), count == length {
            if DifferenceKernel.hasAVX2 {
                cmk_widen_f32_avx2(floats, out, length)
            } else {
                for i in 0 ..< length { out[i] = Double(floats[i]) }
            }
        } else {
            out.update(repeating: .nan, count: length)
        }
    }
}

extension QuantizedDifference {
    /// One row pair `x` (A), `y` (B) of `count` values: writes A's squares (+0 for a non-finite
    /// value: adding +0 leaves a sum of squares as it is) and each pair's squared difference
    /// (+0 where the two are equal or a NaN is involved; ∞ for |a − b| = ∞); returns the
    /// largest |a − b|, the pairs that differ and those where exactly one side is NaN.
    /// `portable`: the Swift loop even where the AVX2 kernel (`cmk_row_terms_avx2`, the same
    /// values) runs, for tests.
    static func rowTerms(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int, squares: UnsafeMutablePointer<Double>,
                         terms: UnsafeMutablePointer<Double>, portable: Bool = false) -> (maxAbs: Double, differing: Int, nans: Int) {
        if DifferenceKernel.hasAVX2 && !portable {
            var out = cmk_row_terms()
            cmk_row_terms_avx2(x, y, count, squares, terms, &out)
            return (out.max_abs, Int(out.differing), Int(out.nan_mismatches))
        }
        var rowMax = 0.0, differing = 0, nans = 0
        for i in 0 ..< count {
            let xi = x[i], yi = y[i]
            squares[i] = xi.isFinite ? xi * xi : 0
            terms[i] = 0
            if xi == yi || (xi.isNaN && yi.isNaN) { continue }
            differing += 1
            if xi.isNaN || yi.isNaN {
                nans += 1
                continue
            }
            let d = abs(xi - yi)
            if d > rowMax { rowMax = d }
            terms[i] = d * d
        }
        return (rowMax, differing, nans)
    }
}

/// Per-core buffers of one quantized comparison: two decoded rows, float32 room, and an
/// item's squared differences.
struct QuantizedScratch {
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    let stored: UnsafeMutablePointer<Double>
    let floats: UnsafeMutablePointer<Float>
    let terms: UnsafeMutablePointer<Double>

    /// `itemValues`: the most values an item holds.
    init(rowLength: Int, itemValues: Int) {
        let n = max(1, rowLength)
        x = .allocate(capacity: n)
        y = .allocate(capacity: n)
        stored = .allocate(capacity: n)
        floats = .allocate(capacity: n)
        terms = .allocate(capacity: max(1, itemValues))
    }

    func deallocate() {
        x.deallocate()
        y.deallocate()
        stored.deallocate()
        floats.deallocate()
        terms.deallocate()
    }
}

extension DifferencePlan {
    /// One item of a quantized pair: its rows compared, the terms of the ordered sums written
    /// to `squares` (A's squared values, row after row), and the bytes it read on each side.
    func processQuantized(_ item: Item, _ scratch: QuantizedScratch,
                          squares: UnsafeMutablePointer<Double>) -> (Part, OrderedSums.Segment, [PageRelease<MappedFile>.Span]) {
        let pair = pairs[item.pair]
        let a = pair.a.bytes, b = pair.b.bytes
        let length = pair.rowLength
        var part = Part(inner: WorstRows(keep: keep))
        var rowMaxes: [Double] = []
        rowMaxes.reserveCapacity(item.chunks.count)
        let vector = pair.a.info.shape.count <= 1
        let x = scratch.x, y = scratch.y, terms = scratch.terms
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
            let (rowMax, differing, nans) = QuantizedDifference.rowTerms(x, y, count: length, squares: squares + base,
                                                                         terms: terms + base)
            part.differing += differing
            part.nanMismatches += nans
            if rowMax > part.maxAbs { part.maxAbs = rowMax }
            rowMaxes.append(rowMax)
            base += length
        }
        let rowSquares = Self.rowSums(terms, rows: item.chunks.count, length: length)
        for (k, row) in item.chunks.enumerated() where rowSquares[k] > 0 {
            part.inner.add(.init(row: row, l2: rowSquares[k].squareRoot(), maxAbs: rowMaxes[k]))
        }
        let segment = OrderedSums.Segment(pair: item.pair, squares: squares, count: base, rowSquares: rowSquares)
        // Items hold whole heads of a permuted pair, so B's rows of the item are its rows too.
        func range(_ view: TensorView, _ count: Int) -> Range<Int> {
            let low = item.chunks.lowerBound * view.rowBits / 8
            return low ..< (item.chunks.upperBound == pair.rows ? count : item.chunks.upperBound * view.rowBits / 8)
        }
        return (part, segment, [pair.a.span(range(pair.a, a.count)), pair.b.span(range(pair.b, b.count))])
    }

    /// Each row's sum of its `length` terms, in element order, as the one-core loop added its
    /// squared differences (a +0 term leaves a sum as it is). Why four rows at a time: a row's
    /// sum is a chain of dependent additions (~0.8 ns each here); four rows' chains overlap.
    static func rowSums(_ terms: UnsafePointer<Double>, rows: Int, length: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: rows)
        var r = 0
        while r + 4 <= rows {
            let t0 = terms + r * length, t1 = t0 + length, t2 = t1 + length, t3 = t2 + length
            var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
            for i in 0 ..< length {
                s0 += t0[i]
                s1 += t1[i]
                s2 += t2[i]
                s3 += t3[i]
            }
            (sums[r], sums[r + 1], sums[r + 2], sums[r + 3]) = (s0, s1, s2, s3)
            r += 4
        }
        while r < rows {
            let t = terms + r * length
            var s = 0.0
            for i in 0 ..< length { s += t[i] }
            sums[r] = s
            r += 1
        }
        return sums
    }
}
