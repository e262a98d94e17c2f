import CGlibcExtras

/// The kernel's pseudo-file systems, whose regular files report a size of 0 bytes and make their
/// contents when read (`/proc/self/status`, `/sys/…`).
///
/// Why: such a file passes the regular-file check, maps as 0 bytes and was then reported as an
/// empty file ("file is 0 bytes, too small for the 8-byte header length"; as `--policy`, "empty
/// document"), which it is not (review of 2026-12-07); a sysfs file reports 4096 bytes and failed
/// with "cannot mmap: No such device" (hunt-59c P8). Every such file is refused by its file
/// system, and nothing is read from it: some (`/proc/kmsg`) block on read.
enum PseudoFileSystem {
    /// `statfs` magic numbers (linux/magic.h) and the names they are given in messages.
    static let names: [Int: String] = [
        0x9FA0: "proc", 0x6265_6572: "sysfs", 0x6462_6720: "debugfs", 0x7472_6163: "tracefs",
        0x7363_6673: "securityfs", 0x6265_6570: "configfs", 0x6367_7270: "cgroup2", 0x0027_E0EB: "cgroup",
        0xDE5E_81E4: "efivarfs", 0x6165_676C: "pstore", 0xCAFE_4A11: "bpf",
    ]

    /// The name of the pseudo-file system the open descriptor `fd` lies on, or nil (a real file
    /// system, or `fstatfs` failed).
    static func name(of fd: Int32) -> String? {
        let type = cglibc_file_system_type(fd)
        return type < 0 ? nil : names[Int(type)]
    }
}
