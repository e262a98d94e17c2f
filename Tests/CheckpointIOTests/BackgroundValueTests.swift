#if canImport(Glibc)
import Glibc
#endif
import CheckpointIO
import Testing

/// `BackgroundValue`: the audit reads a model's tokenizer on a thread of its own beside the scan.
@Suite("BackgroundValue")
struct BackgroundValueTests {
    @Test("the value is computed on another thread, and reading it waits until it is there")
    func waitsForAnotherThread() {
        let caller = UInt(bitPattern: Int(pthread_self()))
        let value = BackgroundValue { () -> (thread: UInt, answer: Int) in
            usleep(50_000)  // long enough that `value` is read before it is set
            return (UInt(bitPattern: Int(pthread_self())), 6 * 7)
        }
        let result = value.value
        #expect(result.answer == 42)
        #expect(result.thread != caller)
        // Read again: the same value, no second computation.
        #expect(value.value.answer == 42 && value.value.thread == result.thread)
    }

    @Test("many readers on many threads all get the one value")
    func manyReaders() {
        let value = BackgroundValue { () -> [Int] in
            usleep(20_000)
            return Array(0 ..< 1000)
        }
        let sums = UnsafeMutableBufferPointer<Int>.allocate(capacity: 8)
        sums.initialize(repeating: 0)
        defer { sums.deallocate() }
        let target = UncheckedSendable(sums)
        ParallelWork.forEachSlice(count: 8, workBytes: 1 << 30) { range in
            for i in range { target.value[i] = value.value.reduce(0, +) }
        }
        #expect(Array(sums) == Array(repeating: 499_500, count: 8))
    }
}
