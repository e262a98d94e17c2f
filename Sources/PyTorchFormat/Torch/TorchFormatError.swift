/// Everything that stops a torch checkpoint from being read. `kind` is a stable identifier for
/// scripts and tests; `description` is one line a person can act on.
public indirect enum TorchFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case zip(ZipError)
    /// The pickle could not be interpreted; `unsafeGlobalsSeen` lists the unrecognised globals it
    /// named before the failure, so a scanner can still report them.
    case pickle(PickleError, entry: String, unsafeGlobalsSeen: [PickleGlobal])
    /// A raw pickle stream that does not start with the legacy torch.save magic number (a legacy
    /// file that does is read: `LegacyTorchReader`). Its first pickle is still interpreted
    /// symbolically: `unsafeGlobals` lists what it names outside `RecognisedGlobals`, so a
    /// scanner can report a payload in a file we do not read.
    case rawPickleStream(unsafeGlobals: [PickleGlobal])
    /// A tar archive: torch.load reads it as torch.save's format before 0.4 and unpickles its
    /// `pickle` member (with weights_only=True it refuses the format). `unsafeGlobals`: what
    /// that member names outside `RecognisedGlobals`.
    case tarArchive(unsafeGlobals: [PickleGlobal])
    /// A TorchScript archive (`torch.jit.save`: `code/`, `constants.pkl`), which holds code, not a state dict.
    case torchScriptArchive(root: String)
    /// A zip archive that is not a torch checkpoint (no `<folder>/data.pkl`, or several).
    case notACheckpoint(reason: String)
    /// A `_rebuild_tensor` call whose arguments are not what torch.save writes.
    case invalidTensor(name: String, reason: String)
    /// A dtype this reader does not know (quantized, packed 4-bit, …).
    case unsupportedDType(name: String, dtype: String)
    /// The storage's zip entry `data/<key>` is absent.
    case storageMissing(key: String, entry: String)
    /// The pickle's element count × element size disagrees with the entry's size.
    case storageSizeMismatch(key: String, declared: UInt64, elementBytes: Int, entryBytes: UInt64)
    /// Two references to one storage key disagree on its type or size.
    case storageInconsistent(key: String, reason: String)
    /// A legacy file's storage record (`LegacyTorchReader`) that disagrees with the pickle or the
    /// file; `kind` is the zip reader's kind for the same problem (`storage-missing`,
    /// `storage-size-mismatch`, `storage-inconsistent`).
    case storageRecord(key: String, kind: String, reason: String)
    /// A tensor whose offset, shape and strides reach outside its storage (or overflow 64 bits).
    case tensorOutOfStorage(name: String, reason: String)
    /// A tensor torch.load would rebuild where it has no state-dict name (`place`: "as a dict
    /// key", "in an OrderedDict's attributes (BUILD state, such as _metadata)", …), under the
    /// name `near` (empty: the top level). Not read, and not left out of a report either.
    case unnamedTensor(near: String, place: String)
    /// A tensor among the items an `OrderedDict(items)` or `Counter(mapping)` call read, where
    /// the pickle changes those items after the call (`container` names the call): torch.load
    /// keeps them as they were at the call, which the pickle's final state does not show, so
    /// the reader cannot tell which tensor torch.load returns under which name.
    case itemsChangedAfterCall(near: String, container: String)
    /// A bound on the walk over the unpickled objects was exceeded.
    case limitExceeded(what: String, limit: Int)
    /// `error` stopped the read of a pickle that names `unsafeGlobals` (outside
    /// `RecognisedGlobals`): the globals come first in a report. Why: a payload can sit where the
    /// reader then fails, such as `posix.system(...)` as a tensor's size (torch.load runs it and
    /// gets 0, a valid size), or a storage class in a persistent id; the failure alone
    /// ("invalid-tensor") hid it.
    case namesUnsafeGlobals(TorchFormatError, unsafeGlobals: [PickleGlobal])

    /// `error`, wrapped in `namesUnsafeGlobals` with the globals of `named` outside
    /// `RecognisedGlobals` when there are any: the one rule for every failure after a pickle ran.
    static func failing(_ error: TorchFormatError, named: [PickleGlobal]) -> TorchFormatError {
        let unsafe = RecognisedGlobals.unsafe(named)
        return unsafe.isEmpty ? error : .namesUnsafeGlobals(error, unsafeGlobals: unsafe)
    }

    public var kind: String {
        switch self {
        case .zip(let error): error.kind
        case .pickle(let error, _, _): error.kind
        case .rawPickleStream: "raw-pickle-stream"
        case .tarArchive: "tar-archive"
        case .torchScriptArchive: "torchscript-archive"
        case .notACheckpoint: "not-a-torch-checkpoint"
        case .invalidTensor: "invalid-tensor"
        case .unsupportedDType: "unsupported-dtype"
        case .storageMissing: "storage-missing"
        case .storageSizeMismatch: "storage-size-mismatch"
        case .storageInconsistent: "storage-inconsistent"
        case .storageRecord(_, let kind, _): kind
        case .tensorOutOfStorage: "tensor-out-of-storage"
        case .unnamedTensor: "unnamed-tensor"
        case .itemsChangedAfterCall: "items-changed-after-call"
        case .limitExceeded: "limit-exceeded"
        case .namesUnsafeGlobals(let error, _): error.kind
        }
    }

    public var description: String {
        switch self {
        case .zip(let error): error.description
        case .pickle(let error, let entry, let unsafe):
            "\(entry): \(error)" + (unsafe.isEmpty ? "" : "; unsafe globals named before the error: "
                + unsafe.map(\.description).joined(separator: ", "))
        case .rawPickleStream(let unsafe):
            "this is a raw pickle stream that does not start with torch.save's magic number, not a torch checkpoint; not supported"
                + (unsafe.isEmpty ? "" : "; it names unsafe globals: " + unsafe.map(\.description).joined(separator: ", "))
        case .tarArchive(let unsafe):
            "this is a tar archive, which torch.load reads as torch.save's format before 0.4 (members storages, tensors, pickle; "
                + "refused by weights_only=True); not supported" + (unsafe.isEmpty ? "" : "; its pickle member names unsafe globals: "
                + unsafe.map(\.description).joined(separator: ", "))
        case .torchScriptArchive(let root):
            "this is a TorchScript archive ('\(root)/code/', constants.pkl), which holds code; not supported"
        case .notACheckpoint(let reason): "not a torch checkpoint: \(reason)"
        case .invalidTensor(let name, let reason): "tensor '\(name)': \(reason)"
        case .unsupportedDType(let name, let dtype): "tensor '\(name)': dtype \(dtype) is not supported"
        case .storageMissing(let key, let entry): "storage '\(key)': zip entry '\(entry)' is missing"
        case .storageSizeMismatch(let key, let declared, let width, let entryBytes):
            "storage '\(key)': the pickle declares \(declared) elements of \(width) bytes, the zip entry holds \(entryBytes) bytes"
        case .storageInconsistent(let key, let reason), .storageRecord(let key, _, let reason): "storage '\(key)': \(reason)"
        case .tensorOutOfStorage(let name, let reason): "tensor '\(name)': \(reason)"
        case .unnamedTensor(let near, let place):
            "a tensor stored \(place) " + (near.isEmpty ? "at the top level" : "under '\(near)'")
                + " is not read: torch.load rebuilds it, but it has no state-dict name"
        case .itemsChangedAfterCall(let near, let container):
            "the items of \(container) " + (near.isEmpty ? "at the top level" : "under '\(near)'")
                + " hold a tensor and are changed after the call that read them: torch.load keeps them as they were at the call, "
                + "which the pickle's final state does not show, so which tensor it returns under which name is not known; not read"
        case .limitExceeded(let what, let limit): "\(what) exceeds the limit of \(limit)"
        case .namesUnsafeGlobals(let error, let unsafe):
            "\(error); the pickle names unsafe globals: " + unsafe.map(\.description).joined(separator: ", ")
        }
    }
}
