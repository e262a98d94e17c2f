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
    /// linear in the count, also when prefixes collide on purpose (a prefix is compared with the
    /// first class of its hash only; the others of that hash are found by their bytes).
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
        var byHash: [UInt64: Int] = [:]  // hash → index into `classes` of its first class
        // Prefixes whose hash is an earlier class's but whose bytes are not, keyed by their bytes
        // (Swift's hash, seeded per process): such a prefix costs one comparison, one copy and
        // one lookup. Why: `ByteHash` adds one term per 64-byte stripe, every stripe with the
        // same key, so a prefix's stripes in any order hash alike; comparing such a prefix with
        // the leader of every earlier class of its hash was quadratic (4,000 tensors of 4 KiB:
        // 5 s of CPU, 27 s of wall time, a `pread` of a leader per comparison).
        var byBytes: [[UInt8]: Int] = [:]
        for (i, position) in positions.enumerated() {
            let view = views[position]
            let prefix = reader.prefix(ofPosition: i, view)
            let key = ByteHash.hash(prefix.baseAddress, prefix.count)
            guard let first = byHash[key] else {
                byHash[key] = classes.count
                classes.append([i])
                continue
            }
            let leader = views[positions[classes[first][0]]]
            if min(Int(leader.info.byteCount), sievePrefixBytes) == prefix.count,
               memcmpEqual(prefix, reader.prefix(ofLeader: leader)) {
                classes[first].append(i)
            } else {
                let bytes = Array(prefix)
                if let found = byBytes[bytes] {
                    classes[found].append(i)
                } else {
                    byBytes[bytes] = classes.count
                    classes.append([i])
                }
            }
        }
        return classes.filter { $0.count > 1 }
    }
}
