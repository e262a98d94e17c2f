import CheckpointIO
import CMomentKernels
import GGUFFormat
import SafetensorsFormat

/// Value differences for pairs where a side is ggml block-quantized (an F32 GGUF against its
/// Q8_0 quantization, an F32 safetensors file against its GGUF quantization, or two
/// quantizations): each quantized row is dequantized whole (gguf-py's `dequantize` values,
/// through the GGUF block kernels) into float32, and the row is then compared exactly as
/// `DifferencePlan.process` compares unquantized rows: `DifferenceKernel` chunks of 8,192
/// values from the row's start, each side widened to `Double`, sums in four lanes per chunk,
/// chunk sums added in order into the row's and the item's sums, items merged in order.
///
/// Why whole rows, not the scalar plan's item cuts: a quantized row only decodes as whole
/// blocks with their scales. The rows run on all cores in `DifferencePlan` items of whole rows
/// (~`itemValues` values; whole heads when a converter permuted them), taken in batches of
/// consecutive items (`DifferencePlan.quantizedBatchItems`), with pages released behind the
/// scan (`PageRelease`).
///
/// Why the scalar plan's sums and not one chain per tensor: until this change ‖a‖² was added
/// value after value over the whole tensor, and ‖a − b‖² row after row, in one chain that the
/// cores handed to each other (to keep the numbers of an older one-core loop). That chain was
/// one dependent addition per value, a quarter of the CPU time, and the bound of the run
/// (F32/Q8_0 bench pair ~0.48 s). Sums in fixed chunks and lanes are as deterministic (the
/// chunks and items follow from the shapes, not from the schedule) and are the rule every
/// other `diff` pair already follows; their last digits differ from a sequential sum by
/// ~1e-12 relative, which the numpy-reference tests allow for the scalar pairs too.
enum QuantizedDifference {
    /// Whether `DifferenceScan` compares this pair by quantized rows: a quantized side whose
    /// type is decoded, the same elements in the same rows, no complex side.
    static func applies(_ a: TensorView, _ b: TensorView) -> Bool {
        guard a.elementType.blockType != nil || b.elementType.blockType != nil else { return false }
        return readableByValue(a, b)
    }

    /// Whether both sides can be read value by value (`rowValues`): real scalars or decoded
    /// ggml blocks, with the same rows and values.
    static func readableByValue(_ a: TensorView, _ b: TensorView) -> Bool {
        isReadableByValue(a) && isReadableByValue(b) && a.elementCount == b.elementCount && a.rowCount == b.rowCount
    }

    /// Real scalars, or ggml blocks tensoraudit decodes.
    static func isReadableByValue(_ v: TensorView) -> Bool {
        if let type = v.elementType.blockType { return GGUFRowDecoding.isDecodable(type) }
        return v.dtype != .c64
    }

    /// Values per item (a row longer than that is one item): 2^15, so a core's items stay
    /// small next to the page-release batches and the last items spread over the cores.
    static let itemValues = 1 << 15

    /// Rows per item of a pair with rows of `length` values, items of ~`itemValues` values
    /// (at least one row); whole groups of `unit` rows.
    static func rowsPerItem(length: Int, unit: Int, itemValues: Int = itemValues) -> Int {
        let rows = max(1, itemValues / max(1, length))
        return max(unit, rows / unit * unit)
    }

    /// Row `row` of `view` (bytes `bytes`) as values `DifferenceKernel` reads: a quantized row
    /// dequantized into `floats` (gguf-py's values; NaN for a row that does not decode: never,
    /// for a row the reader let through) as F32 from index 0, any other row as the tensor's own
    /// bytes and dtype from the row's first value.
    static func rowValues(_ view: TensorView, _ bytes: UnsafeRawBufferPointer, _ row: Int,
                          floats: UnsafeMutablePointer<Float>) -> (bytes: UnsafeRawBufferPointer, dtype: DType, start: Int) {
        let length = view.rowLength
        guard case .blocks(let type) = view.elementType else { return (bytes, view.dtype, row * length) }
        let n = view.rowBits / 8
        let raw = UnsafeRawBufferPointer(rebasing: bytes[row * n ..< (row + 1) * n])
        if (try? GGUFRowDecoding.dequantize(row: raw, type: type, into: floats)) != length {
            floats.update(repeating: .nan, count: length)
        }
        return (UnsafeRawBufferPointer(start: floats, count: length * 4), .f32, 0)
    }
}

/// A side of a quantized pair as the C loops (`DifferenceKernel.direct`) read it straight from
/// the mapped bytes: Q8_0 rows as their blocks (each value float(q)·d, the float32 `rowValues`
/// would write), other rows in their own dtype.
///
/// Why: dequantizing a Q8_0 row into a buffer and reading it back was ~13% of the CPU time of
/// `diff` of the F32 bench file against its Q8_0 GGUF, and the kernel reads the blocks in the
/// same loop, with the same values in the same lanes (bit-identical sums, tests compare).
struct DirectSide {
    let kind: Int32
    /// Bytes of one row.
    let rowBytes: Int
    let isQ8_0: Bool

    /// The side of `view`, or `nil` when the kernel does not read it straight (another block
    /// type, a dtype it does not read, no AVX2). C64 never gets here: `applies` keeps complex
    /// sides out of the quantized pass.
    init?(_ view: TensorView) {
        guard DifferenceKernel.hasAVX2 else { return nil }
        if case .blocks(let type) = view.elementType {
            guard type == .q8_0 else { return nil }
            (kind, isQ8_0) = (Int32(CMK_KIND_Q8_0), true)
        } else {
            guard let kind = DifferenceKernel.kind(view.dtype) else { return nil }
            (self.kind, isQ8_0) = (kind, false)
        }
        rowBytes = view.rowBits / 8
    }

    /// Bytes from a row's start to its value `offset` (a whole number of Q8_0 blocks: chunks
    /// start at multiples of `DifferenceKernel.chunkElements`).
    func byteOffset(_ offset: Int) -> Int {
        isQ8_0 ? offset / 32 * 34 : offset * DifferenceKernel.width(ofKind: kind)
    }

    /// Both sides of a pair, when both are read straight and one is Q8_0 (the other pairs
    /// already are, by `DifferencePlan.process`).
    static func pair(_ a: TensorView, _ b: TensorView) -> (a: DirectSide, b: DirectSide)? {
        guard let x = DirectSide(a), let y = DirectSide(b), x.isQ8_0 || y.isQ8_0 else { return nil }
        return (x, y)
    }
}

/// Per-core buffers of one quantized comparison: float32 room for a dequantized row of each
/// side, the `DifferenceKernel` chunk buffers, and (for a vector a converter permuted) B's
/// values decoded and put back in A's order.
struct QuantizedScratch {
    let floatsA: UnsafeMutablePointer<Float>
    let floatsB: UnsafeMutablePointer<Float>
    let chunkA: UnsafeMutablePointer<Double>
    let chunkB: UnsafeMutablePointer<Double>
    let stored: UnsafeMutablePointer<Double>
    let gathered: UnsafeMutablePointer<Double>

    init(rowLength: Int) {
        let n = max(1, rowLength)
        floatsA = .allocate(capacity: n)
        floatsB = .allocate(capacity: n)
        chunkA = .allocate(capacity: DifferenceKernel.chunkElements)
        chunkB = .allocate(capacity: DifferenceKernel.chunkElements)
        stored = .allocate(capacity: n)
        gathered = .allocate(capacity: n)
    }

    func deallocate() {
        floatsA.deallocate()
        floatsB.deallocate()
        chunkA.deallocate()
        chunkB.deallocate()
        stored.deallocate()
        gathered.deallocate()
    }
}

extension DifferencePlan {
    /// Items `run` (consecutive, of one quantized pair): each item's rows compared chunk by
    /// chunk (`DifferenceKernel`) into a part of its own, their worst rows kept once, in the
    /// run's first part (the order of rows is total, so merging gives the rows a list per item
    /// would), and the bytes the run read on each side.
    func processQuantized(_ run: Range<Int>, _ scratch: QuantizedScratch) -> ([Part], [PageRelease<MappedFile>.Span]) {
        let pair = pairs[items[run.lowerBound].pair]
        let a = pair.a.bytes, b = pair.b.bytes
        let length = pair.rowLength
        let chunk = DifferenceKernel.chunkElements
        let vector = pair.a.info.shape.count <= 1
        let direct = pair.order != nil && vector ? nil : DirectSide.pair(pair.a, pair.b)
        var worst = WorstRows(keep: keep)
        var parts: [Part] = []
        parts.reserveCapacity(run.count)
        for k in run {
            var part = Part(inner: WorstRows(keep: 0))
            for row in items[k].chunks {
                if let direct, let baseA = a.baseAddress, let baseB = b.baseAddress {
                    // Both sides straight from their bytes (B's row through the permutation, if any;
                    // `direct` is nil for a permuted vector, whose one row has no row permutation).
                    let rowB = pair.order.map { $0.indexInB(row, count: pair.rows) } ?? row
                    let rowA = baseA + row * direct.a.rowBytes, rowStartB = baseB + rowB * direct.b.rowBytes
                    var rowSquares = 0.0, rowMax = 0.0
                    for offset in stride(from: 0, to: length, by: chunk) {
                        let sums = DifferenceKernel.direct(rowA + direct.a.byteOffset(offset), direct.a.kind,
                                                           rowStartB + direct.b.byteOffset(offset), direct.b.kind,
                                                           count: min(chunk, length - offset))
                        part.add(sums, rowSquares: &rowSquares, rowMax: &rowMax)
                    }
                    part.finishRow(row, squares: rowSquares, max: rowMax, worst: &worst)
                    continue
                }
                let x = QuantizedDifference.rowValues(pair.a, a, row, floats: scratch.floatsA)
                var permuted: UnsafePointer<Double>?
                var y = x
                if let order = pair.order, vector {
                    // A vector's elements are permuted: B's values gathered into A's order.
                    let stored = QuantizedDifference.rowValues(pair.b, b, row, floats: scratch.floatsB)
                    DifferenceKernel.decode(stored.bytes, stored.dtype, start: stored.start, count: length, into: scratch.stored)
                    for i in 0 ..< length { scratch.gathered[i] = scratch.stored[order.indexInB(i, count: length)] }
                    permuted = UnsafePointer(scratch.gathered)
                } else {
                    let rowB = pair.order.map { $0.indexInB(row, count: pair.rows) } ?? row
                    y = QuantizedDifference.rowValues(pair.b, b, rowB, floats: scratch.floatsB)
                }
                var rowSquares = 0.0, rowMax = 0.0
                for offset in stride(from: 0, to: length, by: chunk) {
                    let count = min(chunk, length - offset)
                    let sums = if let permuted {
                        DifferenceKernel.sums(x.bytes, x.dtype, start: x.start + offset, count: count, decodedB: permuted + offset,
                                              scratchA: scratch.chunkA)
                    } else {
                        DifferenceKernel.sums(x.bytes, x.dtype, y.bytes, y.dtype, start: x.start + offset, count: count,
                                              startB: y.start + offset, scratchA: scratch.chunkA, scratchB: scratch.chunkB)
                    }
                    part.add(sums, rowSquares: &rowSquares, rowMax: &rowMax)
                }
                part.finishRow(row, squares: rowSquares, max: rowMax, worst: &worst)
            }
            parts.append(part)
        }
        worst.compact()
        parts[0].inner = worst
        // Items hold whole heads of a permuted pair, so B's rows of the run are its rows too.
        let first = items[run.lowerBound].chunks.lowerBound, last = items[run.upperBound - 1].chunks.upperBound
        func range(_ view: TensorView, _ count: Int) -> Range<Int> {
            first * view.rowBits / 8 ..< (last == pair.rows ? count : last * view.rowBits / 8)
        }
        return (parts, [pair.a.span(range(pair.a, a.count)), pair.b.span(range(pair.b, b.count))])
    }
}

extension DifferencePlan.Part {
    /// One chunk's sums of a row: into the item's totals, and the row's.
    mutating func add(_ sums: cmk_difference_sums, rowSquares: inout Double, rowMax: inout Double) {
        reference += sums.reference_squares
        differing += Int(sums.differing)
        nanMismatches += Int(sums.nan_mismatches)
        if sums.max_abs > maxAbs { maxAbs = sums.max_abs }
        rowSquares += sums.difference_squares
        if sums.max_abs > rowMax { rowMax = sums.max_abs }
    }

    /// A row's Σd² and largest difference, after its last chunk: its Σd² into the part's sum, the
    /// row into `worst` (the worst rows of the run of one pair's items it belongs to, which the
    /// run's first part carries; the run's other parts carry none).
    mutating func finishRow(_ row: Int, squares: Double, max: Double, worst: inout WorstRows) {
        innerSquares += squares
        if squares > 0 { worst.add(.init(row: row, l2: squares.squareRoot(), maxAbs: max)) }
    }
}
