import Foundation
import Testing
import TestSupport

/// `dtype-mixed` names the tensors outside the dtype holding most bytes: "floating-point tensors
/// use 2 dtypes" alone left the reader to find them (session of 2026-12-06).
@Suite struct DtypeMixTensorsTests {
    @Test("a BERT conversion with two BF16 matrices among F32 tensors: the finding lists exactly those, main_dtype F32")
    func namesTheMinority() throws {
        let file = "pytorch-cli/tied-bert-converted/model.safetensors"
        // The expectation from the header read by Foundation: bytes per float dtype, the largest,
        // and every tensor in another float dtype.
        let bytes = Array(try Fixtures.data(file))
        var perType: [String: Int] = [:]
        var typeOf: [String: String] = [:]
        for name in try Fixtures.safetensorsNames(in: bytes) {
            let entry = try Fixtures.safetensorsEntry(name, in: bytes)
            guard ["F32", "BF16", "F16", "F64"].contains(entry.dtype) else { continue }
            perType[entry.dtype, default: 0] += entry.range.count
            typeOf[name] = entry.dtype
        }
        let main = try #require(perType.max { $0.value < $1.value }?.key)
        let outside = Set(typeOf.filter { $0.value != main }.keys)
        #expect(main == "F32" && outside.count == 2)
        let report = try CLI.json(["audit", Fixtures.path(file), "--json"])
        let mixed = try #require(((report["findings"] as? [[String: Any]]) ?? []).first { $0["rule"] as? String == "dtype-mixed" })
        #expect(Set(mixed["tensors"] as? [String] ?? []) == outside)
        #expect((mixed["evidence"] as? [String: Any])?["main_dtype"] as? String == main)
        #expect((mixed["message"] as? String)?.contains("; 2 tensors are not F32, the dtype of most bytes: ") == true)
    }
}
