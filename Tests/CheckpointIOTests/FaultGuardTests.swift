import Foundation
import SafetensorsFormat
import Testing
import CheckpointIO
import TensorScan
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A file truncated while mapped: without the guard the process dies by SIGBUS; with it, the
/// process prints the documented message and exits 2. Exit tests run each body in a child
/// process, so the bodies build their own files (they cannot capture values).
@Suite struct FaultGuardTests {
    /// Writes a file whose single F32 tensor spans pages 0–4 (16 KiB of data), maps it, then
    /// truncates the file to one page so the tail of the tensor lies past the end of file.
    static func mapThenTruncate() throws -> TensorView {
        let values = (0..<4096).map { Float($0) }
        let bytes = values.withUnsafeBytes { Array($0) }
        let file = SafetensorsWriter(entries: [.init(name: "w", dtype: .f32, shape: [4096], bytes: bytes)]).serialize()
        let path = try Fixtures.temporaryFile(file)
        let mapped = try SafetensorsFile(path: path)
        let view = try mapped.tensor(named: "w")
        #expect(view.value(at: 4095) == 4095)  // readable before the truncation
        #expect(truncate(path, 4096) == 0)
        return view
    }

    @Test("without the guard, reading a truncated mapping dies by SIGBUS")
    func unguardedCrashes() async {
        await #expect(processExitsWith: .signal(SIGBUS)) {
            let view = try FaultGuardTests.mapThenTruncate()
            _ = view.value(at: 4000)
        }
    }

    @Test("with the guard, it exits 2 with the documented message on stderr")
    func guardedExitsCleanly() async throws {
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) {
            let view = try FaultGuardTests.mapThenTruncate()
            FaultGuard.installBusErrorHandler()
            _ = view.value(at: 4000)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr.hasPrefix("tensoraudit: error: "))
        #expect(stderr.contains("SIGBUS"))
        #expect(stderr.hasSuffix("\n") && stderr.split(separator: "\n").count == 1)
        #expect(FaultGuard.busErrorExitStatus == 2)
    }

    @Test("checkUnchanged reports a file that shrank after mapping")
    func checkUnchangedSeesTruncation() throws {
        let values = [Float](repeating: 1, count: 64)
        let file = SafetensorsWriter(entries: [.init(name: "w", dtype: .f32, shape: [64],
                                                     bytes: values.withUnsafeBytes { Array($0) })]).serialize()
        let path = try Fixtures.temporaryFile(file)
        let mapped = try SafetensorsFile(path: path)
        try mapped.checkUnchanged()
        #expect(truncate(path, 100) == 0)
        #expect(throws: CheckpointError.fileChanged(path: path, mappedSize: UInt64(file.count), currentSize: 100)) {
            try mapped.checkUnchanged()
        }
    }
}
