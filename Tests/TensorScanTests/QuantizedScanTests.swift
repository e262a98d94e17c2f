import Testing
import GGUFFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Quantized tensors in the one scan (`ScanPlan`, whole rows as pieces): each row's statistics
/// equal that row decoded alone by the GGUF kernels, the fingerprint the naive fold of the
/// bytes, the twin verdict `memcmp`'s, whatever the cut into items and cores.
@Suite struct QuantizedScanTests {
    /// Random blocks of `type` with finite scales, except every 7th row when `wild` (raw random
    /// scales: NaN and ±Inf rows, the kernels' scalar fallback).
    static func blocks(_ type: GGMLType, rows: Int, blocksPerRow: Int, seed: UInt64, wild: Bool = false) -> [UInt8] {
        var random = SeededRandom(seed: seed)
        var bytes = (0 ..< rows * blocksPerRow * type.typeSize).map { _ in UInt8.random(in: 0 ... 255, using: &random) }
        let scaleFields: [Int] = switch type.name {
        case "Q6_K": [208]
        case "Q4_1", "Q5_1", "Q4_K", "Q5_K": [0, 2]
        default: [0]
        }
        let rowBytes = blocksPerRow * type.typeSize
        for block in stride(from: 0, to: bytes.count, by: type.typeSize) where !(wild && (block / rowBytes) % 7 == 0) {
            for field in scaleFields { bytes[block + field + 1] &= 0x3B }
        }
        return bytes
    }

    @Test("quantized rows, fingerprints and twins in the one scan")
    func rowsFingerprintsAndTwins() throws {
        // "big" is 4.35 MB: two items on two cores. Its copy is compared in passing; "late"
        // differs in its last byte, "early" in its first.
        let big = Self.blocks(.q8_0, rows: 4000, blocksPerRow: 32, seed: 1)
        var late = big, early = big
        late[late.count - 1] ^= 1
        early[0] ^= 0x40
        let specs: [(String, GGMLType, [UInt64], [UInt8])] = [
            ("big", .q8_0, [4000, 1024], big),
            ("copy", .q8_0, [4000, 1024], big),
            ("late", .q8_0, [4000, 1024], late),
            ("early", .q8_0, [4000, 1024], early),
            ("q4_0", .q4_0, [300, 2048], Self.blocks(.q4_0, rows: 300, blocksPerRow: 64, seed: 2, wild: true)),
            ("q4_k", .q4_K, [200, 512], Self.blocks(.q4_K, rows: 200, blocksPerRow: 2, seed: 3, wild: true)),
            ("q6_k", .q6_K, [200, 768], Self.blocks(.q6_K, rows: 200, blocksPerRow: 3, seed: 4, wild: true)),
            ("partial", .q5_K, [90, 256], Self.blocks(.q5_K, rows: 90, blocksPerRow: 1, seed: 5)),
            ("zero", .q4_1, [3, 64], [UInt8](repeating: 0, count: 3 * 2 * 20)),
        ]
        var file: [UInt8] = []
        var entries: [TensorEntry] = []
        for (name, type, shape, bytes) in specs {
            let count = shape.reduce(1, *)
            entries.append(TensorEntry(name: name, dtype: .blocks(type), shape: shape, begin: UInt64(file.count),
                                       end: UInt64(file.count + bytes.count), elementCount: count))
            file += bytes
            file += [UInt8](repeating: 0, count: 32 - file.count % 32)
        }
        let mapping = try MappedFile(path: Fixtures.temporaryFile(file))
        let views = entries.map { TensorView(info: $0, mapping: mapping, dataStart: 0) }
        let jobs: [RowScan.Job] = views.enumerated().map { i, view in
            switch view.name {
            case "copy", "late", "early": return RowScan.Job.statisticsAndFingerprint(of: view).comparingBytes(withJob: 0)
            case "partial": return .statistics(of: view, rows: 11..<77)
            default: return .statisticsAndFingerprint(of: view)
            }
        }
        let outputs = RowScan.run(jobs) { $1 }
        for (i, spec) in specs.enumerated() {
            let (name, type, _, bytes) = spec
            let output = outputs[i]
            let rowBytes = bytes.count / Int(spec.2[0])
            let rows = name == "partial" ? 11..<77 : 0..<Int(spec.2[0])
            #expect(output.fingerprint == (name == "partial" ? nil : FingerprintTests.naiveFingerprint(bytes)), "\(name)")
            let scanned = try #require(output.rows, "\(name)")
            #expect(scanned.count == rows.count, "\(name)")
            try bytes.withUnsafeBytes { raw in
                for (k, r) in rows.enumerated() {
                    let row = UnsafeRawBufferPointer(rebasing: raw[r * rowBytes ..< (r + 1) * rowBytes])
                    let alone = try GGUFRowDecoding.moments(ofRow: row, type: type)
                    let m = scanned[k]
                    #expect(m.count == alone.count && m.nanCount == alone.nanCount, "\(name) row \(r)")
                    #expect(m.sum.bitPattern == alone.sum.bitPattern && m.sumOfSquares.bitPattern == alone.sumOfSquares.bitPattern,
                            "\(name) row \(r)")
                    #expect(m.minimum.bitPattern == alone.minimum.bitPattern && m.maximum.bitPattern == alone.maximum.bitPattern,
                            "\(name) row \(r)")
                    #expect(m.allBitsZero == !row.contains { $0 != 0 }, "\(name) row \(r)")
                }
            }
        }
        #expect(outputs[0].sameBytesAsTwin == nil)
        #expect(outputs[1].sameBytesAsTwin == true)
        #expect(outputs[2].sameBytesAsTwin == false)
        #expect(outputs[3].sameBytesAsTwin == false)
        #expect(outputs[4].rows?.contains { $0.nanCount > 0 } == true, "the wild rows reach the scalar fallback")
        #expect(outputs[8].rows?.allSatisfy { $0.allBitsZero && $0.allValuesZero } == true)
        // Scanning with twins changes nothing else: the same jobs without twins.
        let plain = RowScan.run(views.enumerated().map { i, v in i == 7 ? .statistics(of: v, rows: 11..<77) : .statisticsAndFingerprint(of: v) }) { $1 }
        for (a, b) in zip(plain, outputs) {
            #expect(a.rows?.count == b.rows?.count)
            #expect(zip(a.rows ?? [], b.rows ?? []).allSatisfy(Self.identical))
        }
        #expect(plain.map(\.fingerprint) == outputs.map(\.fingerprint))
    }

    /// Equal field by field, bit for bit (NaN sums included, which `==` would call unequal).
    static func identical(_ a: RowMoments, _ b: RowMoments) -> Bool {
        let da = [a.sum, a.sumOfSquares, a.centeredSquares, a.minimum, a.maximum].map(\.bitPattern)
        let db = [b.sum, b.sumOfSquares, b.centeredSquares, b.minimum, b.maximum].map(\.bitPattern)
        return da == db && a.count == b.count && a.nanCount == b.nanCount && a.positiveInfinityCount == b.positiveInfinityCount
            && a.negativeInfinityCount == b.negativeInfinityCount && a.allBitsZero == b.allBitsZero && a.allValuesZero == b.allValuesZero
    }
}
