import Foundation
import Testing
import CheckpointIO
import TestSupport

/// A torch file's strided views are read through a row-major copy of their elements, made when a
/// command first reads one of their bytes, not when the file is opened (TestData/pytorch-strided;
/// torch's own `.contiguous()` copies, written by safetensors, are the oracle).
@Suite struct DeferredStridedCopyTests {
    static let path = Fixtures.path("pytorch-strided/strided.pt")
    static let contiguous = Fixtures.path("pytorch-strided/strided-contiguous.safetensors")

    @Test("opening the file and reading what inspect reads (names, shapes, offsets, alignment) makes no copy")
    func openCopiesNothing() throws {
        let checkpoint = try Checkpoint.openHeaderOnly(path: Self.path)
        let strided = checkpoint.tensors.filter(\.isGathered)
        #expect(strided.count == 6)
        _ = checkpoint.files.map(\.dataAlignment)
        _ = checkpoint.tensors.map { ($0.name, $0.shape, $0.info.begin, $0.info.end, $0.info.gathered) }
        for view in strided {
            #expect(view.mapping.hasPendingFill, "\(view.name)")
        }
    }

    @Test("the first read of one strided view makes every copy, equal to torch's .contiguous()")
    func firstReadCopiesAll() throws {
        let checkpoint = try Checkpoint.open(path: Self.path)
        let oracle = try Checkpoint.open(path: Self.contiguous)
        let strided = checkpoint.tensors.filter(\.isGathered)
        let first = try #require(strided.first)
        _ = first.copyBytes()
        for view in strided {
            #expect(!view.mapping.hasPendingFill, "\(view.name)")
            let expected = try #require(oracle.tensor(named: view.name))
            #expect(view.copyBytes() == expected.copyBytes(), "\(view.name)")
        }
    }

    @Test("eight threads reading the strided views at once all see the finished copies")
    func concurrentFirstReads() throws {
        for _ in 0..<20 {
            let checkpoint = try Checkpoint.open(path: Self.path)
            let oracle = try Checkpoint.open(path: Self.contiguous)
            let strided = checkpoint.tensors.filter(\.isGathered)
            let expected = try strided.map { try #require(oracle.tensor(named: $0.name)).copyBytes() }
            let results = Results(count: 8)
            DispatchQueue.concurrentPerform(iterations: 8) { thread in
                // Each thread starts with another view, so the first read races between views.
                let order = strided.indices.map { (thread + $0) % strided.count }
                results.set(thread, order.allSatisfy { strided[$0].copyBytes() == expected[$0] })
            }
            #expect(results.all)
        }
    }

    /// Per-thread outcomes, written from `concurrentPerform`'s threads.
    final class Results: @unchecked Sendable {
        private var values: [Bool]
        private let lock = NSLock()

        init(count: Int) { values = Array(repeating: false, count: count) }

        func set(_ index: Int, _ value: Bool) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }

        var all: Bool { values.allSatisfy { $0 } }
    }
}
