import CheckpointIO

/// Two running sums per pair that `diff` must form in one fixed order — ‖a‖² over A's values
/// in element order, ‖a − b‖² over the rows in row order — fed by work items that the cores
/// finish out of order.
///
/// Why an ordered chain and not per-item partial sums: the quantized comparison has always
/// summed these two strictly in sequence (one rounding after each value), and reports must stay
/// byte-identical; a sum of per-item partial sums rounds differently. So each item leaves its
/// terms (A's squares, its rows' squared differences) in a buffer, and whichever core finds the
/// next item in order ready adds its terms to the chain; a core that finishes ahead parks its
/// buffer. The chain is one dependent addition per value (~0.8 ns), so it bounds the run: see
/// README "diff".
///
/// Memory: at most `maxParked` buffers wait (a core about to take an item waits while that
/// many are parked), plus one per core in use.
final class OrderedSums: @unchecked Sendable {
    /// One item's terms, in order.
    struct Segment {
        var pair: Int
        /// A's squared values (0 for non-finite ones: adding +0 leaves a sum of squares as it is).
        var squares: UnsafeMutablePointer<Double>
        var count: Int
        /// Each row's ‖a_row − b_row‖².
        var rowSquares: [Double]
    }

    static let maxParked = 4

    private let lock = ThreadLock()
    /// The most terms an item holds.
    let capacity: Int
    /// The item whose terms are added next.
    private var next = 0
    private var busy = false
    private var parked: [Int: Segment] = [:]
    private var spare: [UnsafeMutablePointer<Double>] = []
    private var allocated: [UnsafeMutablePointer<Double>] = []
    /// Per pair: Σ a² and Σ ‖a_row − b_row‖², written only by the core holding `busy`.
    private var reference: [Double]
    private var squares: [Double]

    /// `capacity`: the most terms an item holds.
    init(pairs: Int, capacity: Int) {
        self.capacity = max(1, capacity)
        reference = Array(repeating: 0, count: pairs)
        squares = Array(repeating: 0, count: pairs)
    }

    deinit {
        for buffer in allocated { buffer.deallocate() }
    }

    /// A buffer for one item's terms; waits while `maxParked` items wait for the chain.
    func buffer() -> UnsafeMutablePointer<Double> {
        lock.withLock {
            while parked.count >= Self.maxParked { lock.wait() }
            if let buffer = spare.popLast() { return buffer }
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
            allocated.append(buffer)
            return buffer
        }
    }

    /// Returns a buffer `buffer()` gave that holds no item's terms.
    func recycle(_ buffer: UnsafeMutablePointer<Double>) {
        lock.withLock {
            spare.append(buffer)
            lock.broadcast()
        }
    }

    /// Hands over item `index`'s terms (items are numbered 0, 1, … in chain order, every number
    /// delivered once); adds them and every parked item that follows when the chain is free.
    func deliver(_ index: Int, _ segment: Segment) {
        lock.lock()
        parked[index] = segment
        guard !busy, var current = parked.removeValue(forKey: next) else {
            lock.unlock()
            return
        }
        busy = true
        lock.unlock()
        while true {
            var sum = reference[current.pair]
            for i in 0 ..< current.count { sum += current.squares[i] }
            reference[current.pair] = sum
            var rows = squares[current.pair]
            for s in current.rowSquares { rows += s }
            squares[current.pair] = rows
            lock.lock()
            spare.append(current.squares)
            next += 1
            lock.broadcast()
            if let following = parked.removeValue(forKey: next) {
                current = following
                lock.unlock()
                continue
            }
            busy = false
            lock.unlock()
            return
        }
    }

    /// Pair `pair`'s sums once every item is delivered.
    func totals(_ pair: Int) -> (reference: Double, squares: Double) {
        lock.withLock { (reference[pair], squares[pair]) }
    }
}
