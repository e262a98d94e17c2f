/// One tensor of a torch checkpoint: what its `_rebuild_tensor` call says, checked against its storage.
public struct TorchTensor: Sendable, Equatable {
    /// State-dict key path; nested dict keys and list indices joined with '.'; `""` for a bare tensor.
    public let name: String
    public let dtype: TorchDType
    public let shape: [UInt64]
    /// Strides in elements, as torch stores them.
    public let stride: [UInt64]
    public let storageKey: String
    /// Offset into the storage, in elements of `dtype`.
    public let storageOffset: UInt64
    /// The storage's size in elements of `dtype` (its bytes divided by the element size).
    public let storageElementCount: UInt64
    public let requiresGrad: Bool
    /// Rebuilt through `_rebuild_parameter` (an `nn.Parameter`).
    public let isParameter: Bool
    /// The product of `shape` (1 for a 0-d tensor).
    public let elementCount: UInt64
    /// True when `stride` is the row-major stride of `shape` (torch's `is_contiguous`: strides of
    /// size-1 dimensions are ignored, an empty tensor is contiguous).
    public let isContiguous: Bool
    /// File bytes of the elements in row-major order, when contiguous; `nil` for other strides,
    /// which must be gathered element by element (never read as if contiguous).
    public let contiguousByteRange: Range<UInt64>?
    /// File bytes from the first to the last element the view touches (empty for an empty tensor).
    public let spanByteRange: Range<UInt64>
}

/// One storage: a zip entry `data/<key>` holding raw little-endian elements, or in a legacy
/// file a record after the pickles (`LegacyTorchReader`).
public struct TorchStorage: Sendable, Equatable {
    public let key: String
    /// From a typed storage class; `nil` for `torch.storage.UntypedStorage` (its tensors carry the dtype).
    public let dtype: TorchDType?
    /// The count the pickle declares: elements for a typed storage, bytes for an untyped one.
    public let declaredCount: UInt64
    public let byteCount: UInt64
    public let location: String
    /// The zip entry's name; a legacy file's storage key.
    public let entryName: String
    /// The entry's data in the file (a legacy record's elements, after its count).
    public let byteRange: Range<UInt64>
}

/// What a torch checkpoint contains, read without running its pickle.
public struct TorchCheckpoint: Sendable {
    /// The name part a dict key that is not text, a number, a bool or None stands as (bytes, a
    /// tuple, an object): such keys are not told apart.
    public static let nonTextKey = TensorCollector.nonTextKey

    /// The archive's top folder (`pytorch_model`, `archive`, …); empty for a legacy file.
    public let root: String
    public let tensors: [TorchTensor]
    /// Storages in order of first use.
    public let storages: [TorchStorage]
    /// Names of tensors whose bytes overlap in one storage, one group per run of such views with
    /// two or more tensors, in order of the storages' first use (tied weights are saved this
    /// way: once); disjoint slices of one storage are no group (`TorchCheckpointReader.sharedGroups`).
    public let sharedStorageGroups: [[String]]
    /// Tensors of kinds torch's safe loader rebuilds and this reader does not read (quantized,
    /// sparse, …), in state-dict order; not in `tensors`.
    public let unsupportedTensors: [UnsupportedTorchTensor]
    /// Globals outside `RecognisedGlobals`, in first-seen order: the `pickle-unsafe-global` evidence.
    public let unsafeGlobals: [PickleGlobal]
    /// Every global the pickle names.
    public let globals: [PickleGlobal]
    /// Zip entry names that are absolute or contain `..` (never extracted; a sign of a hand-built file).
    public let suspiciousEntryNames: [String]
    public let pickleProtocol: Int
    public let isZip64: Bool
    /// Opcodes of the pickle that torch's weights-only unpickler lacks, as "NAME (0xNN)": when
    /// any, `torch.load(path)` (weights_only=True) refuses the file (`WeightsOnlyOpcodes`).
    public let weightsOnlyUnsupportedOpcodes: [String]
    /// Read from the legacy (pre-1.6) raw pickle stream (`LegacyTorchReader`), not a zip.
    public let isLegacy: Bool
    /// The pickle's values at named places that are not tensors (`TorchValue`): the first
    /// `TorchValue.maxListed`, in the order the walk meets them.
    public var values: [TorchValue] = []
    /// How many such values there are.
    public var valueCount = 0
}
