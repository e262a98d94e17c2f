import CheckpointIO
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// What `HeapPolicy` changes, seen through glibc's own counts in a child process: after a 16 MiB
/// block is freed, glibc by default raises its mmap threshold to 16 MiB and serves an 8 MiB
/// block from the heap (whose freed pages stay resident); with the policy, the 8 MiB block gets
/// a mapping of its own.
@Suite struct HeapPolicyTests {
    static func blockIsMappedAfterFreeingALargerOne() -> Bool {
        var large = [UInt8](repeating: 1, count: 16 << 20)
        large[0] = 2
        withExtendedLifetime(large) {}
        large = []
        let before = MallocStats.current()?.inUseMapped ?? 0
        let block = [UInt8](repeating: 1, count: 8 << 20)
        let after = MallocStats.current()?.inUseMapped ?? 0
        withExtendedLifetime(block) {}
        return after - before >= 8 << 20
    }

    @Test("by default, a block freed raises the threshold: the next 8 MiB block comes from the heap")
    func defaultAllocator() async {
        await #expect(processExitsWith: .success) {
            exit(HeapPolicyTests.blockIsMappedAfterFreeingALargerOne() ? 1 : 0)
        }
    }

    @Test("with the policy, the 8 MiB block gets its own mapping (returned to the system when freed)")
    func withPolicy() async {
        await #expect(processExitsWith: .success) {
            guard HeapPolicy.returnLargeBlocksWhenFreed() else { exit(2) }
            exit(HeapPolicyTests.blockIsMappedAfterFreeingALargerOne() ? 0 : 1)
        }
    }
}
#endif
