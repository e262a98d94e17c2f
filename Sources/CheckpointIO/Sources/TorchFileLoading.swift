import PyTorchFormat
import SafetensorsFormat
import StrictJSON

/// A torch checkpoint (`torch.save`'s zip: `<root>/data.pkl` and raw storages; or its legacy
/// pre-1.6 stream: pickles, then raw storages) as a checkpoint
/// file: its pickle interpreted symbolically (never executed), every tensor a zero-copy view of
/// its storage entry.
///
/// Refused, each with one line naming the file and the reason: a pickle naming any global a state
/// dict does not need (`unsafePickle`), raw pickle streams that are not torch files and TorchScript archives, tensor
/// kinds other than dense (quantized, sparse, nested, …: `unsupported-tensor-kind`), dtypes
/// without a safetensors name (complex128, complex32), and two tensors under one name.
///
/// Strided (non-contiguous) views — a transpose saved without `.contiguous()`, a strided slice,
/// an `expand` — have elements that are not consecutive bytes; reading them as if they were would
/// report wrong rows. Their elements are copied, in row-major order, into one block of memory
/// (`TorchTensor.gather`), and the views read that copy: what `torch.load(...).contiguous()`
/// holds. The copy is made when a command first reads one of their bytes (`MappedFile`'s
/// deferred fill), so `inspect` copies nothing. The copies together may take at most the file's
/// size (a stride of 0 repeats elements: a 4-byte storage expanded to a billion elements would
/// take 4 GB), so the work and memory stay linear in the input, and at most the cap on bytes held
/// in memory; past either, the file is refused with the `strided-tensor` error, when it is opened.
extension CheckpointFile {
    /// `copyLimit`: the bytes the strided views' copies may take in memory, besides the file's
    /// size (`SourceLimits.maxDecompressedBytes`, the cap on what a run holds in memory).
    init(torch mapping: MappedFile, copyLimit: UInt64 = SourceLimits.defaultDecompressedCap) throws(CheckpointError) {
        let path = mapping.path
        let checkpoint: TorchCheckpoint
        do {
            // The zip's local headers lie before every storage, all over the file; each read can
            // map a whole large folio (the bench's 1.2 GB torch file: 214 MB RSS before a tensor
            // byte was read). They are released window by window as the reader moves on.
            var folios = FolioRelease(mapping)
            defer { folios.finish() }
            checkpoint = try mapping.withBytes { (bytes) throws(TorchFormatError) in
                try TorchCheckpointReader.read(bytes, touched: { folios.touched($0) })
            }
        } catch {
            throw Self.torchError(error, path: path, mapping: mapping)
        }
        // The pickle and the central directory just parsed are not read again: unmapped, they
        // leave the scan's peak (10 MB of 27 for a file of 50,000 small tensors).
        mapping.discard(offset: 0, length: mapping.size)
        // Globals that only build a value nothing reads (`harmlessOutsideSafeList`) do not stop
        // the read; any other refused global does, and then every one is named.
        if checkpoint.unsafeGlobals.contains(where: { !RecognisedGlobals.harmlessOutsideSafeList.contains($0) }) {
            throw .unsafePickle(path: path, globals: checkpoint.unsafeGlobals.map(\.description), detail: nil)
        }
        // After the unsafe check: a hostile pickle is reported as such whatever else it holds.
        if let tensor = checkpoint.unsupportedTensors.first {
            throw .source(path: path, kind: "unsupported-tensor-kind",
                          message: "tensor \(quotedName(tensor.name)) is an unsupported tensor kind (\(tensor)): torch rebuilds it with "
                              + "\(tensor.function), and only dense tensors are read; not read"
                              + (checkpoint.unsupportedTensors.count > 1 ? " (\(checkpoint.unsupportedTensors.count) such tensors)" : ""))
        }
        var entries: [TensorEntry] = []
        entries.reserveCapacity(checkpoint.tensors.count)
        // Strided views to copy (positions in `entries`), the bytes their row-major copies take,
        // and the entry whose copy each layout reads.
        var gathered: [(entry: Int, tensor: TorchTensor)] = []
        var gatheredBytes: UInt64 = 0
        var copyOf: [StridedView: Int] = [:]
        // By code points, as the state dict's Python `str` keys are: `café` precomposed and
        // decomposed are two tensors (the file was refused as naming one twice).
        var seen = Set<ExactText>()
        for tensor in checkpoint.tensors {
            guard seen.insert(ExactText(tensor.name)).inserted else {
                // Keys that are not text (bytes, tuples: legal for torch.load) all read as one
                // placeholder, so two tensors under such keys are not two tensors of one name.
                let why = tensor.name.contains(TorchCheckpoint.nonTextKey)
                    ? ": their state-dict keys are not text (bytes, a tuple, an integer beyond 64 bits, …) or are number keys of a dict "
                        + "holding one, which this reader does not tell apart; not read"
                    // A key set twice, or keys Python takes as equal (1 and True), already keep
                    // their later value only, as torch.load does (`TensorCollector.walkEntries`).
                    : ": two keys that differ but are written alike (1 and \"1\", two NaN keys, \"a.b\" beside \"a\" holding \"b\"), "
                        + "which torch.load keeps as two entries; not read"
                throw .source(path: path, kind: "duplicate-tensor-name",
                              message: "two tensors of the state dict are both named \(quotedName(tensor.name))" + why)
            }
            guard let name = tensor.dtype.safetensorsName, let dtype = DType(rawValue: name) else {
                throw .source(path: path, kind: "unsupported-dtype",
                              message: "tensor \(quotedName(tensor.name)) is torch.\(tensor.dtype.rawValue), which has no safetensors dtype; not read")
            }
            guard let range = tensor.contiguousByteRange else {
                // Copied below, after every tensor is checked, right after the copies before it;
                // the same view under another name (dtype, span, shape and stride alike: the same
                // elements in the same order) reads the same copy, as views of one contiguous
                // buffer read the same bytes. Past 64 bits (or the limits): refused below, before
                // anything is copied.
                let layout = StridedView(dtype: tensor.dtype, span: tensor.spanByteRange, shape: tensor.shape, stride: tensor.stride)
                var entry: TensorEntry
                if let earlier = copyOf[layout] {
                    entry = TensorEntry(name: tensor.name, dtype: .scalar(dtype), shape: tensor.shape, begin: entries[earlier].begin,
                                        end: entries[earlier].end, elementCount: tensor.elementCount)
                } else {
                    let (end, overflow) = gatheredBytes.addingReportingOverflow(tensor.gatheredByteCount ?? .max)
                    entry = TensorEntry(name: tensor.name, dtype: .scalar(dtype), shape: tensor.shape, begin: overflow ? 0 : gatheredBytes,
                                        end: overflow ? 0 : end, elementCount: tensor.elementCount)
                    copyOf[layout] = entries.count
                    gathered.append((entries.count, tensor))
                    gatheredBytes = overflow ? .max : end
                }
                entry.gathered = GatheredLayout(stride: tensor.stride, storedBytes: tensor.spanByteRange)
                entries.append(entry)
                continue
            }
            entries.append(TensorEntry(name: tensor.name, dtype: .scalar(dtype), shape: tensor.shape,
                                       begin: range.lowerBound, end: range.upperBound, elementCount: tensor.elementCount))
        }
        let copies = try Self.gather(gathered, at: entries, bytes: gatheredBytes, from: mapping, count: checkpoint.tensors.count,
                                     limit: copyLimit)
        // File order: the order of the bytes (state-dict order among views of one storage; a
        // gathered view at the first byte it spans). The positions are sorted, not (position,
        // entry) pairs: no two more copies of the table.
        func position(_ k: Int) -> UInt64 { entries[k].gathered?.storedBytes.lowerBound ?? entries[k].begin }
        let order = entries.indices.sorted { (position($0), $0) < (position($1), $1) }
        self.init(path: path, format: .pytorch(TorchFileFacts(checkpoint)), mapping: mapping,
                  tensors: order.map { k in
                      TensorView(info: entries[k], mapping: entries[k].gathered != nil ? (copies ?? mapping) : mapping, dataStart: 0)
                  })
    }

    /// One block of anonymous memory of `bytes` bytes into which the elements of the strided
    /// views `gathered` (positions in `entries`, whose ranges say where each copy goes, and
    /// tensors) are copied on the first read of any of them; `nil` when there is no strided
    /// view. Refuses the file, at once, when the copies would take more than its size or
    /// `limit`: work and memory stay linear in the input.
    private static func gather(_ gathered: [(entry: Int, tensor: TorchTensor)], at entries: [TensorEntry],
                               bytes: UInt64, from mapping: MappedFile, count: Int, limit: UInt64) throws(CheckpointError) -> MappedFile? {
        guard let (_, first) = gathered.first else { return nil }
        guard bytes <= mapping.size, bytes <= limit, let total = Int(exactly: bytes) else {
            // How many, so that a file of 74 transposed weights is understood at once (rxnfp
            // 0.1.0's bert_pretrained, which torch.load reads; reader's review).
            let bound = bytes > mapping.size
                ? "more than the file's \(mapping.size) (a stride of 0 repeats elements); a copy past the file's size is not made"
                : "more than the \(limit) bytes one file's copies may take in memory (\(SourceLimits.environmentVariable) raises it)"
            throw .source(path: mapping.path, kind: "strided-tensor",
                          message: "\(gathered.count) of the \(count) tensors are strided views (tensor \(quotedName(first.name)): shape "
                              + "\(first.shape), stride \(first.stride) of storage '\(first.storageKey)'), and their elements would take "
                              + "\(bytes == .max ? "more than 2^64" : String(bytes)) bytes once laid out in rows, \(bound); torch.load reads them: "
                              + "save them with .contiguous()")
        }
        // Views of no elements have no bytes to copy (each reads an empty range).
        guard total > 0 else { return nil }
        // Where each copy goes, worked out now: `entries` is not kept.
        let copies = gathered.map { (k, tensor) in (range: Int(entries[k].begin) ..< Int(entries[k].end), tensor: tensor) }
        return try MappedFile(deferredLength: total, label: mapping.path) { buffer in
            mapping.withBytes { file in
                for (range, tensor) in copies {
                    tensor.gather(from: file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[range]))
                    // The file pages it was read from leave the process (they stay in the page
                    // cache): a 100 MB file of two strided matrices peaked at 190 MB, the copies
                    // plus every page they were read from.
                    let span = tensor.spanByteRange
                    mapping.discard(offset: span.lowerBound, length: UInt64(span.count))
                }
            }
        }
    }

    /// What makes two strided views the same elements in the same order (one copy serves both).
    private struct StridedView: Hashable {
        let dtype: TorchDType
        let span: Range<UInt64>
        let shape: [UInt64]
        let stride: [UInt64]
    }

    /// The one-line error for a torch file that cannot be read.
    static func torchError(_ error: TorchFormatError, path: String, mapping: MappedFile) -> CheckpointError {
        switch error {
        case .pickle(let inner, let entry, let unsafe) where !unsafe.isEmpty:
            return .unsafePickle(path: path, globals: unsafe.map(\.description), detail: "\(entry): \(inner)")
        case .namesUnsafeGlobals(let inner, let unsafe):
            return .unsafePickle(path: path, globals: unsafe.map(\.description), detail: inner.description)
        case .rawPickleStream(let unsafe) where !unsafe.isEmpty:
            return .unsafePickle(path: path, globals: unsafe.map(\.description), detail: "a raw pickle stream, not a torch checkpoint; not read")
        case .tarArchive(let unsafe) where !unsafe.isEmpty:
            return .unsafePickle(path: path, globals: unsafe.map(\.description),
                                 detail: "a tar archive, which torch.load reads as torch.save's format before 0.4; not read")
        case .rawPickleStream, .tarArchive, .torchScriptArchive:
            return .source(path: path, kind: "unsupported-format", message: error.description)
        case .notACheckpoint:
            if let what = mapping.withBytes({ ZipContents.describe($0) }) {
                return .source(path: path, kind: "unsupported-format", message: "this is \(what), not a torch checkpoint; not supported")
            }
            return .source(path: path, kind: error.kind, message: error.description)
        default:
            return .source(path: path, kind: error.kind, message: error.description)
        }
    }
}

/// What a zip that is not a torch checkpoint holds, from its entry names: a NumPy `.npz`
/// (`*.npy` entries), a Keras 3 `.keras` archive (`config.json` + `model.weights.h5`). A hint for
/// the message, never a reader.
enum ZipContents {
    static func describe(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard let archive = try? ZipArchive(bytes), !archive.entries.isEmpty else { return nil }
        let names = archive.entries.map(\.name)
        if names.allSatisfy({ $0.hasSuffix(".npy") }) { return "a NumPy .npz archive" }
        if names.contains("config.json"), names.contains(where: { $0.hasSuffix(".weights.h5") }) {
            return "a Keras .keras archive (HDF5 weights)"
        }
        return nil
    }
}
