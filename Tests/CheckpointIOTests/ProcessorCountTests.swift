import CheckpointIO
import Foundation
import Testing

/// `ProcessorCount`: the quota arithmetic by hand, and the live count against the kernel's own
/// listing of the affinity mask in `/proc/self/status`.
@Suite struct ProcessorCountTests {
    @Test("cgroup v2 cpu.max: no quota, whole CPUs, a fraction rounded up, malformed text")
    func cpuMax() {
        #expect(ProcessorCount.limit(cpuMax: "max 100000") == nil)
        #expect(ProcessorCount.limit(cpuMax: "200000 100000") == 2)
        #expect(ProcessorCount.limit(cpuMax: "150000 100000") == 2)
        #expect(ProcessorCount.limit(cpuMax: "50000 100000") == 1)
        #expect(ProcessorCount.limit(cpuMax: "100000") == nil)
        #expect(ProcessorCount.limit(cpuMax: "0 100000") == nil)
        #expect(ProcessorCount.limit(cpuMax: "200000 0") == nil)
    }

    @Test("cgroup v1 quota and period: −1 is no quota")
    func cfsQuota() {
        #expect(ProcessorCount.limit(quota: "-1", period: "100000") == nil)
        #expect(ProcessorCount.limit(quota: "400000", period: "100000") == 4)
        #expect(ProcessorCount.limit(quota: "1", period: "100000") == 1)
        #expect(ProcessorCount.limit(quota: "x", period: "100000") == nil)
    }

    #if os(Linux)
    /// CPUs listed in `Cpus_allowed_list` ("0-3,8,10-11").
    static func allowedByKernel() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Cpus_allowed_list:") })
        let list = line.dropFirst("Cpus_allowed_list:".count).trimmingCharacters(in: .whitespaces)
        return try list.split(separator: ",").reduce(0) { total, range in
            let ends = range.split(separator: "-").compactMap { Int($0) }
            let first = try #require(ends.first), last = try #require(ends.last)
            return total + last - first + 1
        }
    }

    /// Whether a cgroup quota applies here (then the count may be lower than the mask's).
    static func quotaFiles() -> Bool {
        let v2 = (try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8)).map { !$0.hasPrefix("max") }
        let v1 = (try? String(contentsOfFile: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us", encoding: .utf8))
            .map { !$0.hasPrefix("-1") }
        return v2 ?? v1 ?? false
    }

    @Test("the live count is the affinity mask's CPUs, or fewer under a quota")
    func live() throws {
        let allowed = try Self.allowedByKernel()
        let count = ProcessorCount.available()
        #expect(count >= 1)
        #expect(count <= allowed)
        if !Self.quotaFiles() { #expect(count == allowed) }
    }
    #endif
}
