import Foundation
import SafetensorsFormat
import Testing
import TestSupport
@testable import CheckpointIO
import TensorScan

/// Opening a checkpoint is linear in its shards and entries. Issue 13: 30,000 shard entries
/// (links to one small shard) ran past a minute. The time of 4N shards over N stays near 4.
@Suite(.serialized) struct SourceScaleTests {
    /// A folder of `n` shard names, each a link to one small file, with an index naming them.
    static func shardedFolder(_ n: Int) throws -> String {
        let dir = try Fixtures.temporaryDirectory().path
        let shard = SafetensorsWriter(entries: [.init(name: "w", dtype: .u8, shape: [2], bytes: [1, 2])]).serialize()
        try Data(shard).write(to: URL(fileURLWithPath: dir + "/base.bin"))
        var members: [String] = []
        for i in 0..<n {
            let name = String(format: "s%06d.safetensors", i)
            try FileManager.default.createSymbolicLink(atPath: dir + "/" + name, withDestinationPath: "base.bin")
            members.append("\"t\(i)\": \"\(name)\"")
        }
        try Data(("{\"weight_map\": {" + members.joined(separator: ", ") + "}}").utf8)
            .write(to: URL(fileURLWithPath: dir + "/model.safetensors.index.json"))
        return dir
    }

    @Test("opening N shard names linked to one file and looking up every name is linear in N")
    func manyShards() throws {
        var folders: [Int: String] = [:]
        for n in [750, 3_000] { folders[n] = try Self.shardedFolder(n) }
        let ratio = try LinearTime.ratio(750) { (n: Int) throws in
            let checkpoint = try Checkpoint.open(path: folders[n] ?? "", limits: .builtIn)
            // n names of one file: every name is resolved and checked, the file opened once
            // (one shard by device and inode), and the n indexed names are found nowhere.
            #expect(checkpoint.files.count == 1)
            #expect(!checkpoint.sourceIssues.contains { if case .tensorInTwoShards = $0.kind { true } else { false } })
            #expect(checkpoint.sourceIssues.filter { if case .indexMismatch = $0.kind { true } else { false } }.count == n)
            for i in 0..<n { _ = checkpoint.tensor(named: "t\(i)") }
            #expect(checkpoint.tensor(named: "w")?.path.hasSuffix("s000000.safetensors") == true)
        }
        #expect(ratio < LinearTime.bound, "4x shards took \(ratio)x the time")
    }

    @Test("an index over the size limit is refused before it is parsed")
    func indexSizeLimit() throws {
        let dir = try Self.shardedFolder(2)
        var limits = SourceLimits.builtIn
        #expect(limits.maxIndexBytes == 64 << 20 && limits.maxIndexEntries == 1_000_000)
        limits.maxIndexBytes = 16
        #expect(throws: CheckpointError.self) { try Checkpoint.open(path: dir, limits: limits) }
        limits = .builtIn
        limits.maxIndexEntries = 1
        do {
            _ = try Checkpoint.open(path: dir, limits: limits)
            Issue.record("2 entries passed a limit of 1")
        } catch {
            #expect(error.description.contains("over the limit of 1"), "\(error)")
        }
        limits = .builtIn
        #expect(limits.maxIndexShards == 20_000)
        limits.maxIndexShards = 1
        do {
            _ = try Checkpoint.open(path: dir, limits: limits)
            Issue.record("2 shards passed a limit of 1")
        } catch {
            #expect(error.kind == "invalid-index" && error.description.contains("index names 2 shard files, over the limit of 1"), "\(error)")
        }
    }

    @Test("the default decompression cap is at most 8 GiB and half the memory")
    func defaultCap() {
        let cap = SourceLimits.builtIn.maxDecompressedBytes
        #expect(cap <= 8 << 30)
        if let memory = MappedFile.physicalMemory { #expect(cap <= memory / 2) }
    }
}
