import Foundation
import Testing
import SafetensorsFormat
import CheckpointIO
import TensorScan
import TestSupport

/// The row convention, unaligned reads, and mapping errors.
@Suite struct RowAndFileTests {
    static func write(_ entries: [SafetensorsWriter.Entry]) throws -> SafetensorsFile {
        try SafetensorsFile(path: Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize()))
    }

    static func f32(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    @Test("rows: dim 0 indexes rows, the rest is flattened; 1-D is one row; 0-d is one element")
    func rows() throws {
        let values = (0..<24).map(Float.init)
        let file = try Self.write([
            .init(name: "three", dtype: .f32, shape: [2, 3, 4], bytes: Self.f32(values)),
            .init(name: "one", dtype: .f32, shape: [5], bytes: Self.f32([1, 2, 3, 4, 5])),
            .init(name: "scalar", dtype: .f32, shape: [], bytes: Self.f32([7])),
            .init(name: "empty", dtype: .f32, shape: [0, 3], bytes: []),
            .init(name: "zero-cols", dtype: .f32, shape: [3, 0], bytes: []),
        ])
        let three = try file.tensor(named: "three")
        #expect(three.rowCount == 2 && three.rowLength == 12)
        #expect(three.decodedRow(1) == (12..<24).map(Double.init))
        let one = try file.tensor(named: "one")
        #expect(one.rowCount == 1 && one.decodedRow(0) == [1, 2, 3, 4, 5])
        let scalar = try file.tensor(named: "scalar")
        #expect(scalar.rowCount == 1 && scalar.rowLength == 1 && scalar.decodedRow(0) == [7])
        #expect(try file.tensor(named: "empty").rowCount == 0)
        #expect(try file.tensor(named: "zero-cols").rowCount == 0)
    }

    @Test("values at odd offsets are read unaligned")
    func unaligned() throws {
        // One U8 first pushes the F32 and F64 data to odd addresses.
        let f64 = withUnsafeBytes(of: (1.0 / 3.0).bitPattern.littleEndian) { Array($0) }
        let file = try Self.write([
            .init(name: "a", dtype: .u8, shape: [1], bytes: [42]),
            .init(name: "b", dtype: .f32, shape: [2], bytes: Self.f32([-2.5, 1e-3])),
            .init(name: "c", dtype: .f64, shape: [1], bytes: f64),
        ])
        #expect(try file.tensor(named: "b").decodedValues() == [-2.5, Double(Float(1e-3))])
        #expect(try file.tensor(named: "c").value(at: 0) == 1.0 / 3.0)
    }

    @Test("missing paths, directories and empty files give typed errors naming the path")
    func fileErrors() throws {
        let dir = try Fixtures.temporaryDirectory()
        let missing = dir.appendingPathComponent("nope.safetensors").path
        #expect(throws: CheckpointError.io(path: missing, operation: "open", errno: ENOENT)) {
            try SafetensorsFile(path: missing)
        }
        #expect(throws: CheckpointError.notARegularFile(path: dir.path, what: "a directory")) {
            try SafetensorsFile(path: dir.path)
        }
        let notDir = Fixtures.path("toy-bert/config.json") + "/x"
        #expect(throws: CheckpointError.io(path: notDir, operation: "open", errno: ENOTDIR)) {
            try SafetensorsFile(path: notDir)
        }
        let empty = try Fixtures.temporaryFile([])
        #expect(throws: CheckpointError.format(path: empty, .headerTooSmall(fileSize: 0))) {
            try SafetensorsFile(path: empty)
        }
        let error = CheckpointError.io(path: missing, operation: "open", errno: ENOENT)
        #expect(error.description == "\(missing): cannot open: No such file or directory")
    }

    @Test("byte equality: the toy BERT decoder is a byte copy of the word embedding")
    func byteEquality() throws {
        let file = try SafetensorsFile(path: Fixtures.path("toy-bert/model.safetensors"))
        let embedding = try file.tensor(named: "bert.embeddings.word_embeddings.weight")
        let decoder = try file.tensor(named: "cls.predictions.decoder.weight")
        let position = try file.tensor(named: "bert.embeddings.position_embeddings.weight")
        #expect(embedding.hasSameBytes(as: decoder))
        #expect(!embedding.hasSameBytes(as: position))
    }
}
