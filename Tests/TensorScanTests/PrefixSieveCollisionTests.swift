import Foundation
import Testing
@testable import CheckpointIO
@testable import TensorScan
import TestSupport

/// Prefixes that collide in `ByteHash` on purpose. The hash adds one term per 64-byte stripe,
/// every stripe with the same key, so the stripes of a prefix in any order hash alike. The sieve
/// compared each such prefix with the leader of every earlier class of its hash: 4,000 tensors
/// of 4 KiB took `ties` and `audit` 5 s of CPU and 27–31 s of wall time (a `pread` of the leader
/// per comparison), 20,000 would take minutes.
@Suite struct PrefixSieveCollisionTests {
    /// 4 KiB of 64 stripes: stripe s is 63 zero bytes and the byte s; stripes 0…53 in order,
    /// then stripes 54…63 in permutation `index` (a long common prefix, so every comparison
    /// runs far).
    static func prefix(_ index: Int) -> [UInt8] {
        let order = Array(0 ..< 54) + Permutations.numbered(index, of: 10).map { $0 + 54 }
        return order.flatMap { [UInt8](repeating: 0, count: 63) + [UInt8($0)] }
    }

    /// `n` distinct 4 KiB tensors of colliding prefixes, then copies of tensors 0 and 1.
    static func views(_ n: Int) throws -> [TensorView] {
        var entries = (0 ..< n).map { SafetensorsWriter.Entry(name: "x\($0)", dtype: .u8, shape: [4096], bytes: prefix($0)) }
        entries += [SafetensorsWriter.Entry(name: "copy0", dtype: .u8, shape: [4096], bytes: prefix(0)),
                    SafetensorsWriter.Entry(name: "copy1", dtype: .u8, shape: [4096], bytes: prefix(1))]
        let path = try Fixtures.temporaryFile(SafetensorsWriter(entries: entries).serialize(), name: "stripes-\(n).safetensors")
        return try Checkpoint.open(path: path).tensors
    }

    @Test("the premise: stripe-permuted prefixes differ and hash alike")
    func collide() {
        let a = Self.prefix(0), b = Self.prefix(12345)
        #expect(a != b)
        let ha = a.withUnsafeBytes { ByteHash.hash($0.baseAddress, $0.count) }
        let hb = b.withUnsafeBytes { ByteHash.hash($0.baseAddress, $0.count) }
        #expect(ha == hb)
    }

    @Test("colliding prefixes: exact classes, in time linear in the count")
    func linear() throws {
        let small = try Self.views(500), large = try Self.views(2000)
        // By name: copy0 with x0, copy1 with x1, nothing else.
        let classes = TensorView.samePrefixClasses(large).map { $0.map { large[$0].name } }
        #expect(classes == [["x0", "copy0"], ["x1", "copy1"]], "\(classes)")
        let ratio = LinearTime.ratio(500) { n in _ = TensorView.samePrefixClasses(n == 500 ? small : large) }
        #expect(ratio < LinearTime.bound, "4x the colliding prefixes took \(ratio)x the time")
    }
}
