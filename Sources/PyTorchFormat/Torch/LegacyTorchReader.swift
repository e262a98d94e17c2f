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

    /// `hasMagic`: whether the stream starts with the magic number (`LegacyMagic.startsStream`,
    /// as `TorchCheckpointReader.kind` found).
    static func read(_ bytes: UnsafeRawBufferPointer, hasMagic: Bool, limits: PickleLimits) throws(TorchFormatError) -> TorchCheckpoint {
        var pickles = PickleSequence(bytes: bytes, limits: limits)
        // A raw pickle stream that does not start with the magic number is not a torch file; the
        // globals of its first five pickles are still reported, as torch.load (weights_only=False)
        // would unpickle five whenever a first one it reads equals the magic number in a way not
        // recognised here.
        guard hasMagic else {
            var seen: [PickleGlobal] = []
            _ = try? SymbolicUnpickler.run(bytes, limits: limits, globalsSeen: &seen)
            var known = Set(seen)
            for global in PickleGlobalScan.globals(in: bytes, from: 0, pickles: 5, limit: PickleGlobalScan.limit) where known.insert(global).inserted {
                seen.append(global)
            }
            throw .rawPickleStream(unsafeGlobals: RecognisedGlobals.unsafe(seen))
        }
        // Protocol 0/1's text opcodes fail here, with the globals of all five pickles named.
        try pickles.next("magic number", mayHoldPersistentIDs: false)
        let version = try pickles.next("protocol version", mayHoldPersistentIDs: false)
        // Compared as Python compares: 1001.0 is 1001.
        guard version.root == .int(protocolVersion) || version.root == .float(Double(protocolVersion)) else {
            throw .failing(.notACheckpoint(reason: "a legacy torch.save file holds protocol version \(protocolVersion) after its magic number; "
                + "this one holds \(describe(version.root)), which torch.load refuses"), named: pickles.globals)
        }
        try pickles.next("system information", mayHoldPersistentIDs: false)
        let objectStart = pickles.offset
        let object = try pickles.next("object")
        let (declarations, unsupported, values) = try TorchCheckpointReader.collectTensors(object, limits: limits,
                                                                                  pickleBytes: pickles.offset - objectStart, legacy: true)
        let keyList = try pickles.next("storage keys", mayHoldPersistentIDs: false)
        let storages: [TorchStorage]
        let tensors: [TorchTensor]
        var hasModuleIDs = false
        do throws(TorchFormatError) {
            let keys = try storageKeys(keyList)
            let ids = try TorchCheckpointReader.storageIDs(object, legacy: true)
            hasModuleIDs = ids.hasModuleIDs
            let (declared, indexOfKey) = try TorchCheckpointReader.distinctStorages(ids.storages)
            storages = try records(keys, declared: declared, indexOfKey: indexOfKey, from: pickles.offset, in: bytes)
            // The storages are in the order of the key list; the tensors need theirs by key.
            var position: [ExactText: Int] = [:]
            for (index, storage) in storages.enumerated() { position[ExactText(storage.key)] = index }
            // An empty storage needs no record: torch.load's uninitialised memory is no bytes.
            for declaration in declarations where position[ExactText(declaration.storage.key)] == nil && declaration.storage.count > 0 {
                throw .storageRecord(key: declaration.storage.key, kind: "storage-missing",
                                     reason: "tensor '\(declaration.name)' uses it, but the storage key list has no record of it "
                                         + "(torch.load would leave its memory uninitialised)")
            }
            var all = storages
            for declaration in declarations where position[ExactText(declaration.storage.key)] == nil {
                let s = declaration.storage
                position[ExactText(s.key)] = all.count
                let end = UInt64(bytes.count)
                all.append(TorchStorage(key: s.key, dtype: s.dtype, declaredCount: 0, byteCount: 0, location: s.location,
                                        entryName: s.key, byteRange: end ..< end))
            }
            tensors = try TorchCheckpointReader.placed(declarations, on: all, index: position, limits: limits)
        } catch {
            throw .failing(error, named: pickles.globals)
        }
        return TorchCheckpoint(root: "", tensors: tensors, storages: storages,
                               sharedStorageGroups: TorchCheckpointReader.sharedGroups(tensors), unsupportedTensors: unsupported,
                               unsafeGlobals: RecognisedGlobals.unsafe(pickles.globals), globals: pickles.globals,
                               suspiciousEntryNames: [], pickleProtocol: pickles.highestProtocol, isZip64: false,
                               weightsOnlyUnsupportedOpcodes: WeightsOnlyOpcodes.unsupported(in: pickles.opcodes)
                                   + (hasModuleIDs ? ["BINPERSID (0x51) with a ('module', …) id"] : []),
                               isLegacy: true, values: values.listed, valueCount: values.count)
    }

    /// The fifth pickle: a list of text keys.
    static func storageKeys(_ program: PickleProgram) throws(TorchFormatError) -> [String] {
        // torch.load iterates it: a tuple serves as well as torch.save's list.
        guard let list = program.object(program.root), list.kind == .list || list.kind == .tuple, list.entries.isEmpty, list.state == nil else {
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

    /// The globals of a tar archive's pickles, as torch.load's tar reader unpickles them: the
    /// whole `pickle` member, and the leading pickles of `storages` and `tensors` (their count
    /// and first record's arguments; what follows is raw data, not stepped over). Members are
    /// walked by their 512-byte headers and octal sizes, each bounded by the file.
    static func tarGlobals(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits) -> [PickleGlobal] {
        var found: [PickleGlobal] = []
        var known = Set<PickleGlobal>()
        var offset = 0
        while bytes.count - offset >= 512 {
            let header = UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + 512])
            guard LegacyMagic.isTarHeader(UnsafeRawBufferPointer(rebasing: bytes[offset...])),
                  let size = LegacyMagic.tarNumber(UnsafeRawBufferPointer(rebasing: header[124 ..< 136])), size >= 0,
                  size <= bytes.count - offset - 512 else { break }
            let name = String(decoding: header.prefix(100).prefix { $0 != 0 }, as: UTF8.self)
            let data = UnsafeRawBufferPointer(rebasing: bytes[offset + 512 ..< offset + 512 + size])
            let pickles = name == "pickle" ? 1 : name == "storages" || name == "tensors" ? 2 : 0
            if pickles > 0 {
                for global in PickleGlobalScan.globals(in: data, from: 0, pickles: pickles, limit: PickleGlobalScan.limit)
                where known.insert(global).inserted {
                    found.append(global)
                }
            }
            offset += 512 + (size + 511) / 512 * 512
        }
        return found
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
        /// The highest `PROTO` of the pickles read (a key list pickled with protocol 4 behind a
        /// protocol-2 object is what the weights-only finding must name).
        var highestProtocol = 0

        init(bytes: UnsafeRawBufferPointer, limits: PickleLimits) {
            self.bytes = bytes
            self.limits = limits
        }

        /// Runs the next pickle. `mayHoldPersistentIDs`: only the object's pickle has a
        /// `persistent_load`; torch.load unpickles the other four plainly, which fails on a
        /// persistent id.
        @discardableResult
        mutating func next(_ what: String, mayHoldPersistentIDs: Bool = true) throws(TorchFormatError) -> PickleProgram {
            count += 1
            // The pickle's own errors count bytes from its start: said, beside the absolute start
            // ("pickle ends at byte 66" read as the file's byte 66: hunt-63a L3).
            let entry = "legacy pickle \(count) (\(what), at byte \(offset) of the file; its offsets count from there)"
            guard offset < bytes.count else {
                throw .failing(.notACheckpoint(reason: "the file ends before \(entry)"), named: globals)
            }
            var seen: [PickleGlobal] = []
            let program: PickleProgram
            do {
                program = try SymbolicUnpickler.run(UnsafeRawBufferPointer(rebasing: bytes[offset...]), limits: limits, globalsSeen: &seen)
            } catch {
                add(seen)
                // The pickles after this one are unpickled by torch.load too: their globals are
                // named as far as their opcodes can be stepped over.
                add(PickleGlobalScan.globals(in: bytes, from: offset, pickles: 6 - count, limit: PickleGlobalScan.limit))
                throw .pickle(error, entry: entry, unsafeGlobalsSeen: RecognisedGlobals.unsafe(globals))
            }
            add(seen)
            opcodes.formUnion(program.opcodes)
            highestProtocol = max(highestProtocol, program.proto)
            offset += program.endOffset
            if !mayHoldPersistentIDs, program.opcodes.contains(0x51) || program.opcodes.contains(0x50) {
                throw .failing(.notACheckpoint(reason: "\(entry) holds a persistent id, which torch.load's plain unpickler of that pickle refuses"),
                               named: globals)
            }
            return program
        }

        private mutating func add(_ seen: [PickleGlobal]) {
            for global in seen where known.insert(global).inserted { globals.append(global) }
        }
    }
}
