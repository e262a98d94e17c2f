@testable import GGUFFormat
import Testing
import TestSupport

/// The fast row kernels against a second algorithm: `dequantize` then the plain one-value-at-a-
/// time statistics (`GGUFRowMoments(values:)`), on random block bytes. Scales are random f16
/// bit patterns, so NaN, ±Inf and subnormal scales occur and the fallback path is exercised.
@Suite struct KernelAgreementTests {
    static let types = GGMLType.all.filter(GGUFRowDecoding.isDecodable)

    @Test(arguments: types.map(\.name))
    func fastMomentsEqualTheScalarReference(typeName: String) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: UInt64(type.id) &+ 0x5EED)
        var sawNonFinite = false
        for rowIndex in 0 ..< 300 {
            // Rows of 1–3 blocks (K types) or 1–40 blocks, random bytes throughout.
            let blocks = type.blockSize == 256 ? 1 + rowIndex % 3 : 1 + rowIndex % 40
            var bytes = (0 ..< blocks * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            if rowIndex % 2 == 0 { Self.tameScales(&bytes, type) }
            try bytes.withUnsafeBytes { raw in
                let fast = try GGUFRowDecoding.moments(ofRow: raw, type: type)
                let reference = GGUFRowMoments(values: try GGUFRowDecoding.dequantize(row: raw, type: type))
                sawNonFinite = sawNonFinite || reference.nanCount + reference.positiveInfinityCount > 0
                #expect(fast.count == reference.count)
                #expect(Self.close(fast.sum, reference.sum, scale: reference.sumOfSquares.squareRoot() * Double(reference.count).squareRoot()),
                        "\(typeName) row \(rowIndex): \(fast.sum) vs \(reference.sum)")
                #expect(Self.close(fast.sumOfSquares, reference.sumOfSquares, scale: reference.sumOfSquares),
                        "\(typeName) row \(rowIndex)")
                #expect(Self.same(fast.minimum, reference.minimum) && Self.same(fast.maximum, reference.maximum),
                        "\(typeName) row \(rowIndex): \(fast.minimum)…\(fast.maximum) vs \(reference.minimum)…\(reference.maximum)")
                #expect(fast.nanCount == reference.nanCount)
                #expect(fast.positiveInfinityCount == reference.positiveInfinityCount)
                #expect(fast.negativeInfinityCount == reference.negativeInfinityCount)
            }
        }
        #expect(sawNonFinite, "random bytes should produce some NaN or Inf for \(typeName)")
    }

    /// The AVX2 kernels (`VectorBlockKernels`, used by default where the CPU has AVX2) against the
    /// portable Swift kernels on the same rows: the same bits for Σx, Σx², min and max, including
    /// rows of ±0 scales and all-zero rows (whose extremes are ±0, the AVX2 kernels' slow path),
    /// rows whose block count is not a multiple of the AVX2 kernels' batch of 8, and rows with
    /// NaN or ±Inf (both fall back to the same value-by-value count).
    @Test(.enabled(if: VectorBlockKernels.available, "this CPU has no AVX2: only the portable kernels run"),
          arguments: types.filter { $0.isQuantized }.map(\.name))
    func vectorKernelsEqualThePortableOnesBitForBit(typeName: String) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: UInt64(type.id) &+ 0xA1F2)
        var vectorRows = 0
        for rowIndex in 0 ..< 400 {
            let blocks = type.blockSize == 256 ? 1 + rowIndex % 5 : 1 + rowIndex % 37
            var bytes = (0 ..< blocks * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            switch rowIndex % 5 {
            case 0, 1, 2: Self.tameScales(&bytes, type)
            case 3: Self.setScales(&bytes, type, low: 0x00, high: rowIndex % 2 == 0 ? 0x80 : 0x00)  // ±0 scales
            default: break  // raw random scales: some NaN and ±Inf
            }
            if rowIndex % 23 == 0 { bytes = [UInt8](repeating: 0, count: bytes.count) }
            try bytes.withUnsafeBytes { raw in
                let base = try #require(raw.baseAddress)
                if case .some(.some) = VectorBlockKernels.moments(base, blocks: blocks, type: type) { vectorRows += 1 }
                let vector = try GGUFRowDecoding.moments(ofRow: raw, type: type)
                let portable = try GGUFRowDecoding.moments(ofRow: raw, type: type, portable: true)
                #expect(vector.sum.bitPattern == portable.sum.bitPattern, "\(typeName) row \(rowIndex): Σ \(vector.sum) vs \(portable.sum)")
                #expect(vector.sumOfSquares.bitPattern == portable.sumOfSquares.bitPattern, "\(typeName) row \(rowIndex): Σx²")
                #expect(vector.minimum.bitPattern == portable.minimum.bitPattern && vector.maximum.bitPattern == portable.maximum.bitPattern,
                        "\(typeName) row \(rowIndex): \(vector.minimum)…\(vector.maximum) vs \(portable.minimum)…\(portable.maximum)")
                #expect(vector.count == portable.count && vector.nanCount == portable.nanCount
                        && vector.positiveInfinityCount == portable.positiveInfinityCount
                        && vector.negativeInfinityCount == portable.negativeInfinityCount, "\(typeName) row \(rowIndex)")
            }
        }
        // Every decoded quantized type has an AVX2 kernel: most rows (all but NaN/Inf ones) went through it.
        #expect(vectorRows > 200, "\(typeName): \(vectorRows) rows through the AVX2 kernel")
    }

    /// The batch entry point (`moments(ofRows:rowBytes:type:portable:into:)`) against the row by
    /// row one, bit for bit, on both paths, over runs of rows mixing finite, ±0-scale and
    /// NaN/Inf rows.
    @Test(arguments: types.map(\.name))
    func rowBatchesEqualRowByRow(typeName: String) throws {
        let type = try #require(GGMLType(name: typeName))
        var random = SeededRandom(seed: UInt64(type.id) &+ 0xBA7C)
        let blocks = type.blockSize == 256 ? 3 : 17
        let rowBytes = blocks * type.typeSize
        let rows = 60
        var bytes: [UInt8] = []
        for r in 0 ..< rows {
            var row = (0 ..< rowBytes).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
            switch r % 4 {
            case 0, 1: Self.tameScales(&row, type)
            case 2 where type.isQuantized: Self.setScales(&row, type, low: 0, high: 0x80)
            default: break
            }
            bytes += row
        }
        for portable in [false, true] {
            let batch = try bytes.withUnsafeBytes { raw in
                try [GGUFRowMoments](unsafeUninitializedCapacity: rows) { out, initialized in
                    out.initialize(repeating: .empty)
                    initialized = rows
                    try GGUFRowDecoding.moments(ofRows: raw, rowBytes: rowBytes, type: type, portable: portable, into: out)
                }
            }
            try bytes.withUnsafeBytes { raw in
                for r in 0 ..< rows {
                    let one = try GGUFRowDecoding.moments(ofRow: UnsafeRawBufferPointer(rebasing: raw[r * rowBytes ..< (r + 1) * rowBytes]),
                                                          type: type, portable: portable)
                    let same = [batch[r].sum, batch[r].sumOfSquares, batch[r].minimum, batch[r].maximum].map(\.bitPattern)
                        == [one.sum, one.sumOfSquares, one.minimum, one.maximum].map(\.bitPattern)
                    #expect(same && batch[r].count == one.count && batch[r].nanCount == one.nanCount
                            && batch[r].positiveInfinityCount == one.positiveInfinityCount
                            && batch[r].negativeInfinityCount == one.negativeInfinityCount,
                            "\(typeName) row \(r) portable \(portable)")
                }
            }
        }
    }

    /// Sets the bytes of every f16 scale field of every block (`d`, and `dmin`/`m` where the type has one).
    static func setScales(_ bytes: inout [UInt8], _ type: GGMLType, low: UInt8, high: UInt8) {
        let fields: [Int] = switch type.name {
        case "Q4_1", "Q5_1", "Q4_K", "Q5_K": [0, 2]
        case "Q6_K": [208]
        default: [0]
        }
        for block in stride(from: 0, to: bytes.count, by: type.typeSize) {
            for field in fields {
                bytes[block + field] = low
                bytes[block + field + 1] = high
            }
        }
    }

    /// Extreme codes, by hand: the 16-bit lanes of the Q8_0 and Q6_K kernels at their limits.
    @Test func extremeCodesByHand() throws {
        // Q8_0, d = 1.0 (f16 0x3C00), all 32 codes −128: Σ = −4096, Σx² = 32 × 16384.
        let q8 = ([0x00, 0x3C] + [UInt8](repeating: 0x80, count: 32))
        let m8 = try q8.withUnsafeBytes { try GGUFRowDecoding.moments(ofRow: $0, type: .q8_0) }
        #expect(m8 == GGUFRowMoments(count: 32, sum: -4096, sumOfSquares: 524_288, minimum: -128, maximum: -128))
        // Q6_K, d = 0.5 (f16 0x3800), every scale −128, every code 63 (all ql and qh bits set):
        // each value is (0.5 × −128) × (63 − 32) = −1984.
        let q6 = [UInt8](repeating: 0xFF, count: 192) + [UInt8](repeating: 0x80, count: 16) + [0x00, 0x38]
        let m6 = try q6.withUnsafeBytes { try GGUFRowDecoding.moments(ofRow: $0, type: .q6_K) }
        #expect(m6 == GGUFRowMoments(count: 256, sum: -1984 * 256, sumOfSquares: 1984 * 1984 * 256,
                                     minimum: -1984, maximum: -1984))
        // Q6_K, all codes 0 (value −32 × 0.5 × 127 = −2032 with scale 127).
        let q6zero = [UInt8](repeating: 0, count: 192) + [UInt8](repeating: 127, count: 16) + [0x00, 0x38]
        let z6 = try q6zero.withUnsafeBytes { try GGUFRowDecoding.moments(ofRow: $0, type: .q6_K) }
        #expect(z6 == GGUFRowMoments(count: 256, sum: -2032 * 256, sumOfSquares: 2032 * 2032 * 256,
                                     minimum: -2032, maximum: -2032))
    }

    @Test func partialBlocksAndUndecodableTypesAreErrors() throws {
        let bytes = [UInt8](repeating: 0, count: 35)
        try bytes.withUnsafeBytes { raw in
            #expect(throws: GGUFDecodingError.partialBlock(type: "Q8_0", byteCount: 35, typeSize: 34)) {
                try GGUFRowDecoding.moments(ofRow: raw, type: .q8_0)
            }
            let q2 = try #require(GGMLType(name: "Q2_K"))
            #expect(throws: GGUFDecodingError.notDecodable(type: "Q2_K", reason: "no Q2_K decoder in tensoraudit yet")) {
                try GGUFRowDecoding.dequantize(row: UnsafeRawBufferPointer(rebasing: raw[0 ..< 0]), type: q2)
            }
        }
    }

    /// Sets every f16 scale field of every block to a finite value of moderate size, so half
    /// the rows hold only finite values (the fast path) and the others keep raw random scales.
    static func tameScales(_ bytes: inout [UInt8], _ type: GGMLType) {
        let fields: [Int]
        switch type.name {
        case "Q8_0", "Q4_0", "Q5_0": fields = [0]
        case "Q4_1", "Q5_1", "Q4_K", "Q5_K": fields = [0, 2]
        case "Q6_K": fields = [208]
        case "F16": fields = Array(stride(from: 0, to: type.typeSize, by: 2))
        default: fields = []
        }
        for block in stride(from: 0, to: bytes.count, by: type.typeSize) {
            for field in fields {
                bytes[block + field + 1] &= 0x7B  // exponent below 30: finite
            }
        }
        if type.name == "F32" || type.name == "BF16" {
            for i in stride(from: type.typeSize - 1, to: bytes.count, by: type.typeSize) { bytes[i] &= 0xBF }
        }
    }

    static func close(_ a: Double, _ b: Double, scale: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= 1e-12 * scale
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a == b || (a.isNaN && b.isNaN) }
}
