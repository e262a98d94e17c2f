import CheckpointIO
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

#if os(Linux)
/// `HugePageMemory`: large buffers in mappings of their own, 2 MiB-aligned, exactly their
/// (page-rounded) size, eligible for huge pages where the system's THP mode allows. Seen through the kernel's own account in /proc/self/smaps.
@Suite struct HugePageMemoryTests {
    /// The smaps block of the mapping starting at `address`, or nil when none starts there.
    static func mapping(at address: UInt) -> [String: Int]? {
        guard let text = procText("/proc/self/smaps") else { return nil }
        var fields: [String: Int]?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = parts.first, range.contains("-"), !range.hasSuffix(":") {
                if fields != nil { return fields }
                let bounds = range.split(separator: "-")
                if bounds.count == 2, let start = UInt(bounds[0], radix: 16), start == address { fields = [:] }
                continue
            }
            if fields != nil, parts.count >= 2, let value = Int(parts[1]) {
                fields?[String(parts[0].dropLast())] = value
            }
        }
        return fields
    }

    /// A kernel file's text, read to its end (Foundation's readers stop after the first chunk
    /// of a file whose size `stat` reports as 0).
    static func procText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard got > 0 else { break }
            bytes += chunk[0..<got]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// THP on in the system (`always` or `madvise`) and not switched off for this process
    /// (`PR_SET_THP_DISABLE`, which some container runtimes set: `THP_enabled: 0`).
    static var transparentHugePagesAllowed: Bool {
        let mode = procText("/sys/kernel/mm/transparent_hugepage/enabled")
        let status = procText("/proc/self/status") ?? ""
        return (mode.map { !$0.contains("[never]") } ?? false) && !status.contains("THP_enabled:\t0")
    }

    @Test("a 3 MiB buffer: 2 MiB-aligned, a mapping of exactly 3 MiB, every byte kept, gone when freed")
    func largeBuffer() throws {
        let bytes = 3 << 20
        let pointer = try #require(HugePageMemory.map(bytes: bytes))
        let address = UInt(bitPattern: pointer)
        #expect(address % UInt(2 << 20) == 0)
        let words = pointer.bindMemory(to: UInt64.self, capacity: bytes / 8)
        for i in 0..<(bytes / 8) { words[i] = UInt64(i) &* 0x9E37_79B9_7F4A_7C15 }
        var mismatches = 0
        for i in 0..<(bytes / 8) where words[i] != UInt64(i) &* 0x9E37_79B9_7F4A_7C15 { mismatches += 1 }
        #expect(mismatches == 0)
        let fields = try #require(Self.mapping(at: address))
        #expect(fields["Size"] == 3072)  // kB: the slack taken to align it was unmapped
        #expect(fields["Rss"] == 3072)
        if Self.transparentHugePagesAllowed {
            // Eligible for huge pages (in THP's `madvise` mode only because of `MADV_HUGEPAGE`).
            // Whether the kernel found a free huge page is best-effort, so `AnonHugePages` (2048
            // kB here when it did) is not asserted.
            #expect(fields["THPeligible"] == 1)
        }
        HugePageMemory.unmap(pointer, bytes: bytes)
        #expect(Self.mapping(at: address) == nil)
    }

    @Test("a size not a multiple of the page rounds up; no mapping of 0 bytes or of more than half the address space")
    func otherSizes() throws {
        let odd = HugePageMemory.threshold + 100
        let pointer = try #require(HugePageMemory.map(bytes: odd))
        let fields = try #require(Self.mapping(at: UInt(bitPattern: pointer)))
        #expect(fields["Size"] == (HugePageMemory.threshold + 4096) / 1024)
        pointer.storeBytes(of: 7, toByteOffset: odd - 1, as: UInt8.self)
        HugePageMemory.unmap(pointer, bytes: odd)

        #expect(HugePageMemory.map(bytes: 0) == nil)
        #expect(HugePageMemory.map(bytes: Int.max / 2 + 1) == nil)
        #expect(HugePageMemory.map(bytes: Int.max) == nil)
    }
}
#endif
