#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutual-exclusion lock and condition variable over POSIX threads, in place of Foundation's
/// `NSLock` and `NSCondition`.
///
/// Why not Foundation: linking it statically made every run of the command-line tool pay for
/// it. The Swift runtime resolves a protocol conformance by scanning every conformance record
/// in the binary (swift-argument-parser's start-up does many such lookups), and Foundation's
/// internationalisation layer and ICU brought a third of the records and 50 MB of the binary
/// (README "Architecture" has the measurements). The libraries need nothing more of it than a
/// lock, a condition and a thread.
package final class ThreadLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    package init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }

    package func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Releases the lock until `broadcast()` (or a spurious wake-up), then holds it again; the
    /// caller holds the lock and re-checks its condition in a loop.
    package func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes every thread in `wait()`; call it holding the lock.
    package func broadcast() { pthread_cond_broadcast(condition) }
}

/// Runs `body` on a new detached thread of its own (not a Dispatch worker: the fill it runs
/// for `MappedFile(streamingLength:)` lasts as long as the decompression, and the Dispatch
/// workers are the cores' scan threads). Returns false when the thread cannot be created.
package func startDetachedThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Box { let body: @Sendable () -> Void; init(_ body: @escaping @Sendable () -> Void) { self.body = body } }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let started = pthread_create(&thread, nil, { raw in
        guard let raw else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
        box.body()
        return nil
    }, context)
    guard started == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    return true
}
