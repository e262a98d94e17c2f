import CheckpointIO
import TensorScan

extension TieAnalysis {
    /// The prefix sieve: tensors of one byte size grouped by their first bytes, before any
    /// tensor is read in full.
    ///
    /// Why: a tensor can only equal one of the same size and the same first 4 KiB, which in
    /// real checkpoints leaves only the true copies (an embedding and its tied output
    /// projection, repeated buffers) as candidates. Each candidate (a "follower") is then
    /// compared with the first of its class (the "leader") during the one scan, piece by piece
    /// while both are in cache (`RowScan.Job.comparingBytes(withJob:)`), instead of a second
    /// `memcmp` pass over both copies after the scan: on a 1 GB F32 checkpoint with a tied
    /// embedding that pass was 40% of the audit and mapped both copies at once.
    public struct Twins: Sendable {
        /// Classes of two or more tensors (indices into the checkpoint's tensors, ascending) with
        /// the same byte size and the same prefix, stored in different places (of views of one
        /// stored buffer, only the first is a member); the first member is the class's leader.
        public let classes: [[Int]]
        /// The leader of every member of a class but its first, among tensors longer than the
        /// prefix (shorter ones are settled by the sieve itself).
        public let leaders: [Int: Int]
        /// Every member of a class: the only tensors that can equal bytes stored elsewhere.
        public let candidates: Set<Int>

        /// Sieves the non-empty tensors of `views` by size and prefix.
        public init(_ views: [TensorView]) {
            var classes: [[Int]] = []
            for bucket in TieAnalysis.sizeBuckets(views) {
                // Views of the very bytes of an earlier one are one buffer, which `analyze` counts
                // once: they are neither sieved nor compared (65,536 names of one torch storage
                // were 65,536 prefix reads, and each name's rows were compared with the first's).
                let all = bucket.sorted()
                let repeated = TensorView.earlierReadings(views, among: all) { _ in true }
                let sorted = repeated.isEmpty ? all : all.filter { repeated[$0] == nil }
                guard sorted.count > 1 else { continue }
                classes += TensorView.samePrefixClasses(views, at: sorted).map { $0.map { sorted[$0] } }
            }
            classes.sort { $0[0] < $1[0] }
            var leaders: [Int: Int] = [:]
            for members in classes where views[members[0]].info.byteCount > UInt64(TensorView.sievePrefixBytes) {
                for follower in members.dropFirst() { leaders[follower] = members[0] }
            }
            self.classes = classes
            self.leaders = leaders
            candidates = Set(classes.joined())
        }
    }
}
