import Dispatch

/// Commits the pages of a buffer that is being written, on another core, a bounded distance
/// ahead of the writer.
///
/// Why: decompressing a `.zst` checkpoint writes every byte into fresh anonymous memory, and
/// the kernel zero-fills each page on its first write. Measured on the development VM, that
/// zeroing took as long as the decoding itself, on the decoding core. Prefaulting the pages
/// just ahead of the writer with `MADV_POPULATE_WRITE` on the second core lets the decoder find
/// them ready. Page contents are never touched by the prefault, so the race between the two is
/// harmless. The distance ahead is bounded (`window`): the target length comes from a declared,
/// untrusted size, and memory is committed only where the writer is about to arrive.
final class BackgroundPrefault: @unchecked Sendable {
    /// Bytes committed per step.
    static let step = 16 << 20
    /// Most bytes committed beyond what the writer has written.
    static let window = 64 << 20

    /// The writer's progress; finishing it stops the prefault.
    private let writer = FillProgress()
    private let done = DispatchGroup()

    /// Starts committing `buffer[0..<length]` (clamped) when there is a second core; otherwise
    /// does nothing.
    init(_ buffer: UnsafeMutableRawBufferPointer, length: Int) {
        let count = min(max(0, length), buffer.count)
        guard count > 0, ParallelWork.cores > 1, let base = buffer.baseAddress else { return }
        let target = UncheckedSendable(base)
        DispatchQueue.global().async(group: done) { [writer] in
            var offset = 0
            // Stay within `window` of the writer; stop once `stop()` finished the progress.
            while offset < count, writer.wait(through: offset + 1 - Self.window), !writer.isFinished {
                let n = min(Self.step, count - offset)
                guard MappedFile.populateWritable(target.value + offset, length: n) else { return }
                offset += n
            }
        }
    }

    /// The writer has written the first `count` bytes.
    func writerReached(_ count: Int) {
        writer.advance(to: count)
    }

    /// Stops and waits for the background work; call before the buffer can be unmapped.
    func stop() {
        writer.finish(nil)
        done.wait()
    }
}
