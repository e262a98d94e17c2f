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
    /// The locations other than `cpu` that storages were saved from (`cuda:0`, `mps`), in order
    /// of first use, and how many storages name one: `torch.load` restores each storage there
    /// unless given `map_location`, and fails on a machine without that device.
    public let deviceLocations: [String]
    public let deviceStorageCount: Int
    /// Storages in the file.
    public let storageCount: Int

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
        let onDevices = checkpoint.storages.filter { $0.location != "cpu" }
        var seen = Set<String>()
        deviceLocations = onDevices.map(\.location).filter { seen.insert($0).inserted }
        deviceStorageCount = onDevices.count
        storageCount = checkpoint.storages.count
    }
}
