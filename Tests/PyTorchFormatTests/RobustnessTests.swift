import Testing
import TestSupport
@testable import PyTorchFormat

/// Malformed input never traps: every truncation and every single-byte corruption of small
/// fixtures gives an error or a checkpoint whose ranges are all inside the file.
@Suite struct RobustnessTests {
    static let small = ["tied.bin", "zip64.pt", "bare-tensor.pt", "unsafe-eval-protocol4.pt"]

    @Test("every truncation point is an error", arguments: small)
    func truncations(file: String) throws {
        let bytes = try TorchFixtures.bytes(file)
        #expect(TorchFixtures.read(bytes).success != nil)
        for length in 0 ..< bytes.count {
            #expect(TorchFixtures.read(Array(bytes[..<length])).failure != nil, "\(file) prefix \(length)")
        }
    }

    @Test("every single-byte corruption is an error or stays in bounds", arguments: small)
    func corruptions(file: String) throws {
        let bytes = try TorchFixtures.bytes(file)
        var accepted = 0
        for position in 0 ..< bytes.count {
            var copy = bytes
            copy[position] ^= 0xA5
            guard let checkpoint = TorchFixtures.read(copy).success else { continue }
            accepted += 1
            let size = UInt64(copy.count)
            for t in checkpoint.tensors { #expect(t.spanByteRange.upperBound <= size && t.spanByteRange.lowerBound <= t.spanByteRange.upperBound) }
            for s in checkpoint.storages { #expect(s.byteRange.upperBound <= size) }
        }
        // Padding bytes, timestamps and storage contents are not checked, so some survive; but
        // the headers, the pickle (CRC-checked) and the directory are: most must not.
        #expect(accepted < bytes.count / 2, "\(accepted) of \(bytes.count) corruptions accepted")
    }

    @Test("random byte strings and random pickles never trap")
    func randomInput() {
        var rng = SeededRandom(seed: 14)
        for length in [0, 1, 2, 21, 22, 64, 300] {
            for _ in 0 ..< 200 {
                let bytes = (0 ..< length).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                _ = TorchFixtures.read(bytes)
                _ = TorchFixtures.unpickle([0x80, 0x02] + bytes)
            }
        }
    }

    @Test("contiguity agrees with a brute-force enumeration of offsets")
    func contiguityProperty() {
        var rng = SeededRandom(seed: 7)
        for _ in 0 ..< 3_000 {
            let rank = Int.random(in: 0 ... 3, using: &rng)
            let shape = (0 ..< rank).map { _ in UInt64.random(in: 0 ... 3, using: &rng) }
            let stride = (0 ..< rank).map { _ in UInt64.random(in: 0 ... 7, using: &rng) }
            // Brute force: row-major enumeration must visit 0, 1, 2, … (any layout when empty).
            var offsets: [UInt64] = [0]
            for (size, step) in zip(shape, stride) {
                offsets = offsets.flatMap { base in (0 ..< size).map { base * 1 + $0 * step } }
            }
            let count = shape.reduce(1, *)
            let brute = count == 0 || offsets == Array(0 ..< count)
            #expect(TensorLayout.isContiguous(shape: shape, stride: stride) == brute, "\(shape) \(stride)")
        }
    }
}
