import Foundation
import Testing
import SafetensorsFormat
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Every code of every small float format decodes to the value ml_dtypes gives
/// (TestData/dtype-tables, one little-endian float64 per code).
@Suite struct DecodeTableTests {
    static func table(_ dtype: String) throws -> [Double] {
        let data = try Fixtures.data("dtype-tables/\(dtype).f64")
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        }
    }

    @Test("all 65,536 F16 patterns")
    func f16() throws {
        let expected = try Self.table("F16")
        #expect(expected.count == 65_536)
        var mismatches = 0
        for code in 0..<65_536 where !sameValue(Double(HalfFloatBits.float(fromF16: UInt16(code))), expected[code]) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test("all 65,536 BF16 patterns")
    func bf16() throws {
        let expected = try Self.table("BF16")
        #expect(expected.count == 65_536)
        var mismatches = 0
        for code in 0..<65_536 where !sameValue(Double(HalfFloatBits.float(fromBF16: UInt16(code))), expected[code]) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }

    @Test("all codes of the 8-, 6- and 4-bit formats", arguments: [
        (DType.f8E4M3, 256), (.f8E5M2, 256), (.f8E8M0, 256), (.f8E4M3FNUZ, 256), (.f8E5M2FNUZ, 256),
        (.f6E2M3, 64), (.f6E3M2, 64), (.f4, 16),
    ])
    func miniFloats(dtype: DType, count: Int) throws {
        let expected = try Self.table(dtype.rawValue)
        let ours = try #require(MiniFloatTables.table(for: dtype))
        #expect(expected.count == count)
        #expect(ours.count == count)
        for code in 0..<count {
            #expect(sameValue(Double(ours[code]), expected[code]), "\(dtype.rawValue) code \(code)")
        }
    }
}
