import Testing
@testable import PyTorchFormat

/// The strict zip reader: damaged and lying archives, built by mutating a torch.save file at
/// offsets Python's zipfile reported (`expected.json`).
@Suite struct ZipArchiveTests {
    static func archive(_ bytes: [UInt8]) -> Result<ZipArchive, ZipError> {
        bytes.withUnsafeBytes { raw in
            do throws(ZipError) { return .success(try ZipArchive(raw)) } catch { return .failure(error) }
        }
    }

    static func tied() throws -> ([UInt8], [[String: Any]]) {
        (try TorchFixtures.bytes("tied.bin"), try #require(TorchFixtures.goodFiles["tied.bin"]?["zip_entries"] as? [[String: Any]]))
    }

    /// Offset of the classic end record (torch writes no comment, so it is the last 22 bytes).
    static func eocd(_ bytes: [UInt8]) -> Int { bytes.count - 22 }

    @Test("entries and data offsets agree with Python's zipfile")
    func entriesMatchZipfile() throws {
        let (bytes, expected) = try Self.tied()
        let archive = try Self.archive(bytes).get()
        #expect(archive.entries.map(\.name) == expected.map { $0["name"] as? String ?? "" })
        #expect(archive.entries.map(\.dataOffset) == expected.map { $0["data_offset"] as? UInt64 ?? 0 })
        #expect(archive.entries.map(\.uncompressedSize) == expected.map { $0["size"] as? UInt64 ?? 0 })
        #expect(archive.entries.allSatisfy { $0.isStored })
    }

    @Test("the reader reports each entry's local header and the end of its data as touched (Python's zipfile offsets)")
    func touchedOffsets() throws {
        let (bytes, expected) = try Self.tied()
        var touched: [UInt64] = []
        _ = try bytes.withUnsafeBytes { raw throws(ZipError) in try ZipArchive(raw, touched: { touched.append($0) }) }
        try #require(touched.count == 2 * expected.count)
        for (k, entry) in expected.enumerated() {
            let header = Int(touched[2 * k]), dataOffset = entry["data_offset"] as? Int ?? -1
            #expect(Array(bytes[header ..< header + 4]) == [0x50, 0x4B, 0x03, 0x04], "\(entry["name"] ?? "")")
            #expect(header < dataOffset)
            #expect(touched[2 * k + 1] == UInt64(dataOffset + (entry["size"] as? Int ?? 0)))
        }
    }

    @Test("a local header whose method differs from the central directory is refused")
    func localMethodMismatch() throws {
        var (bytes, _) = try Self.tied()
        bytes[8] = 8  // first local header's method field (offset 8), the entry is stored
        guard case .headerMismatch(_, "method", 0, 8)? = Self.archive(bytes).failure else {
            Issue.record("\(String(describing: Self.archive(bytes).failure))"); return
        }
    }

    @Test("a local header naming another file is refused")
    func localNameMismatch() throws {
        var (bytes, _) = try Self.tied()
        bytes[30] ^= 0x20  // first byte of the first local name
        #expect(Self.archive(bytes).failure?.kind == "zip-malformed")
    }

    @Test("an entry count the central directory cannot hold, or disagreeing with ZIP64, is refused")
    func lyingCounts() throws {
        var (bytes, _) = try Self.tied()
        let end = Self.eocd(bytes)
        bytes[end + 10] &+= 1  // classic total-entries field ≠ ZIP64 value
        #expect(Self.archive(bytes).failure?.description.contains("disagrees with the ZIP64") == true)
    }

    @Test("the end record is searched only in the last 65,557 bytes")
    func boundedSearch() throws {
        let (bytes, _) = try Self.tied()
        // A valid archive followed by 70,000 bytes: its end record is now out of reach.
        let padded = bytes + [UInt8](repeating: 0, count: 70_000)
        #expect(Self.archive(padded).failure == .endNotFound(fileSize: UInt64(padded.count)))
        // A comment of exactly the declared length is accepted.
        var commented = bytes
        commented[Self.eocd(bytes) + 20] = 3
        commented += [0x61, 0x62, 0x63]
        #expect(Self.archive(commented).success != nil)
    }

    @Test("the end record nearest the end is the archive's, as torch's reader takes it, even when one further back fits exactly")
    func nearestEndRecord() throws {
        let (bytes, _) = try Self.tied()
        let end = Self.eocd(bytes)
        // The archive's own record gets a 22-byte comment, which is a second record (a copy of the
        // first) whose comment length runs 5 bytes past the end of the file.
        var record = Array(bytes[end ..< end + 22])
        record[20] = 5
        var nested = bytes
        nested[end + 20] = 22
        nested += record
        let expected = ZipError.malformed(offset: UInt64(end + 22), reason: "the end-of-central-directory record's comment length (5 bytes) runs 5 bytes past the end of the file")
        #expect(Self.archive(nested).success?.endProblem == expected, "the record further back fit exactly and was taken")
    }

    @Test("bytes after the archive are refused, and the message says so (it said no end record was found)")
    func trailingBytes() throws {
        let (bytes, _) = try Self.tied()
        let trailing = bytes + Array("garbage".utf8)
        let end = Self.eocd(bytes)
        let expected = ZipError.malformed(offset: UInt64(end), reason: "the end-of-central-directory record's comment (0 bytes) ends at byte "
                                          + "\(bytes.count), and 7 more bytes follow to the end of the file: data after the archive is not read")
        // The archive reads (its entries and pickle are looked at), and carries why it is refused.
        #expect(Self.archive(trailing).success?.endProblem == expected)
        #expect(TorchFixtures.read(trailing).failure == .zip(expected))
        // A comment length that runs past the end of the file, likewise.
        var short = bytes
        short[end + 20] = 20
        #expect(Self.archive(short).success?.endProblem
            == .malformed(offset: UInt64(end), reason: "the end-of-central-directory record's comment length (20 bytes) runs 20 bytes past the end of the file"))
    }

    @Test("a checkpoint whose entry names escape the folder is read, and the names are reported")
    func escapingNameInCheckpoint() throws {
        var (bytes, _) = try Self.tied()
        // Rename `tied/.format_version` to `tied/../format_versi` in the local header and the
        // central directory (not `tied/version`, which torch.load requires: hunt-63a M4).
        let from = Array("tied/.format_version".utf8), to = Array("tied/../format_versi".utf8)
        var replaced = 0
        for i in 0 ... bytes.count - from.count where Array(bytes[i ..< i + from.count]) == from {
            bytes.replaceSubrange(i ..< i + from.count, with: to)
            replaced += 1
        }
        #expect(replaced == 2)
        let checkpoint = try TorchFixtures.read(bytes).get()
        #expect(checkpoint.suspiciousEntryNames == ["tied/../format_versi"])
    }

    /// The `version` record, as torch 2.13 reads it first thing (std::stoull, then 1...10 from
    /// caffe2/serialize/versions.h): torch.load of hunt-63a's ver_0, ver_11, ver_99, ver_abc and
    /// ver_none files raised ("minimum supported version", "maximum supported version", "Couldn't
    /// parse the version", "Expected hasRecord(\"version\")"), and read ver_1 … ver_10.
    @Test("a version record torch.load refuses, or none, is not-a-torch-checkpoint; 1 to 10 with leading blanks read", arguments: [
        ("99", false), ("ab", false), ("0\n", false), ("-1", false), ("11", false), (" 7", true), ("10", true), ("1x", true),
    ])
    func versionRecord(_ text: String, _ reads: Bool) throws {
        var (bytes, _) = try Self.tied()
        // tied.bin's record is "3\n"; two bytes replaced in place (torch checks no CRC of it).
        let name = Array("tied/version".utf8)
        let signature: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        func isLocalName(_ at: Int) -> Bool {
            at >= 30 && Array(bytes[at ..< at + name.count]) == name && Array(bytes[at - 30 ..< at - 26]) == signature
        }
        let header = try #require((0 ... bytes.count - name.count).first(where: isLocalName))
        let extra = Int(bytes[header - 2]) | Int(bytes[header - 1]) << 8
        let data = header + name.count + extra
        #expect(bytes[data ..< data + 2].elementsEqual("3\n".utf8))
        bytes.replaceSubrange(data ..< data + 2, with: Array(text.utf8))
        let result = TorchFixtures.read(bytes)
        if reads {
            #expect(result.success != nil, "\(String(describing: result.failure))")
        } else {
            #expect(result.failure?.kind == "not-a-torch-checkpoint", "\(String(describing: result.failure))")
        }
    }

    @Test("an archive without a version record is not-a-torch-checkpoint, as torch.load refuses it")
    func versionRecordMissing() throws {
        var (bytes, _) = try Self.tied()
        let from = Array("tied/version".utf8), to = Array("tied/versiom".utf8)
        for i in 0 ... bytes.count - from.count where Array(bytes[i ..< i + from.count]) == from { bytes.replaceSubrange(i ..< i + from.count, with: to) }
        #expect(TorchFixtures.read(bytes).failure == .notACheckpoint(reason: "no tied/version record, which torch.load requires before anything else"))
    }

    @Test("names that would escape a folder are flagged")
    func unsafeNames() {
        func entry(_ name: String) -> ZipEntry {
            ZipEntry(name: name, method: 0, flags: 0, crc32: 0, compressedSize: 0, uncompressedSize: 0, localHeaderOffset: 0, dataOffset: 0)
        }
        #expect(entry("/etc/passwd").hasUnsafePath)
        #expect(entry("archive/../../x").hasUnsafePath)
        #expect(entry("C:/x").hasUnsafePath)
        #expect(entry("a\\b").hasUnsafePath)
        #expect(!entry("archive/data/0").hasUnsafePath)
        #expect(!entry("archive/..data").hasUnsafePath)
    }

    @Test("CRC-32 of known strings")
    func crc() {
        // Check values from the zlib documentation / RFC 1952 test vectors.
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32.checksum($0) } == 0)
    }
}
