import Foundation
import Testing
@testable import PyTorchFormat
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// What the unpickler keeps per tensor of a state dict. Counts are worked out by hand from the
/// opcode listing in `StateDictPickle`; the byte bound from the store's layout (16-byte objects,
/// 8-byte values) plus array growth, against the ~2.4 KB per tensor the old node graph took.
@Suite struct UnpicklerMemoryTests {
    @Test("objects and pooled values grow by exactly 8 and 20 per tensor", arguments: [1, 999, 1000, 1001, 3000])
    func structure(tensors: Int) throws {
        let pickle = StateDictPickle.bytes(tensors: tensors)
        let program = try TorchFixtures.unpickle(pickle).get()
        #expect(program.nodeCount == 1 + StateDictPickle.objectsPerTensor * tensors)
        #expect(program.store.pool.count == StateDictPickle.fixedValuesPerTensor * tensors)
        #expect(program.store.contents.count == 1, "only the state dict grows")
        #expect(program.store.contents.first?.entries.count == 2 * tensors)
        // The strings are the names and storage keys only ('storage' and 'cpu' are memoized once).
        #expect(program.store.stringEnds.count == 2 * tensors + 2)
        var collector = TensorCollector(program: program, limits: .default, pickleBytes: pickle.count)
        try collector.walk(program.root, depth: 0)
        #expect(collector.tensors.map(\.name) == (0 ..< tensors).map { "layer\($0).w" })
        #expect(collector.tensors.allSatisfy { $0.shape == [4, 16] && $0.stride == [16, 1] && $0.storage.count == 64 })
    }

    @Test("a stored object takes 16 bytes, a stored value 8")
    func layout() {
        #expect(MemoryLayout<PickleStore.Slot>.stride == 8)
        #expect(MemoryLayout<PickleStore.Record>.stride == 16)
    }

    #if os(Linux)
    /// In a child process (a heap of its own): the malloc'd bytes a program of 20,000 tensors
    /// holds once unpickling returns, from glibc's own count. 8 objects × 16 + 22 values × 8
    /// + ~26 bytes of text and offsets ≈ 330 bytes per tensor, up to twice that while arrays
    /// grow by doubling (measured: 605): the bound is 800. The node graph before the compact
    /// store took ~2,400; the same store with 16-byte values, 844.
    @Test("a state dict's unpickled graph holds at most 800 heap bytes per tensor")
    func heapPerTensor() async {
        await #expect(processExitsWith: .success) {
            let tensors = 20_000
            let pickle = StateDictPickle.bytes(tensors: tensors)
            let before = MallocStats.current()?.inUse ?? 0
            let program = try TorchFixtures.unpickle(pickle).get()
            let held = (MallocStats.current()?.inUse ?? 0) - before
            withExtendedLifetime(program) {}
            if held > 800 * tensors || held < 200 * tensors {
                FileHandle.standardError.write(Data("held \(held) bytes for \(tensors) tensors\n".utf8))
                exit(1)
            }
        }
    }
    #endif
}
