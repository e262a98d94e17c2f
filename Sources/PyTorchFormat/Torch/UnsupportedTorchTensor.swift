/// A tensor torch's safe loader (`torch.load(weights_only=True)`) rebuilds but this reader does
/// not read: quantized, sparse, nested, meta, a wrapper subclass, a device tensor. Its rebuild
/// function is an accepted global (the file is not unsafe for naming it); its elements are not
/// one dense view of a storage, so reading its storage as the tensor would report wrong values.
/// The reader lists these and reads the rest; the caller decides (`CheckpointIO` refuses the file,
/// as it refuses a complex128 tensor).
public struct UnsupportedTorchTensor: Sendable, Equatable, CustomStringConvertible {
    /// State-dict key path, as for `TorchTensor.name`.
    public let name: String
    /// `quantized`, `sparse`, `nested`, …
    public let kind: String
    /// The `torch._utils` function that rebuilds it (`_rebuild_qtensor`).
    public let function: String
    /// What the call says about it, when it says: the element type (`qint8`), the layout
    /// (`torch.sparse_coo`).
    public let detail: String?

    /// `quantized, qint8`.
    public var description: String { detail.map { "\(kind), \($0)" } ?? kind }
}

extension TensorCollector {
    /// The element type or layout an unread rebuild call names, read leniently: it only words the
    /// message, so an argument of another shape gives no detail rather than an error.
    func unsupportedDetail(_ function: String, arguments: PickleValue) -> String? {
        guard let args = program.object(arguments), args.kind == .tuple, let first = args.elements.first else { return nil }
        switch function {
        case "_rebuild_qtensor", "_rebuild_tensor":
            // (storage, …): the persistent id ('storage', <storage class>, key, location, count)
            guard let persistent = program.object(first), persistent.kind == .persistentID, let idValue = persistent.elements.first,
                  let id = program.object(idValue), id.elements.count >= 2, case .global(let type) = id.elements[1] else { return nil }
            if let quantized = Self.quantizedStorages[type.name] { return quantized }
            if let dtype = TorchDType(storageClass: type.name) { return dtype.rawValue }
            return type.description
        case "_rebuild_sparse_tensor":
            // (layout, data): the layout as _get_layout('torch.sparse_coo')
            guard let layout = program.object(first), case .call(_, let layoutArguments, _) = layout.kind,
                  let name = program.object(layoutArguments)?.elements.first, case .string(let text) = name else { return nil }
            return text
        default:
            // The first dtype global among the arguments (meta, wrapper subclass, device tensors).
            for element in args.elements {
                if case .global(let g) = element, g.module == "torch",
                   TorchDType(rawValue: g.name) != nil || RecognisedGlobals.otherDTypes.contains(g.name) { return g.name }
            }
            return nil
        }
    }

    static let quantizedStorages = ["QInt8Storage": "qint8", "QUInt8Storage": "quint8", "QInt32Storage": "qint32",
                                    "QUInt4x2Storage": "quint4x2", "QUInt2x4Storage": "quint2x4"]
}
