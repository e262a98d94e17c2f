import Foundation
import Testing
import SafetensorsFormat
import CheckpointIO
import TensorScan
import TestSupport

/// Values read through views equal what numpy/ml_dtypes wrote, for every dtype, including
/// files written by the reference package.
@Suite struct FixtureValueTests {
    @Test("element values match the generator", arguments: [
        ("reference/dtypes.safetensors", "expected/dtypes.json"),
        ("written/other-dtypes.safetensors", "expected/other-dtypes.json"),
        ("reference/f4-x2.safetensors", "expected/f4-x2.json"),
        ("edge/empty-tensors.safetensors", "expected/edge-empty-tensors.json"),
    ])
    func values(file: String, expected: String) throws {
        let checkpoint = try SafetensorsFile(path: Fixtures.path(file))
        let json = try #require(try Fixtures.jsonKeepingNumberText(expected) as? [String: Any])
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        var checkedDTypes = Set<String>()
        for t in tensors {
            let name = try #require(t["name"] as? String)
            let view = try checkpoint.tensor(named: name)
            let values = try #require(t["values"] as? [Any])
            #expect(values.count == view.elementCount, "\(name)")
            checkedDTypes.insert(view.dtype.rawValue)
            for (i, v) in values.enumerated() where i < view.elementCount {
                if view.dtype == .c64 {
                    let pair = try #require(v as? [Any])
                    let (re, im) = view.complexValue(at: i)
                    #expect(sameValue(Double(re), Fixtures.number(pair[0]) ?? .nan), "\(name)[\(i)].re")
                    #expect(sameValue(Double(im), Fixtures.number(pair[1]) ?? .nan), "\(name)[\(i)].im")
                } else if let text = v as? String, view.dtype.isInteger {
                    // Integers compare after the same rounding to Double on both sides.
                    let exact = view.dtype == .u64 ? UInt64(text).map { Double($0) } : Int64(text).map { Double($0) }
                    #expect(view.value(at: i) == exact, "\(name)[\(i)]")
                } else {
                    #expect(sameValue(view.value(at: i), Fixtures.number(v) ?? .nan), "\(name)[\(i)] = \(view.value(at: i)) vs \(v)")
                }
            }
        }
        #expect(!checkedDTypes.isEmpty)
    }

    @Test("the reference fixture holds every dtype the reference can write")
    func coverage() throws {
        let a = try SafetensorsFile(path: Fixtures.path("reference/dtypes.safetensors"))
        let b = try SafetensorsFile(path: Fixtures.path("written/other-dtypes.safetensors"))
        let dtypes = Set((a.header.tensors + b.header.tensors).map(\.dtype))
        #expect(dtypes == Set(DType.allCases))
    }
}
