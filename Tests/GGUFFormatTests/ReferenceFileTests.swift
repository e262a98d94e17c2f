import GGUFFormat
import Testing

/// Files written by gguf-py's GGUFWriter, checked against gguf-py's reader (offsets, shapes)
/// and `gguf.quants.dequantize` summed in float64 by numpy (row statistics).
@Suite struct ReferenceFileTests {
    static let files = ["types.gguf", "special.gguf", "metadata.gguf", "small.gguf", "align-64.gguf",
                        "align-8.gguf", "version-2.gguf"]

    @Test(arguments: files)
    func tensorTableMatchesGGUFPy(name: String) throws {
        let bytes = try GGUFFixtures.bytes("valid/" + name)
        let file = try GGUFFile.parse(bytes)
        let expected = GGUFFixtures.file(name)
        #expect(file.problems.isEmpty)
        #expect(file.alignment == GGUFFixtures.int(expected["alignment"]))
        #expect(file.dataOffset == GGUFFixtures.int(expected["data_offset"]))
        #expect(file.fileSize == bytes.count)
        let tensors = try #require(expected["tensors"] as? [[String: Any]])
        #expect(file.tensors.map(\.name) == tensors.map { $0["name"] as? String ?? "?" })
        for (tensor, reference) in zip(file.tensors, tensors) {
            #expect(tensor.type.name == reference["type"] as? String)
            #expect(Int(tensor.type.id) == GGUFFixtures.int(reference["type_id"]))
            #expect(tensor.shape == (reference["shape"] as? [Any])?.compactMap(GGUFFixtures.int))
            #expect(tensor.byteRange.lowerBound == GGUFFixtures.int(reference["data_offset"]))
            #expect(tensor.byteCount == GGUFFixtures.int(reference["n_bytes"]))
        }
    }

    @Test func versionIsReadAsStored() throws {
        #expect(try GGUFFixtures.parse("valid/small.gguf").version == 3)
        #expect(try GGUFFixtures.parse("valid/version-2.gguf").version == 2)
    }

    @Test(arguments: ["types.gguf", "special.gguf", "metadata.gguf"])
    func rowStatisticsMatchGGUFPyDequantize(name: String) throws {
        let bytes = try GGUFFixtures.bytes("valid/" + name)
        let file = try GGUFFile.parse(bytes)
        let tensors = try #require(GGUFFixtures.file(name)["tensors"] as? [[String: Any]])
        var checkedRows = 0
        for (tensor, reference) in zip(file.tensors, tensors) {
            guard let rows = reference["rows"] as? [[String: Any]], GGUFRowDecoding.isDecodable(tensor.type) else {
                #expect(!GGUFRowDecoding.isDecodable(tensor.type) || reference["rows"] == nil, "\(tensor.name)")
                continue
            }
            #expect(rows.count == tensor.rowCount)
            try bytes.withUnsafeBytes { raw in
                for (r, row) in rows.enumerated() {
                    let start = tensor.byteRange.lowerBound + r * tensor.rowByteCount
                    let slice = UnsafeRawBufferPointer(rebasing: raw[start ..< start + tensor.rowByteCount])
                    let label = "\(tensor.name) row \(r)"
                    let moments = try GGUFRowDecoding.moments(ofRow: slice, type: tensor.type)
                    try Self.check(moments, against: row, label)
                    let values = try GGUFRowDecoding.dequantize(row: slice, type: tensor.type)
                    try Self.check(values, against: row, label)
                    checkedRows += 1
                }
            }
        }
        #expect(checkedRows > 0)
    }

    /// Equal, both NaN, or within `relative` of the reference scaled by `scale`.
    static func close(_ a: Double, _ b: Double, scale: Double, relative: Double = 1e-9) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a.isInfinite || b.isInfinite { return a == b }
        return abs(a - b) <= relative * scale
    }

    static func check(_ m: GGUFRowMoments, against row: [String: Any], _ label: String) throws {
        let sum = try #require(GGUFFixtures.double(row["sum"]))
        let sumAbs = try #require(GGUFFixtures.double(row["sum_abs"]))
        let squares = try #require(GGUFFixtures.double(row["sum_squares"]))
        #expect(m.count == GGUFFixtures.int(row["count"]), "\(label)")
        // Σx can cancel to near zero: its tolerance is relative to Σ|x|.
        #expect(close(m.sum, sum, scale: sumAbs.isFinite ? sumAbs : 0), "\(label): sum \(m.sum) vs \(sum)")
        #expect(close(m.sumOfSquares, squares, scale: squares), "\(label): Σx² \(m.sumOfSquares) vs \(squares)")
        #expect(close(m.l2Norm, squares.squareRoot(), scale: squares.squareRoot()), "\(label): norm")
        // Extremes are float32 values: exact.
        #expect(close(m.minimum, try #require(GGUFFixtures.double(row["min"])), scale: 0), "\(label): min \(m.minimum)")
        #expect(close(m.maximum, try #require(GGUFFixtures.double(row["max"])), scale: 0), "\(label): max \(m.maximum)")
        #expect(m.nanCount == GGUFFixtures.int(row["nan"]), "\(label)")
        #expect(m.positiveInfinityCount == GGUFFixtures.int(row["posinf"]), "\(label)")
        #expect(m.negativeInfinityCount == GGUFFixtures.int(row["neginf"]), "\(label)")
    }

    /// The values themselves: the first four exactly, and Σ(i+1)·xᵢ (which sees their order).
    static func check(_ values: [Float], against row: [String: Any], _ label: String) throws {
        let first = try #require(row["first"] as? [Any]).map { GGUFFixtures.double($0) ?? 0 }
        #expect(zip(values.prefix(4), first).allSatisfy { close(Double($0), $1, scale: 0) }, "\(label): \(values.prefix(4)) vs \(first)")
        var weighted = 0.0, scale = 0.0
        for (i, v) in values.enumerated() {
            weighted += Double(i + 1) * Double(v)
            scale += Double(i + 1) * abs(Double(v))
        }
        let reference = try #require(GGUFFixtures.double(row["weighted_sum"]))
        #expect(close(weighted, reference, scale: scale.isFinite ? scale : 0), "\(label): weighted \(weighted) vs \(reference)")
    }
}
