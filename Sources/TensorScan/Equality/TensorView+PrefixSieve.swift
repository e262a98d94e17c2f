import CheckpointIO

extension TensorView {
    /// Bytes at the start of a tensor that `samePrefixClasses` compares.
    public static let sievePrefixBytes = 4096

    /// Positions in `views` grouped by equal leading bytes (the first `sievePrefixBytes`, or the
    /// whole tensor when shorter): classes of two or more, each in input order, ordered by
    /// their first member. Meant for tensors of one byte size, as a sieve before comparing
    /// whole tensors: tensors with different prefixes cannot be equal, and tensors no longer
    /// than the prefix are equal exactly when they share a class.
    ///
    /// Reads at most a prefix per tensor and one per comparison (`SievePrefixReader` says how);
    /// linear in the count (prefixes are hashed, and a prefix is compared only with the first
    /// member of each class of the same hash).
    public static func samePrefixClasses(_ views: [TensorView]) -> [[Int]] {
        samePrefixClasses(views, at: Array(views.indices))
    }

    /// `samePrefixClasses` of the tensors `views[positions[k]]`: positions in `positions`.
    /// Why: the sieve of a checkpoint whose 50,000 tensors share one size copied the whole
    /// view table (5 MB) to pass the bucket in.
    public static func samePrefixClasses(_ views: [TensorView], at positions: [Int]) -> [[Int]] {
        var reader = SievePrefixReader(views, at: positions)
        defer { reader.finish() }
        return samePrefixClasses(views, at: positions, reader: &reader)
    }

    /// `samePrefixClasses` reading through `reader`, which tests inspect afterwards (how many
    /// prefixes were copied, read through the mapping, and how many releases that took).
    static func samePrefixClasses(_ views: [TensorView], at positions: [Int],
                                  reader: inout SievePrefixReader) -> [[Int]] {
        var classes: [[Int]] = []
        var byHash: [UInt64: [Int]] = [:]  // hash → indices into `classes`
        for (i, position) in positions.enumerated() {
            let view = views[position]
            let prefix = reader.prefix(ofPosition: i, view)
            let key = ByteHash.hash(prefix.baseAddress, prefix.count)
            let candidates = byHash[key, default: []]
            if let found = candidates.first(where: { c in
                let leader = views[positions[classes[c][0]]]
                guard min(Int(leader.info.byteCount), sievePrefixBytes) == prefix.count else { return false }
                return memcmpEqual(prefix, reader.prefix(ofLeader: leader))
            }) {
                classes[found].append(i)
            } else {
                byHash[key, default: []].append(classes.count)
                classes.append([i])
            }
        }
        return classes.filter { $0.count > 1 }
    }
}
