import StrictJSON

/// Reads a torch checkpoint (`torch.save`'s zip, torch ≥ 1.6, or its legacy raw stream,
/// `LegacyTorchReader`) from bytes already in memory,
/// without executing its pickle: bytes in, tensor table out. No I/O; the caller maps the file.
public enum TorchCheckpointReader {
    /// What a file is, from its first bytes and (for a zip) its entry names. Never throws: a
    /// damaged zip is `.zip`, and `read` then says what is wrong.
    public enum Kind: Sendable, Equatable {
        case zip
        /// A tar archive, which torch.load reads as torch.save's format before 0.4 (`LegacyMagic`).
        case tar
        /// A raw pickle stream; `hasTorchMagic` when it starts like a legacy torch.save file.
        case rawPickle(hasTorchMagic: Bool)
        case other
    }

    /// The legacy torch.save magic number, pickled first as a `LONG1` of 10 bytes (0x1950a86a20f9469cfc6c).
    static let legacyMagic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    public static func kind(of bytes: UnsafeRawBufferPointer) -> Kind {
        // torch.load's order: a zip, then (`_legacy_load`) a tar, then the legacy stream.
        if ZipArchive.hasZipMagic(bytes) { return .zip }
        if LegacyMagic.isTarHeader(bytes) { return .tar }
        if LegacyMagic.startsStream(bytes) { return .rawPickle(hasTorchMagic: true) }
        if bytes.count >= 2, bytes[0] == 0x80, (2 ... 5).contains(bytes[1]) { return .rawPickle(hasTorchMagic: false) }
        return .other
    }

    /// The file-format versions torch 2.13's `PytorchStreamReader` reads
    /// (`kMinSupportedFileFormatVersion` … `kMaxSupportedFileFormatVersion` in
    /// caffe2/serialize/versions.h); torch.save writes 3.
    static let readableVersions: ClosedRange<UInt64> = 1...10

    /// The archive's `.data/version` record, else its `version`, read as torch reads it first
    /// thing (`std::stoull`: leading whitespace, a sign, digits; what follows ignored): a file
    /// without one, or with one torch cannot parse or does not read, fails torch.load with or
    /// without weights_only, and was read here with exit 0 (hunt-63a M4). Checked after the
    /// pickle is read, so its unsafe globals and bombs are reported as before.
    static func checkVersion(_ archive: ZipArchive, root: String, bytes: UnsafeRawBufferPointer) throws(TorchFormatError) {
        guard let entry = archive.entry(named: root + "/.data/version") ?? archive.entry(named: root + "/version") else {
            throw .notACheckpoint(reason: "no \(root)/version record, which torch.load requires before anything else")
        }
        let data: UnsafeRawBufferPointer
        do { data = try archive.storedData(of: entry, in: bytes) } catch { throw .zip(error) }
        let text = Array(data.prefix(64))
        var index = text.firstIndex { !" \t\n\u{0B}\u{0C}\r".utf8.contains($0) } ?? text.endIndex
        var negative = false
        if index < text.endIndex, text[index] == UInt8(ascii: "-") || text[index] == UInt8(ascii: "+") {
            negative = text[index] == UInt8(ascii: "-")
            index += 1
        }
        let digits = text[index...].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        let shown = String(decoding: data.prefix(40), as: UTF8.self).debugDescription
        guard !digits.isEmpty else {
            throw .notACheckpoint(reason: "its version record \(shown) is not a number, which torch.load refuses")
        }
        var value: UInt64 = 0
        for digit in digits {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw .notACheckpoint(reason: "its version record \(shown) is past 64 bits, which torch.load refuses") }
            value = sum
        }
        guard !negative || value == 0, readableVersions.contains(value) else {
            throw .notACheckpoint(reason: "its version record says \(shown); torch.load 2.13 reads versions \(readableVersions.lowerBound) to \(readableVersions.upperBound)")
        }
    }

    /// `touched`: see `ZipArchive.init(_:touched:)`.
    public static func read(_ bytes: UnsafeRawBufferPointer, limits: PickleLimits = .default,
                            touched: (UInt64) -> Void = { _ in }) throws(TorchFormatError) -> TorchCheckpoint {
        switch kind(of: bytes) {
        case .rawPickle(let magic): return try LegacyTorchReader.read(bytes, hasMagic: magic, limits: limits)
        case .tar:
            // torch.load falls back to the legacy stream when the tar cannot be extracted: the
            // globals of the file read as five pickles from its start are named too.
            var globals = LegacyTorchReader.tarGlobals(bytes, limits: limits)
            var known = Set(globals)
            for global in PickleGlobalScan.globals(in: bytes, from: 0, pickles: 5, limit: PickleGlobalScan.limit) where known.insert(global).inserted {
                globals.append(global)
            }
            throw .tarArchive(unsafeGlobals: RecognisedGlobals.unsafe(globals))
        case .zip, .other: break
        }
        let archive: ZipArchive
        do { archive = try ZipArchive(bytes, touched: touched) } catch { throw .zip(error) }
        let root = try checkpointRoot(archive)
        if let order = archive.entry(named: root + "/byteorder") {
            let data: UnsafeRawBufferPointer
            do { data = try archive.storedData(of: order, in: bytes) } catch { throw .zip(error) }
            guard data.elementsEqual("little".utf8) else {
                throw .notACheckpoint(reason: "byteorder is '\(String(decoding: data, as: UTF8.self))'; only little-endian checkpoints are read")
            }
        }
        let pickleName = root + "/data.pkl"
        guard let pickleEntry = archive.entry(named: pickleName) else { throw .notACheckpoint(reason: "no \(pickleName)") }
        let pickleBytes: UnsafeRawBufferPointer
        do { pickleBytes = try archive.verifiedData(of: pickleEntry, in: bytes) } catch { throw .zip(error) }

        let (declarations, unsupported, globals, proto, opcodes, values) = try declaredTensors(pickleBytes, entry: pickleName, limits: limits)
        // An archive whose end is not as written is refused, after its pickle was looked at:
        // the unsafe globals it names come first.
        if let problem = archive.endProblem { throw .failing(.zip(problem), named: globals) }
        // After the pickle, as the end record: its unsafe globals and its bombs are named first.
        do { try checkVersion(archive, root: root, bytes: bytes) } catch { throw .failing(error, named: globals) }
        let storages: [TorchStorage]
        let tensors: [TorchTensor]
        do {
            let storageIndex: [ExactText: Int]
            (storages, storageIndex) = try placeStorages(declarations, archive: archive, root: root)
            tensors = try placed(declarations, on: storages, index: storageIndex, limits: limits)
        } catch {
            throw .failing(error, named: globals)
        }
        return TorchCheckpoint(root: root, tensors: tensors, storages: storages,
                               sharedStorageGroups: sharedGroups(tensors), unsupportedTensors: unsupported,
                               unsafeGlobals: RecognisedGlobals.unsafe(globals),
                               globals: globals,
                               suspiciousEntryNames: archive.entries.filter(\.hasUnsafePath).map(\.name),
                               pickleProtocol: proto, isZip64: archive.isZip64,
                               weightsOnlyUnsupportedOpcodes: WeightsOnlyOpcodes.unsupported(in: opcodes), isLegacy: false,
                               values: values.listed, valueCount: values.count)
    }

    /// Each declared tensor checked against and placed in its storage (`index`: by key).
    static func placed(_ declarations: [TensorDeclaration], on storages: [TorchStorage],
                       index: [ExactText: Int], limits: PickleLimits) throws(TorchFormatError) -> [TorchTensor] {
        var tensors: [TorchTensor] = []
        tensors.reserveCapacity(declarations.count)
        for declaration in declarations {
            // Every key has a storage: the storages were built from these declarations' keys.
            guard let position = index[ExactText(declaration.storage.key)] else { continue }
            let storage = storages[position]
            tensors.append(try TensorLayout.place(declaration, storageStart: storage.byteRange.lowerBound, storageBytes: storage.byteCount))
        }
        try checkViewBytes(tensors, storages: storages, limits: limits)
        return tensors
    }

    /// Refuses views whose distinct byte spans add up past `PickleLimits.viewBytesBudget`.
    static func checkViewBytes(_ tensors: [TorchTensor], storages: [TorchStorage], limits: PickleLimits) throws(TorchFormatError) {
        let stored = storages.reduce(UInt64(0)) { $0 &+ $1.byteCount }
        let limit = limits.viewBytesBudget(storageBytes: stored)
        var seen = Set<Range<UInt64>>()
        var total: UInt64 = 0
        for tensor in tensors where seen.insert(tensor.spanByteRange).inserted {
            total &+= UInt64(tensor.spanByteRange.count)
            guard total <= limit else {
                throw .limitExceeded(what: "bytes read by distinct tensor views (\(limits.viewBytesPerStorageByte) × the \(stored) bytes of their storages, at least \(limits.minViewBytes))",
                                     limit: Int(clamping: limit))
            }
        }
    }

    /// The tensors `data.pkl` declares, those of kinds not read, the globals it names, its protocol
    /// and the opcodes it ran. The unpickled
    /// program ends here: it is the largest thing a read builds (~670 bytes per tensor of a state
    /// dict), and placing the storages does not need it.
    static func declaredTensors(_ pickle: UnsafeRawBufferPointer, entry: String,
                                limits: PickleLimits) throws(TorchFormatError)
        -> ([TensorDeclaration], [UnsupportedTorchTensor], [PickleGlobal], Int, PickleOpcodeSet, CollectedValues) {
        var seen: [PickleGlobal] = []
        let program: PickleProgram
        do {
            program = try SymbolicUnpickler.run(pickle, limits: limits, globalsSeen: &seen)
        } catch {
            throw .pickle(error, entry: entry, unsafeGlobalsSeen: RecognisedGlobals.unsafe(seen))
        }
        let (tensors, unsupported, values) = try collectTensors(program, limits: limits, pickleBytes: pickle.count, legacy: false)
        return (tensors, unsupported, program.globals, program.proto, program.opcodes, values)
    }

    /// Every storage id the pickle built, in the order it built them — reachable from the root
    /// or not: torch.load's `persistent_load` runs for each (a legacy file's allocates the
    /// storage its records then fill), and fails on an id of another tag or shape, which the
    /// walk saw only where it was reachable (an unreachable `('storagex',)` id was read here and
    /// passed `audit`; helper review). A legacy file's `('module', …)` ids are not storages.
    ///
    /// Calls are checked on the same pass, reachable or not, as unpickling makes every one:
    /// `REDUCE` of something no pickle can call (a tuple, a number, a dtype) or of a recognised
    /// global with a number of arguments it does not take fails in torch.load either way.
    /// `hasModuleIDs`: a legacy file holds `('module', …)` ids, which torch.load's
    /// weights-only unpickler refuses ("Only persistent_load of storage is allowed").
    static func storageIDs(_ program: PickleProgram, legacy: Bool) throws(TorchFormatError)
        -> (storages: [StorageDeclaration], hasModuleIDs: Bool) {
        var storages: [StorageDeclaration] = []
        var hasModuleIDs = false
        for index in 0 ..< program.nodeCount {
            guard let node = program.object(.node(index)) else { continue }
            if case .call(let callee, let arguments, false) = node.kind {
                try checkCall(callee, arguments: arguments, in: program)
                continue
            }
            guard node.kind == .persistentID else { continue }
            guard node.elements.count == 1, StorageID.isLoadable(node.elements[0], in: program, legacy: legacy) else {
                throw .notACheckpoint(reason: StorageID.refusal(legacy: legacy))
            }
            if !legacy {
                // A zip's storages are entries found by the tensors' own ids: an id here need only
                // unpack as torch's persistent_load unpacks it (tag and four values), and
                // decoding every key again cost a 60,000-tensor read a tenth of its time.
                guard program.object(node.elements[0])?.elements.count == 5 else { throw .notACheckpoint(reason: StorageID.refusal(legacy: false)) }
                continue
            }
            switch StorageID(node.elements[0], in: program, legacy: legacy) {
            case .storage(let declaration), .view(root: let declaration): storages.append(declaration)
            case .notAStorage: hasModuleIDs = true
            case .malformed: throw .notACheckpoint(reason: StorageID.refusal(legacy: legacy))
            case .unknownType where !legacy:
                // A zip's storages are entries of their own: a class this reader does not know
                // (a quantized tensor's) is reported by the walk as the tensor kind it holds.
                continue
            case .unknownType(let type):
                // A legacy record's size is counted in elements of the storage's class.
                throw .notACheckpoint(reason: "the pickle holds a storage of class \(type), which "
                    + (legacy && type == PickleGlobal(module: "torch.storage", name: "UntypedStorage")
                        ? "torch.load cannot read in a legacy file (it has no dtype)" : "this reader does not know"))
            }
        }
        return (storages, hasModuleIDs)
    }

    /// Refuses a `REDUCE` that unpickling cannot perform (`storageIDs`).
    static func checkCall(_ callee: PickleValue, arguments: PickleValue, in program: PickleProgram) throws(TorchFormatError) {
        switch callee {
        case .global(let global):
            guard let allowed = RecognisedGlobals.arity(of: global) else { return }
            let count: Int? = program.object(arguments).flatMap { $0.kind == .tuple || $0.kind == .list ? $0.elements.count : nil }
            guard let range = allowed else {
                throw .notACheckpoint(reason: "the pickle calls \(global), which is not callable: unpickling it fails, in torch.load with or without weights_only")
            }
            guard let count, range.contains(count) else {
                throw .notACheckpoint(reason: "the pickle calls \(global) with \(count.map { "\($0) arguments" } ?? "arguments that are not a tuple"), "
                    + "where it takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"): "
                    + "unpickling it fails, in torch.load with or without weights_only")
            }
            if count == 1, RecognisedGlobals.iterableArgument.contains(RecognisedGlobals.canonical(global)),
               let argument = program.object(arguments)?.elements.first {
                switch argument {
                case .none, .bool, .int, .bigInt, .float:
                    throw .notACheckpoint(reason: "the pickle calls \(global) on \(LegacyTorchReader.describe(argument)), which is not iterable: "
                        + "unpickling it fails, in torch.load with or without weights_only")
                default: break
                }
            }
        case .node:
            // A persistent id's result may be callable (a legacy file's module class), and so may
            // what an unsafe global returns (refused anyway); a container never is, nor what a
            // recognised global returns (a torch.Size, a dict, a tensor: `torch.Size(())()` fails).
            guard let object = program.object(callee) else { return }
            switch object.kind {
            case .persistentID: return
            case .call(.global(let inner), _, _) where RecognisedGlobals.isRecognised(inner):
                throw .notACheckpoint(reason: "the pickle calls what \(inner) returns, which is not callable: unpickling it fails, "
                    + "in torch.load with or without weights_only")
            case .call: return
            case .list, .tuple, .dict, .set:
                throw .notACheckpoint(reason: "the pickle calls a \(object.kind), which is not callable: unpickling it fails, in torch.load with or without weights_only")
            }
        default:
            throw .notACheckpoint(reason: "the pickle calls \(LegacyTorchReader.describe(callee)), which is not callable: "
                + "unpickling it fails, in torch.load with or without weights_only")
        }
    }

    /// The values at named places that are not tensors: the first `TorchValue.maxListed`, and
    /// how many there are.
    typealias CollectedValues = (listed: [TorchValue], count: Int)

    /// The tensors a pickle's root value holds, named by their state-dict keys, and its other
    /// named values.
    static func collectTensors(_ program: PickleProgram, limits: PickleLimits, pickleBytes: Int,
                               legacy: Bool) throws(TorchFormatError) -> ([TensorDeclaration], [UnsupportedTorchTensor], CollectedValues) {
        // On a stack sized for the nesting limit (`LargeStack`): 942 nested dicts overflowed
        // the main thread's.
        let walked = LargeStack.run { () -> Result<TensorCollector, TorchFormatError> in
            var collector = TensorCollector(program: program, limits: limits, pickleBytes: pickleBytes, legacy: legacy)
            do throws(TorchFormatError) {
                try collector.walkRoot()
                // A legacy file's reader runs this pass itself, for the storages its records need.
                if !legacy { _ = try storageIDs(program, legacy: false) }
            } catch {
                return .failure(.failing(error, named: program.globals))
            }
            return .success(collector)
        }
        let collector = try walked.get()
        return (collector.tensors, collector.unsupported, (collector.values, collector.valueCount))
    }

    /// The top folder every entry is in, holding `data.pkl`; TorchScript archives are recognised
    /// first (they hold a `data.pkl` too, next to `code/` and `constants.pkl`).
    static func checkpointRoot(_ archive: ZipArchive) throws(TorchFormatError) -> String {
        // torch.load's root: the folder of the central directory's first entry, which every
        // entry's name must start with, byte for byte (`PyTorchStreamReader` takes it from entry
        // 0, and `get_all_records`, which every torch.load runs, raises "file in archive is not
        // in a subdirectory" for any other). Before, the root was the folder of the one
        // `<folder>/data.pkl`, and a file torch.load refuses passed `audit` (helper-142).
        guard let first = archive.entries.first else { throw .notACheckpoint(reason: "the zip has no entries") }
        let firstName = Array(first.name.utf8)
        guard let slash = firstName.firstIndex(of: UInt8(ascii: "/")) else {
            throw .notACheckpoint(reason: "the zip's first entry '\(first.name)' is not in a folder, "
                + "which torch.load refuses (\"file in archive is not in a subdirectory\")")
        }
        let root = String(decoding: firstName[..<slash], as: UTF8.self)
        let prefix = Array(root.utf8) + [UInt8(ascii: "/")]
        if let outside = archive.entries.first(where: { !$0.name.utf8.starts(with: prefix) }) {
            throw .notACheckpoint(reason: "zip entry '\(outside.name)' is not in '\(root)/', the folder of the first entry, "
                + "where torch.load looks for every record; it refuses such a file")
        }
        for entry in archive.entries {
            let parts = entry.name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count >= 2, parts[1] == "constants.pkl" || (parts.count >= 3 && parts[1] == "code") {
                throw .torchScriptArchive(root: String(parts[0]))
            }
        }
        guard archive.entry(named: root + "/data.pkl") != nil else { throw .notACheckpoint(reason: "the zip has no \(root)/data.pkl entry") }
        return root
    }

    /// One declaration per storage key, in order of first use, and each key's index among them;
    /// every reference to a key must agree on type, count and location.
    /// Keys by code points, as torch.load's `loaded_storages` dict and its zip reader compare
    /// them: keys `café` precomposed and decomposed are two storages, two entries
    /// (TestData/canonical-keys/torch-storage); keyed by `String`, the second tensor was placed
    /// on the first one's storage. (One index by key, not a dictionary of declarations and one
    /// of places: those two were 12 MB for 50,000 storages.)
    static func distinctStorages(_ storages: some Sequence<StorageDeclaration>)
        throws(TorchFormatError) -> ([StorageDeclaration], [ExactText: Int]) {
        var distinct: [StorageDeclaration] = []
        var indexOfKey: [ExactText: Int] = [:]
        for s in storages {
            if let index = indexOfKey[ExactText(s.key)] {
                let previous = distinct[index]
                guard previous.dtype == s.dtype, previous.count == s.count, previous.location == s.location else {
                    throw .storageInconsistent(key: s.key, reason: "declared as \(previous.dtype?.rawValue ?? "untyped") × \(previous.count) and as \(s.dtype?.rawValue ?? "untyped") × \(s.count)")
                }
                continue
            }
            indexOfKey[ExactText(s.key)] = distinct.count
            distinct.append(s)
        }
        return (distinct, indexOfKey)
    }

    /// One storage per key (`distinctStorages`), each a stored entry of exactly the declared size.
    static func placeStorages(_ tensors: [TensorDeclaration], archive: ZipArchive,
                              root: String) throws(TorchFormatError) -> ([TorchStorage], [ExactText: Int]) {
        let (declared, indexOfKey) = try distinctStorages(tensors.lazy.map(\.storage))
        var storages: [TorchStorage] = []
        storages.reserveCapacity(declared.count)
        // Keys that differ only in ASCII case name one entry (torch's zip reader ignores that
        // case): torch.load makes two storages of it, equal copies, which this reader would
        // read as one buffer, so `ties` saw no tie between them (helper-146). Refused, as before
        // such entries were found at all.
        var keyOfEntry: [UInt64: String] = [:]
        for s in declared {
            let name = root + "/data/" + s.key
            guard let entry = archive.entry(named: name) else { throw .storageMissing(key: s.key, entry: name) }
            if let other = keyOfEntry.updateValue(s.key, forKey: entry.localHeaderOffset) {
                throw .storageInconsistent(key: s.key, reason: "names the zip entry '\(entry.name)' that key '\(other)' names too "
                    + "(torch's zip reader matches names ignoring ASCII case), which torch.load reads as two copies")
            }
            guard entry.flags & 1 == 0 else { throw .zip(.encryptedEntry(name: name)) }
            guard entry.isStored else { throw .zip(.compressedEntry(name: name, method: entry.method)) }
            let width = s.dtype?.byteWidth ?? 1
            let (bytes, overflow) = s.count.multipliedReportingOverflow(by: UInt64(width))
            guard !overflow, bytes == entry.uncompressedSize else {
                throw .storageSizeMismatch(key: s.key, declared: s.count, elementBytes: width, entryBytes: entry.uncompressedSize)
            }
            // The entry's own name (the same text): no second copy of every storage's name.
            storages.append(TorchStorage(key: s.key, dtype: s.dtype, declaredCount: s.count, byteCount: bytes,
                                         location: s.location, entryName: entry.name, byteRange: entry.dataRange))
        }
        return (storages, indexOfKey)
    }

    /// Names of tensors whose bytes overlap in one storage (`TorchCheckpoint.sharedStorageGroups`):
    /// per storage, in order of first use, the views chained by overlapping byte spans, each
    /// group in tensor order. Views of disjoint slices of one storage share no byte and are no
    /// group: an LSTM's flat weight buffer cut into its 16 matrices was listed as "shared
    /// storage (one buffer saved once)", the way tied weights are (reader's review, 2026-12-05).
    static func sharedGroups(_ tensors: [TorchTensor]) -> [[String]] {
        var order: [ExactText] = []
        var members: [ExactText: [Int]] = [:]
        for (i, tensor) in tensors.enumerated() {
            let key = ExactText(tensor.storageKey)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(i)
        }
        var groups: [[String]] = []
        for key in order {
            guard let views = members[key], views.count > 1 else { continue }
            // A sweep over the spans by start: a view joins the run while it starts before the
            // run's end. An empty span overlaps nothing and is passed over (it broke the run: a
            // zero-size view between two tied names hid their tie; review, 2026-12-05).
            let sorted = views.filter { !tensors[$0].spanByteRange.isEmpty }
                .sorted { (tensors[$0].spanByteRange.lowerBound, $0) < (tensors[$1].spanByteRange.lowerBound, $1) }
            var runs: [[Int]] = []
            var run: [Int] = [], end: UInt64 = 0
            for i in sorted {
                let span = tensors[i].spanByteRange
                if !run.isEmpty, span.lowerBound < end {
                    run.append(i)
                    end = max(end, span.upperBound)
                } else {
                    if run.count > 1 { runs.append(run) }
                    run = [i]
                    end = span.upperBound
                }
            }
            if run.count > 1 { runs.append(run) }
            groups += runs.map { $0.sorted() }.sorted { $0[0] < $1[0] }.map { $0.map { tensors[$0].name } }
        }
        return groups
    }
}
