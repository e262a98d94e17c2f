import PyTorchFormat

/// What a torch file's checkpoint says beyond its tensor views, kept as long as the file is open.
///
/// Not the whole `TorchCheckpoint`: once the views are made, its per-tensor and per-storage
/// records (name, shape, stride, storage key, entry name, ranges: ~250 bytes a tensor) are
/// copies of what the views hold — 12 MB of an audit's heap for 50,000 tensors.
public struct TorchFileFacts: Sendable {
    /// The archive's top folder (`pytorch_model`, `archive`, …); empty for a legacy file.
    public let root: String
    /// Names of tensors that share one storage (`TorchCheckpoint.sharedStorageGroups`).
    public let sharedStorageGroups: [[String]]
    /// Bytes of all storages, each counted once.
    public let storageByteCount: UInt64
    /// File offset of the first storage's data (0 without storages).
    public let firstStorageOffset: UInt64
    /// Every global the pickle names.
    public let globals: [PickleGlobal]
    public let pickleProtocol: Int
    public let isZip64: Bool
    /// The legacy (pre-1.6) raw stream, not a zip (`TorchCheckpoint.isLegacy`).
    public let isLegacy: Bool
    /// Pickle opcodes torch's weights-only unpickler lacks (`TorchCheckpoint`).
    public let weightsOnlyUnsupportedOpcodes: [String]
    /// The pickle's named values that are not tensors, the first `TorchValue.maxListed`
    /// (`TorchCheckpoint.values`), and how many there are.
    public let values: [TorchValue]
    public let valueCount: Int
    /// Globals torch's safe loader refuses that the file was read despite
    /// (`RecognisedGlobals.harmlessOutsideSafeList`), as `module.name`.
    public let safeLoaderRefusedGlobals: [String]

    init(_ checkpoint: TorchCheckpoint) {
        root = checkpoint.root
        sharedStorageGroups = checkpoint.sharedStorageGroups
        storageByteCount = checkpoint.storages.reduce(0) { $0 + $1.byteCount }
        firstStorageOffset = checkpoint.storages.map(\.byteRange.lowerBound).min() ?? 0
        globals = checkpoint.globals
        pickleProtocol = checkpoint.pickleProtocol
        isZip64 = checkpoint.isZip64
        isLegacy = checkpoint.isLegacy
        weightsOnlyUnsupportedOpcodes = checkpoint.weightsOnlyUnsupportedOpcodes
        values = checkpoint.values
        valueCount = checkpoint.valueCount
        safeLoaderRefusedGlobals = checkpoint.unsafeGlobals.filter(RecognisedGlobals.harmlessOutsideSafeList.contains).map(\.description)
    }
}
