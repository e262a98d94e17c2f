import CGlibcExtras
#if canImport(Glibc)
import Glibc
#endif

/// How many cores the scan may keep busy: the CPUs of this process's affinity mask, capped by
/// the CPU quota of its control group (a container's `--cpus`), rounded up.
///
/// Why not Foundation's `ProcessInfo.activeProcessorCount`: on Linux it reads the cgroup files
/// through `URL` and `Data`, 0.27–0.33 ms of every run's serial start before the command line
/// was parsed (timestamps around it in a release build, 6 runs of `audit` on the BF16 bench
/// file; the whole start to the first open is ~2.7 ms); and it counts only cgroup v1's quota or
/// the first range of its cpuset, so it missed a `taskset` mask and cgroup v2's `cpu.max`,
/// where current container runtimes put the quota: a 2-CPU container on a 64-core host got
/// 64 workers.
package enum ProcessorCount {
    /// The count for this process (at least 1), read once by `ParallelWork.cores`.
    package static func available() -> Int {
        var count = Int(cglibc_affinity_processors())
        if count < 1 { count = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
        if let limit = quotaLimit() { count = min(count, limit) }
        return count
    }

    /// The control group's quota in whole CPUs: cgroup v2's `cpu.max`, else v1's
    /// `cpu.cfs_quota_us` over `cpu.cfs_period_us`, at the paths a container sees as its own
    /// (the same files swift-nio and Foundation read); nil when there is none.
    static func quotaLimit() -> Int? {
        if let cpuMax = firstLine(of: "/sys/fs/cgroup/cpu.max") { return limit(cpuMax: cpuMax) }
        guard let quota = firstLine(of: "/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
              let period = firstLine(of: "/sys/fs/cgroup/cpu/cpu.cfs_period_us") else { return nil }
        return limit(quota: quota, period: period)
    }

    /// cgroup v2's `cpu.max`: "QUOTA PERIOD" in microseconds, or "max PERIOD" for none.
    package static func limit(cpuMax: String) -> Int? {
        let fields = cpuMax.split(separator: " ")
        guard fields.count == 2 else { return nil }
        return limit(quota: String(fields[0]), period: String(fields[1]))
    }

    /// Whole CPUs for a quota per period, rounded up (1.5 CPUs keep two threads busy part of
    /// the time); nil for no quota ("max", v1's −1) or text that is no positive count.
    package static func limit(quota: String, period: String) -> Int? {
        guard let quota = Int(quota), quota > 0, let period = Int(period), period > 0 else { return nil }
        return quota / period + (quota % period == 0 ? 0 : 1)
    }

    /// The first line of a small system file, nil when it cannot be read.
    private static func firstLine(of path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
    }
}
