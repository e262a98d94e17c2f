/// How far another thread has written a mapping, and how the writing ended.
///
/// Why: `audit` of a `.zst` checkpoint reads each tensor as soon as its bytes are decoded
/// (`Checkpoint.open(path:limits:overlappingDecompression:)`), so the analysis runs on the
/// second core while the first one decompresses, instead of after it. Readers wait here for the
/// bytes they need; the writer reports progress and, once, its outcome. `BackgroundPrefault`
/// follows the writer the same way.
final class FillProgress: @unchecked Sendable {
    private let condition = ThreadLock()
    private var filled = 0
    private var finished = false
    private var failure: CheckpointError?

    /// The writer has produced the first `count` bytes.
    func advance(to count: Int) {
        condition.lock()
        if count > filled {
            filled = count
            condition.broadcast()
        }
        condition.unlock()
    }

    /// The writer stopped, with `error` when it failed; every waiter is released.
    func finish(_ error: CheckpointError?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the writer stopped.
    var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    /// Waits until the first `count` bytes are written or the writer stopped; true when they
    /// are written. After a failure, the bytes past what was written read as zeros.
    @discardableResult
    func wait(through count: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while filled < count && !finished { condition.wait() }
        return filled >= count
    }

    /// Waits for the writer to stop and rethrows its failure.
    func waitUntilFinished() throws(CheckpointError) {
        condition.lock()
        while !finished { condition.wait() }
        let error = failure
        condition.unlock()
        if let error { throw error }
    }
}

/// A mapping's fill that runs once, on the thread of its first reader; readers on other threads
/// wait for it to finish (`MappedFile.init(deferredLength:label:fill:)`).
final class DeferredFill: @unchecked Sendable {
    private let lock = ThreadLock()
    private let buffer: UnsafeMutableRawBufferPointer
    /// The fill, until it has run.
    private var pending: (@Sendable (UnsafeMutableRawBufferPointer) -> Void)?

    init(_ buffer: UnsafeMutableRawBufferPointer, fill: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) {
        self.buffer = buffer
        pending = fill
    }

    /// Whether the fill has not started.
    var isPending: Bool {
        lock.lock()
        defer { lock.unlock() }
        return pending != nil
    }

    /// Runs the fill if it has not run; returns once the bytes are written.
    func runOnce() {
        lock.lock()
        defer { lock.unlock() }
        guard let fill = pending else { return }
        pending = nil
        fill(buffer)
    }
}
