import GGUFFormat
import PyTorchFormat
import SafetensorsFormat
import StrictJSON

/// One file of a checkpoint, opened and validated, in whichever format it is: its mapping, the
/// format's own description (header, pickle facts, GGUF metadata) and the format-neutral tensor
/// table every analysis reads.
public struct CheckpointFile: Sendable {
    /// What the file is, with what its format says beyond the tensor table.
    public enum Format: Sendable {
        case safetensors(SafetensorsHeader)
        /// A torch.save zip checkpoint, read without executing its pickle.
        case pytorch(TorchFileFacts)
        /// A GGUF file (llama.cpp), header read strictly; quantized tensors are ggml blocks.
        case gguf(GGUFFile)
    }

    public let path: String
    public let format: Format
    /// Views of every tensor, in file order.
    public let tensors: [TensorView]
    package let mapping: MappedFile
    /// Each name's position in `tensors`, for formats without a name index of their own, keyed
    /// by code points (a GGUF file may hold `café.weight` precomposed and decomposed: two tensors).
    private let positions: [ExactText: Int]?

    /// A validated safetensors file.
    public init(_ file: SafetensorsFile) {
        path = file.path
        format = .safetensors(file.header)
        mapping = file.mapping
        tensors = file.tensors
        positions = nil
    }

    /// A file whose format reader made the views (`tensors` in file order, names unique).
    init(path: String, format: Format, mapping: MappedFile, tensors: [TensorView]) {
        self.path = path
        self.format = format
        self.mapping = mapping
        self.tensors = tensors
        var positions: [ExactText: Int] = [:]
        positions.reserveCapacity(tensors.count)
        for (i, view) in tensors.enumerated() where positions[ExactText(view.name)] == nil { positions[ExactText(view.name)] = i }
        self.positions = positions
    }

    /// The format's name as reports give it: `safetensors`, `pytorch`.
    public var formatName: String {
        switch format {
        case .safetensors: "safetensors"
        case .pytorch: "pytorch"
        case .gguf: "gguf"
        }
    }

    /// Names of tensors that are views of one stored buffer, one group per buffer with two or
    /// more tensors (how torch saves tied weights: once). Safetensors forbids it: always empty.
    public var sharedStorageGroups: [[String]] {
        switch format {
        case .safetensors, .gguf: []
        case .pytorch(let facts): facts.sharedStorageGroups
        }
    }

    /// Problems of the file's own format that did not stop it being read (GGUF reader problems,
    /// GGUF metadata contradicting the tensors, a torch pickle torch's default loader refuses);
    /// the checkpoint reports them with its sources'.
    public var formatIssues: [SourceIssue] {
        switch format {
        case .gguf(let file): return Self.ggufIssues(file, path: path)
        case .pytorch(let facts):
            var issues: [SourceIssue] = []
            if !facts.weightsOnlyUnsupportedOpcodes.isEmpty {
                issues.append(SourceIssue(.torchWeightsOnlyRefuses(opcodes: facts.weightsOnlyUnsupportedOpcodes, pickleProtocol: facts.pickleProtocol,
                                                                   torchVersion: WeightsOnlyOpcodes.torchVersion), file: path))
            }
            if !facts.safeLoaderRefusedGlobals.isEmpty {
                issues.append(SourceIssue(.torchSafeLoaderRefusesGlobals(globals: facts.safeLoaderRefusedGlobals,
                                                                         torchVersion: WeightsOnlyOpcodes.torchVersion), file: path))
            }
            if !facts.deviceLocations.isEmpty {
                issues.append(SourceIssue(.torchDeviceStorages(locations: facts.deviceLocations, storages: facts.deviceStorageCount,
                                                               total: facts.storageCount), file: path))
            }
            return issues
        case .safetensors: return []
        }
    }

    /// The safetensors header, for a safetensors file.
    public var safetensorsHeader: SafetensorsHeader? {
        if case .safetensors(let header) = format { return header }
        return nil
    }

    /// Size of the file in bytes.
    public var fileSize: UInt64 { mapping.size }

    /// Bytes before the tensor data that describe it: the safetensors JSON header's length
    /// (`nil` for a torch zip, whose storages are entries anywhere in the archive).
    public var headerLength: UInt64? {
        switch format {
        case .safetensors(let header): header.headerLength
        case .pytorch: nil
        case .gguf(let file): UInt64(file.dataOffset)
        }
    }

    /// Where the tensor data section starts in the file (`nil` for a torch zip).
    public var dataStart: UInt64? {
        switch format {
        case .safetensors(let header): header.dataStart
        case .pytorch: nil
        case .gguf(let file): UInt64(file.dataOffset)
        }
    }

    /// The largest power of two dividing the file offset of every non-empty tensor (and of the
    /// data section's start): what a reader can assume when it wants aligned loads.
    public var dataAlignment: UInt64 {
        var bits: UInt64 = dataStart ?? 0
        // A gathered view's bytes are a copy in memory: its first element's file offset counts.
        for tensor in tensors where tensor.info.byteCount > 0 {
            bits |= tensor.info.gathered?.storedBytes.lowerBound ?? (tensor.dataStart + tensor.info.begin)
        }
        return bits == 0 ? 1 : 1 << UInt64(bits.trailingZeroBitCount)
    }

    /// Bytes of tensor data the file holds: a safetensors data section, or a torch file's
    /// storages (each counted once, however many tensors view it).
    public var dataLength: UInt64 {
        switch format {
        case .safetensors(let header): header.dataLength
        case .pytorch(let facts): facts.storageByteCount
        case .gguf: tensors.reduce(0) { $0 + $1.info.byteCount }
        }
    }

    /// The most tensor data the file could hold (what a sharded index's `total_size` can be
    /// checked against): a safetensors file's size less its length prefix, a torch file's size,
    /// a GGUF file's bytes from its data section on. A GGUF file without tensors may end before
    /// its aligned data offset (gguf-py reads it), and then holds none.
    public var dataCapacity: UInt64 {
        switch format {
        case .safetensors: fileSize - 8
        case .pytorch: fileSize
        case .gguf(let file): UInt64(max(0, file.fileSize - file.dataOffset))
        }
    }

    /// String metadata of the file: safetensors' `__metadata__` (`nil` when absent), GGUF's
    /// key-value pairs summarised; keys by code points, as both formats' readers compare them.
    public var metadata: [ExactText: String]? {
        switch format {
        case .safetensors(let header): header.metadata
        case .pytorch: nil
        case .gguf(let file): Dictionary(file.metadata.entries.map { (ExactText($0.key), $0.value.summary) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Position in `tensors` of the tensor called `name` (the same code points).
    public func position(of name: String) -> Int? {
        if let positions { return positions[ExactText(name)] }
        if case .safetensors(let header) = format { return header.position(of: name) }
        return nil
    }

    /// The view of the tensor called `name`.
    public func tensor(named name: String) throws(CheckpointError) -> TensorView {
        guard let position = position(of: name) else { throw .tensorNotFound(path: path, name: name) }
        return tensors[position]
    }

    /// Hints that the whole data section is about to be read once.
    public func adviseSequentialScan() {
        let start: UInt64
        switch format {
        case .safetensors(let header): start = header.dataStart
        case .pytorch(let facts): start = facts.firstStorageOffset
        case .gguf(let file): start = UInt64(file.dataOffset)
        }
        mapping.advise(.sequential, offset: start)
        mapping.advise(.willNeed, offset: start)
    }

    /// Fails when the file on disk no longer has the size it had when mapped; a shrunk
    /// file would fault on access, so analyses call this before and after reading.
    public func checkUnchanged() throws(CheckpointError) {
        if let current = mapping.currentSizeOnDisk(), current != mapping.size, mapping.path == path,
           !path.hasPrefix("<") {
            throw .fileChanged(path: path, mappedSize: mapping.size, currentSize: current)
        }
    }
}
