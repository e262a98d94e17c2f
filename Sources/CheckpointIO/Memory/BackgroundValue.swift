/// A value computed on a thread of its own while the caller goes on; `value` waits for it.
///
/// Why: an audit reads the model's tokenizer and config (`CheckpointKnowledge`) on one core,
/// 20–25 ms for the 30,522 tokens of all-MiniLM-L6-v2, while the other core sat idle before
/// the scan could start. The scan needs that knowledge only to name the rows of token matrices
/// once they are read, so the read now runs beside the scan, and the few places that use it
/// wait here. The thread is not a Dispatch worker (`startDetachedThread`): the workers are the
/// scan's, and a worker waiting for a value its own pool must compute could wait forever.
package final class BackgroundValue<Value: Sendable>: @unchecked Sendable {
    private let lock = ThreadLock()
    /// Written once, under `lock`.
    private var result: Value?

    /// Starts computing `body()`; when no thread can be created, computes it here and now.
    package init(_ body: @escaping @Sendable () -> Value) {
        let started = startDetachedThread { [self] in
            let computed = body()
            lock.withLock {
                result = computed
                lock.broadcast()
            }
        }
        if !started { result = body() }
    }

    /// The value, once computed (waits until then).
    package var value: Value {
        lock.withLock {
            while true {
                if let result { return result }
                lock.wait()
            }
        }
    }
}
