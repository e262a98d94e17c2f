import CFaultRegistry
@testable import CheckpointIO
import Foundation
import SafetensorsFormat
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The SIGBUS handler's table of mapped files (`FaultRegistration`): a file's range is in it
/// exactly while the file is mapped, lookups by concurrent threads see whole entries, and a full
/// table falls back to the generic message. Fake ranges lie in the first megabyte of the address
/// space, where no file is ever mapped, so they cannot shadow the real mappings of other tests.
@Suite struct FaultRegistrationTests {
    @Test("a mapped file's range is recorded with the message naming it, and forgotten once unmapped")
    func recordedWhileMapped() throws {
        let path = try Fixtures.temporaryFile(FaultGuardTests.fileBytes(), name: "recorded.safetensors")
        let expected = "tensoraudit: error: \(path): the file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n"
        var mapping: MappedFile? = try MappedFile(path: path)
        let start = UInt(bitPattern: mapping?.bytes.baseAddress)
        let size = UInt(mapping?.size ?? 0)
        #expect(start != 0 && size > 4096)
        for offset in [0, 1, size / 2, size - 1] {
            #expect(FaultRegistration.message(at: start + offset) == expected, "offset \(offset)")
        }
        #expect(FaultRegistration.message(at: start + size) != expected)
        mapping = nil
        // Another test's file may be mapped there by now, but not this one.
        #expect(FaultRegistration.message(at: start) != expected)
    }

    @Test("an anonymous mapping (decompressed bytes) is not recorded")
    func anonymousNotRecorded() throws {
        let mapping = try MappedFile(anonymousCapacity: 8192, label: "<decompressed>") { buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 1)
            return buffer.count
        }
        let start = UInt(bitPattern: mapping.bytes.baseAddress)
        #expect(start != 0)
        #expect(FaultRegistration.message(at: start)?.contains("<decompressed>") != true)
    }

    @Test("threads adding, looking up and removing at once each find their own entry, whole")
    func concurrentThreads() async {
        let found = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var right = 0
                    for round in 0..<2_000 {
                        let address = UInt(4096 + (task * 2_000 + round) * 64)
                        let message = "task \(task) round \(round)\n"
                        guard let entry = FaultRegistration(address: address, length: 64, message: message) else { continue }
                        if FaultRegistration.message(at: address + 63) == message && FaultRegistration.message(at: address) == message {
                            right += 1
                        }
                        entry.remove()
                        if FaultRegistration.message(at: address) == message { right -= 1_000_000 }
                    }
                    return right
                }
            }
            return await group.reduce(0, +)
        }
        #expect(found == 8_000)
    }

    @Test("with the table full, a file mapped next is not recorded and its fault gets the generic message")
    func fullTable() async throws {
        let path = try Fixtures.temporaryFile(FaultGuardTests.fileBytes(), name: "unrecorded.safetensors")
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) { [path = path as String] in
            var added = 0
            while added <= Int(FAULT_REGISTRY_CAPACITY),
                  FaultRegistration(address: UInt(16 * (added + 1)), length: 16, message: "fake\n") != nil {
                added += 1
            }
            guard added <= Int(FAULT_REGISTRY_CAPACITY) else { exit(3) }  // never full: not the case under test
            let view = try FaultGuardTests.mapThenTruncate(path)
            FaultGuard.installBusErrorHandler()
            _ = view.value(at: 4000)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr == "tensoraudit: error: a memory-mapped input file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n")
    }
}
