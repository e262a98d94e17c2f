#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the walk of a pickle's objects on a thread whose stack fits its nesting limit.
///
/// Why: the walk recurses once per level of nesting, and a dict level takes ~9 KB of stack in
/// the release build, so 942 nested dicts — within `PickleLimits.maxNestingDepth` (1,000), and a
/// 9.5 KB file torch.load reads — overflowed the main thread's 8 MiB and the process died with
/// SIGSEGV, every command, no report written (adversarial review, 2026-12-05); a Dispatch
/// worker's 512 KiB would have died near 57 levels. A stack reserved for the walk, 64 MiB, holds
/// the limit seven times over; its pages are committed only as they are touched.
enum LargeStack {
    static let stackBytes = 64 << 20

    /// The thread's entry, the one C function pthread calls: it runs the job it is given.
    private final class Job: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// `body`'s result, computed on a new thread with a `stackBytes` stack that this thread
    /// waits for; on this thread when no such thread can be made (then the old limit applies).
    static func run<T>(_ body: () -> T) -> T {
        var result: T?
        withoutActuallyEscaping(body) { body in
            let job = Job { result = body() }
            var attributes = pthread_attr_t()
            var thread = pthread_t()
            guard pthread_attr_init(&attributes) == 0 else { job.run(); return }
            defer { pthread_attr_destroy(&attributes) }
            let context = Unmanaged.passRetained(job).toOpaque()
            guard pthread_attr_setstacksize(&attributes, stackBytes) == 0,
                  pthread_create(&thread, &attributes, { raw in
                      guard let raw else { return nil }
                      Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().run()
                      return nil
                  }, context) == 0 else {
                Unmanaged<Job>.fromOpaque(context).release()
                job.run()
                return
            }
            pthread_join(thread, nil)
        }
        // The job ran on the new thread or here, so `result` is set; the inline call only keeps
        // this free of a trap.
        if let result { return result }
        return body()
    }
}
