import CheckpointIO
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// A `.zst` frame that declares no size reserves the decompression cap (8 GiB of address space
/// by default). Under a process limit that refuses it, halves of the cap are tried: such a file
/// failed under `ulimit -v 4000000` however small it was (black-box fuzz round, 2026-12-05).
@Suite struct ZstdReservationTests {
    /// `printf '\x02\0\0\0\0\0\0\0{}' | zstd -c`: a 10-byte safetensors file (no tensors) in one
    /// frame without a content size (frame header descriptor 0x04: checksum only), as `zstd`
    /// writes when it compresses a pipe.
    static let undeclared: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD, 0x04, 0x58, 0x51, 0x00, 0x00, 0x02, 0x00, 0x00,
                                      0x00, 0x00, 0x00, 0x00, 0x00, 0x7B, 0x7D, 0x72, 0x17, 0xA8, 0x39]

    /// The process's address space now, in bytes (`VmSize`).
    static func addressSpace() -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmSize:") }),
              let kilobytes = UInt64(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kilobytes * 1024
    }

    @Test("under an address-space limit below the 8 GiB cap, a frame without a declared size still opens")
    func opensUnderLimit() async throws {
        let path = try Fixtures.temporaryFile(Self.undeclared, name: "nofcs.safetensors.zst")
        await #expect(processExitsWith: .success) { [path = path as String] in
            // 6 GiB above what the process holds: the 8 GiB reservation fails, 4 GiB fits.
            guard let used = ZstdReservationTests.addressSpace() else { exit(3) }
            var limit = rlimit(rlim_cur: rlim_t(used + (6 << 30)), rlim_max: rlim_t(used + (6 << 30)))
            guard setrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0 else { exit(4) }
            guard let checkpoint = try? Checkpoint.open(path: path) else { exit(1) }
            exit(checkpoint.tensors.isEmpty && checkpoint.source.decompressedBytes == 10 ? 0 : 2)
        }
    }
}
#endif
