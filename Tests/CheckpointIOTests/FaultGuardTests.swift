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
/// process prints one line naming the file and exits 2. Exit tests run each body in a child
/// process; the files are made by the parent and their paths captured, so the parent knows the
/// name the message must hold.
@Suite struct FaultGuardTests {
    /// A file whose single F32 tensor `w` spans pages 0–4 (16 KiB of data, values 0..<4096).
    static func fileBytes(name: String = "w") -> [UInt8] {
        let values = (0..<4096).map { Float($0) }
        return SafetensorsWriter(entries: [.init(name: name, dtype: .f32, shape: [4096], bytes: values.withUnsafeBytes { Array($0) })])
            .serialize()
    }

    /// Maps the file at `path`, then truncates it to one page so the tail of the tensor lies
    /// past the end of file.
    static func mapThenTruncate(_ path: String) throws -> TensorView {
        let mapped = try SafetensorsFile(path: path)
        let view = try mapped.tensor(named: "w")
        #expect(view.value(at: 4095) == 4095)  // readable before the truncation
        #expect(truncate(path, 4096) == 0)
        return view
    }

    /// What the guard writes for a fault in the mapping of `shown` (the path as the message
    /// shows it), written out here by hand.
    static func expectedMessage(_ shown: String) -> String {
        "tensoraudit: error: \(shown): the file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n"
    }

    @Test("without the guard, reading a truncated mapping dies by SIGBUS")
    func unguardedCrashes() async throws {
        let path = try Fixtures.temporaryFile(Self.fileBytes())
        await #expect(processExitsWith: .signal(SIGBUS)) { [path = path as String] in
            let view = try FaultGuardTests.mapThenTruncate(path)
            _ = view.value(at: 4000)
        }
    }

    @Test("with the guard, it exits 2 with one line naming the file that shrank")
    func guardedExitsCleanly() async throws {
        let path = try Fixtures.temporaryFile(Self.fileBytes(), name: "shrinks.safetensors")
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) { [path = path as String] in
            let view = try FaultGuardTests.mapThenTruncate(path)
            FaultGuard.installBusErrorHandler()
            _ = view.value(at: 4000)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr == Self.expectedMessage(path))
        #expect(FaultGuard.busErrorExitStatus == 2)
    }

    @Test("of a sharded checkpoint, the message names the shard that shrank, not another shard or the index")
    func namesTheShard() async throws {
        let folder = try Fixtures.temporaryDirectory().path
        let shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        try Data(Self.fileBytes(name: "v")).write(to: URL(fileURLWithPath: folder + "/" + shards[0]))
        try Data(Self.fileBytes(name: "w")).write(to: URL(fileURLWithPath: folder + "/" + shards[1]))
        let index = #"{"metadata": {}, "weight_map": {"v": "\#(shards[0])", "w": "\#(shards[1])"}}"#
        try Data(index.utf8).write(to: URL(fileURLWithPath: folder + "/model.safetensors.index.json"))
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) { [folder = folder as String] in
            let checkpoint = try Checkpoint.open(path: folder)
            let first = try #require(checkpoint.tensor(named: "v")), second = try #require(checkpoint.tensor(named: "w"))
            #expect(first.value(at: 4095) == 4095 && second.value(at: 4095) == 4095)
            #expect(truncate(folder + "/model-00002-of-00002.safetensors", 4096) == 0)
            FaultGuard.installBusErrorHandler()
            _ = first.value(at: 4000)  // the untouched shard still reads
            _ = second.value(at: 4000)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr == Self.expectedMessage(folder + "/" + shards[1]))
    }

    @Test("a file name holding a line break is shown escaped: the message stays one line")
    func hostileName() async throws {
        let path = try Fixtures.temporaryFile(Self.fileBytes(), name: "two\nlines\u{202E}.safetensors")
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) { [path = path as String] in
            let view = try FaultGuardTests.mapThenTruncate(path)
            FaultGuard.installBusErrorHandler()
            _ = view.value(at: 4000)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        let folder = String(path.dropLast("two\nlines\u{202E}.safetensors".count))
        #expect(stderr == Self.expectedMessage(folder + #"two\u{a}lines\u{202e}.safetensors"#))
    }

    @Test("a bus error at no mapped file's address (sent by kill) gets the generic message")
    func notAMappedFile() async throws {
        let result = await #expect(processExitsWith: .exitCode(2), observing: [\.standardErrorContent]) {
            FaultGuard.installBusErrorHandler()
            raise(SIGBUS)
        }
        let stderr = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(stderr == "tensoraudit: error: a memory-mapped input file shrank or became unreadable while it was being read (SIGBUS); no report was produced\n")
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
