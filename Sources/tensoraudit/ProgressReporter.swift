import CheckpointIO
import SafetensorsFormat
#if canImport(Glibc)
import Glibc
#endif

/// Bytes-done / total and rate on stderr, redrawn in place at most ten times a second, and
/// only when stderr is a terminal: CI logs and pipes stay silent.
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let total: UInt64
    private let start = ProgressReporter.seconds()
    private let lock = ThreadLock()
    private var done: UInt64 = 0
    private var lastDraw = -Double.infinity
    private var drew = false

    init(label: String, total: UInt64) {
        self.label = label
        self.total = total
    }

    /// A reporter when stderr is a terminal, otherwise `nil` (callers pass `nil` handlers on).
    static func ifInteractive(label: String, total: UInt64) -> ProgressReporter? {
        Terminal.progressEnabled ? ProgressReporter(label: label, total: total) : nil
    }

    /// Adds `bytes` to the count; safe to call from several threads.
    func advance(by bytes: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        done += bytes
        let now = Self.seconds()
        guard now - lastDraw >= 0.1 else { return }
        lastDraw = now
        let seconds = max(now - start, 1e-3)
        let rate = Double(done) / seconds / 1e9
        let percent = total == 0 ? 100 : Double(done) / Double(total) * 100
        draw("\r\(label): \(TextFormatting.bytes(done)) / \(TextFormatting.bytes(total)) "
            + "(\(TextFormatting.fixed(percent, digits: 0))%), \(TextFormatting.fixed(rate, digits: 2)) GB/s\u{1B}[K")
        drew = true
    }

    /// Erases the progress line.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drew { draw("\r\u{1B}[K") }
    }

    /// Seconds on the monotonic clock (progress rates must not jump with the wall clock).
    private static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    private func draw(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
