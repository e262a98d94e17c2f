import StrictJSON

/// Reads the legacy torch.save format (torch before 1.6, or `_use_new_zipfile_serialization=False`
/// since): many `pytorch_model.bin` files of 2018–2020 on the Hub are in it. The file is five
/// pickles in a row, then the storages' bytes:
///
/// 1. the magic number `0x1950a86a20f9469cfc6c` (a 10-byte `LONG1`);
/// 2. the protocol version, `1001`;
/// 3. system information (byte order, type sizes), which torch.load ignores: so does this reader;
/// 4. the object, whose storages are persistent ids `('storage', type, key, location, count,
///    view)`, `view` `None` unless torch before 0.4 saved a view into the storage (a tensor over
///    such a view is refused as `invalid-tensor`, not read);
/// 5. the storage keys, a list of text, sorted by torch.save;
///
/// then one record per key of that list, in its order: the element count as 8 little-endian
/// bytes, then the elements, little-endian (torch converts on big-endian machines). torch.load
/// (`_legacy_load`) allocates a storage at each persistent id's first appearance from that id's
/// type and count, fails on a listed key no id named and on a record whose count differs, and
/// leaves a storage that has no record uninitialised; here that last case is refused too, as is
/// a key listed twice (torch would read the second record over the first). Bytes after the last
/// record are ignored, as torch.load ignores them.
///
/// The records sit wherever the pickles end, so elements are not aligned: the scan reads
/// unaligned elements (as it must for safetensors, whose header length need not be a multiple of
/// the element size).
enum LegacyTorchReader {
    static let protocolVersion: Int64 = 1001
    /// The magic number's `LONG1` opcode, length and little-endian bytes, whatever protocol frames it.
    static let magicLong: [UInt8] = [0x8A, 0x0A] + TorchCheckpointReader.legacyMagic.suffix(10)

    static func read(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits) throws(TorchFormatError) -> TorchCheckpoint {
        var pickles = PickleSequence(bytes: bytes, limits: limits)
        // A raw pickle stream that does not start with the magic number is not a torch file; the
        // globals its first pickle names are still reported.
        let magic = try? pickles.next("magic number")
        guard let magic, case .bigInt(byteCount: 10) = magic.root,
              contains(UnsafeRawBufferPointer(rebasing: bytes[..<magic.endOffset]), magicLong) else {
            throw .rawPickleStream(unsafeGlobals: RecognisedGlobals.unsafe(pickles.globals))
        }
        let version = try pickles.next("protocol version")
        guard version.root == .int(protocolVersion) else {
            throw .failing(.notACheckpoint(reason: "a legacy torch.save file holds protocol version \(protocolVersion) after its magic number; "
                + "this one holds \(describe(version.root)), which torch.load refuses"), named: pickles.globals)
        }
        _ = try pickles.next("system information")
        let objectStart = pickles.offset
        let object = try pickles.next("object")
        let (declarations, unsupported) = try TorchCheckpointReader.collectTensors(object, limits: limits,
                                                                                  pickleBytes: pickles.offset - objectStart, legacy: true)
        let keyList = try pickles.next("storage keys")
        let storages: [TorchStorage]
        let tensors: [TorchTensor]
        do throws(TorchFormatError) {
            let keys = try storageKeys(keyList)
            let (declared, indexOfKey) = try TorchCheckpointReader.distinctStorages(storageIDs(object))
            storages = try records(keys, declared: declared, indexOfKey: indexOfKey, from: pickles.offset, in: bytes)
            // The storages are in the order of the key list; the tensors need theirs by key.
            var position: [ExactText: Int] = [:]
            for (index, storage) in storages.enumerated() { position[ExactText(storage.key)] = index }
            for declaration in declarations where position[ExactText(declaration.storage.key)] == nil {
                throw .storageRecord(key: declaration.storage.key, kind: "storage-missing",
                                                     reason: "tensor '\(declaration.name)' uses it, but the storage key list has no record of it "
                                                         + "(torch.load would leave its memory uninitialised)")
            }
            tensors = try TorchCheckpointReader.placed(declarations, on: storages, index: position)
        } catch {
            throw .failing(error, named: pickles.globals)
        }
        return TorchCheckpoint(root: "", tensors: tensors, storages: storages,
                               sharedStorageGroups: TorchCheckpointReader.sharedGroups(tensors), unsupportedTensors: unsupported,
                               unsafeGlobals: RecognisedGlobals.unsafe(pickles.globals), globals: pickles.globals,
                               suspiciousEntryNames: [], pickleProtocol: object.proto, isZip64: false,
                               weightsOnlyUnsupportedOpcodes: WeightsOnlyOpcodes.unsupported(in: pickles.opcodes), isLegacy: true)
    }

    /// The fifth pickle: a list of text keys.
    static func storageKeys(_ program: PickleProgram) throws(TorchFormatError) -> [String] {
        guard let list = program.object(program.root), list.kind == .list, list.entries.isEmpty, list.state == nil else {
            throw .notACheckpoint(reason: "the legacy file's fifth pickle, the storage key list, is \(describe(program.root)), not a list")
        }
        var keys: [String] = []
        keys.reserveCapacity(list.elements.count)
        for element in list.elements {
            guard case .string(let key) = element else {
                throw .notACheckpoint(reason: "the legacy file's storage key list holds \(describe(element)), not text")
            }
            keys.append(key)
        }
        return keys
    }

    /// Every storage id the object's pickle built, in the order it built them — reachable from
    /// the root or not: torch.load's `persistent_load` runs for each, and allocates the storage
    /// the key list's records then fill. Ids of another tag (a pickled module's classes) are
    /// not storages, and are refused where the walk meets them.
    static func storageIDs(_ program: PickleProgram) throws(TorchFormatError) -> [StorageDeclaration] {
        var storages: [StorageDeclaration] = []
        for index in 0 ..< program.nodeCount {
            guard let node = program.object(.node(index)), node.kind == .persistentID, node.elements.count == 1 else { continue }
            switch StorageID(node.elements[0], in: program, legacy: true) {
            case .storage(let declaration), .view(root: let declaration): storages.append(declaration)
            case .notAStorage: continue
            case .malformed:
                throw .notACheckpoint(reason: "the pickle holds a storage id that is not ('storage', type, key, location, count, view)")
            case .unknownType(let type):
                throw .notACheckpoint(reason: "the pickle holds a storage of class \(type), which this reader does not know")
            }
        }
        return storages
    }

    /// The storage records from `start` on, one per key, each checked against its declaration.
    static func records(_ keys: [String], declared: [StorageDeclaration], indexOfKey: [ExactText: Int],
                        from start: Int, in bytes: UnsafeRawBufferPointer) throws(TorchFormatError) -> [TorchStorage] {
        var storages: [TorchStorage] = []
        storages.reserveCapacity(keys.count)
        var listed = Set<ExactText>()
        let size = UInt64(bytes.count)
        var position = UInt64(start)
        for key in keys {
            guard let index = indexOfKey[ExactText(key)] else {
                throw .storageRecord(key: key, kind: "storage-missing",
                                     reason: "the storage key list names it, but the pickle declares no such storage (torch.load fails on it)")
            }
            guard listed.insert(ExactText(key)).inserted else {
                throw .storageRecord(key: key, kind: "storage-inconsistent",
                                     reason: "the storage key list names it twice (torch.load would read the second record over the first)")
            }
            let s = declared[index]
            guard size - position >= 8 else {
                throw .storageRecord(key: key, kind: "storage-size-mismatch",
                                     reason: "its record at byte \(position) is cut off: the file ends before the record's 8-byte element count")
            }
            var count: UInt64 = 0
            for i in 0 ..< 8 { count |= UInt64(bytes[Int(position) + i]) << UInt64(8 * i) }
            guard count == s.count else {
                throw .storageRecord(key: key, kind: "storage-size-mismatch",
                                     reason: "the pickle declares \(s.count) elements, its record at byte \(position) holds \(Int64(bitPattern: count))")
            }
            let width = UInt64(s.dtype?.byteWidth ?? 1)
            let (byteCount, overflow) = count.multipliedReportingOverflow(by: width)
            let dataStart = position + 8
            guard !overflow, byteCount <= size - dataStart else {
                throw .storageRecord(key: key, kind: "storage-size-mismatch",
                                     reason: "its record at byte \(position) declares \(count) elements of \(width) bytes, past the end of the file "
                                         + "(\(size - dataStart) bytes left)")
            }
            storages.append(TorchStorage(key: s.key, dtype: s.dtype, declaredCount: s.count, byteCount: byteCount,
                                         location: s.location, entryName: s.key, byteRange: dataStart ..< dataStart + byteCount))
            position = dataStart + byteCount
        }
        return storages
    }

    static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for start in 0 ... haystack.count - needle.count
        where needle.indices.allSatisfy({ haystack[start + $0] == needle[$0] }) {
            return true
        }
        return false
    }

    /// A value as an error message names it.
    static func describe(_ value: PickleValue) -> String {
        switch value {
        case .none: "None"
        case .bool(let b): b ? "True" : "False"
        case .int(let i): String(i)
        case .bigInt(let n): "an integer of \(n) bytes"
        case .float(let f): String(f)
        case .string: "text"
        case .bytes: "bytes"
        case .global(let g): "the global \(g)"
        case .node: "an object"
        }
    }

    /// The pickles of the stream, one after another, with the globals and opcodes of all of them.
    struct PickleSequence {
        let bytes: UnsafeRawBufferPointer
        let limits: PickleLimits
        /// Where the next pickle starts.
        var offset = 0
        var globals: [PickleGlobal] = []
        var known = Set<PickleGlobal>()
        var opcodes = PickleOpcodeSet()
        var count = 0

        init(bytes: UnsafeRawBufferPointer, limits: PickleLimits) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func next(_ what: String) throws(TorchFormatError) -> PickleProgram {
            count += 1
            let entry = "legacy pickle \(count) (\(what), from byte \(offset))"
            guard offset < bytes.count else {
                throw .failing(.notACheckpoint(reason: "the file ends before \(entry)"), named: globals)
            }
            var seen: [PickleGlobal] = []
            do {
                let program = try SymbolicUnpickler.run(UnsafeRawBufferPointer(rebasing: bytes[offset...]), limits: limits, globalsSeen: &seen)
                add(seen)
                opcodes.formUnion(program.opcodes)
                offset += program.endOffset
                return program
            } catch {
                add(seen)
                throw .pickle(error, entry: entry, unsafeGlobalsSeen: RecognisedGlobals.unsafe(globals))
            }
        }

        private mutating func add(_ seen: [PickleGlobal]) {
            for global in seen where known.insert(global).inserted { globals.append(global) }
        }
    }
}
