/// The globals a pickle may name and still be read: the names torch's own safe loader,
/// `torch.load(weights_only=True)`, accepts by default (`_get_allowed_globals` in
/// `torch/_weights_only_unpickler.py`, torch 2.13). Everything else a pickle names is reported as
/// unsafe: loading the file with `torch.load(weights_only=False)` or `pickle` would import it
/// and, through `REDUCE`/`NEWOBJ`/`BUILD`, may call it. "Unsafe" means "not proven harmless", not
/// "proven malicious": a pickled optimizer or a whole `nn.Module` also names its own classes.
///
/// Why torch's list and not only what a state dict of dense tensors needs: a checkpoint holds
/// plain values beside its tensors (`torch.Size`, `torch.device`, bytes through `_codecs.encode`,
/// sets, complex numbers, `Counter`, layouts, quantization schemes), and refusing them as unsafe
/// called files unsafe that torch's safe loader opens. Here they are only names: nothing is ever
/// called, the calls they head are walked like any container (a tensor inside is still found).
/// Torch's loader refuses `frozenset`, `slice`, `range` and every module or class outside this
/// list; so does this one.
public enum RecognisedGlobals {
    // `String` sets and `==` are exact here: every name below is ASCII without K, ; or `, so no
    // other spelling of a pickle's global is canonically equivalent to one (`ExactText`).
    /// `_rebuild_tensor(storage, offset, size, stride)` is what torch before 1.0 wrote (legacy
    /// files of 2017–2018); the safe loader still reads it.
    static let tensorRebuilders: Set<String> = ["_rebuild_tensor", "_rebuild_tensor_v2", "_rebuild_tensor_v3"]
    static let parameterRebuilders: Set<String> = ["_rebuild_parameter", "_rebuild_parameter_with_state"]
    /// `torch._tensor._rebuild_from_type_v2(func, type, args, state)`: a tensor with Python
    /// attributes (or of a subclass), rebuilt by `func(*args)`.
    static let typedRebuilder = PickleGlobal(module: "torch._tensor", name: "_rebuild_from_type_v2")

    /// The `torch._utils` rebuild functions torch's safe loader accepts for tensors that are not
    /// one dense storage view, by the kind of tensor each rebuilds: recognised, never read.
    static let unreadRebuilders: [String: String] = [
        "_rebuild_qtensor": "quantized",
        "_rebuild_sparse_tensor": "sparse",
        "_rebuild_nested_tensor": "nested",
        "_rebuild_meta_tensor_no_storage": "meta (no storage)",
        "_rebuild_wrapper_subclass": "wrapper subclass",
        "_rebuild_device_tensor_from_numpy": "device tensor from numpy",
        "_rebuild_device_tensor_from_cpu_tensor": "device tensor",
    ]

    /// Plain values and types, by `module.name`.
    static let values: Set<String> = [
        "collections.OrderedDict", "collections.Counter",
        "builtins.set", "builtins.complex", "builtins.bytearray", "_codecs.encode",
        "torch.Size", "torch.device", "torch.Tensor", "torch.nn.parameter.Parameter",
        "torch.serialization._get_layout",
        "torch.storage.TypedStorage", "torch.storage.UntypedStorage",
        "torch.per_tensor_affine", "torch.per_tensor_symmetric", "torch.per_channel_affine",
        "torch.per_channel_symmetric", "torch.per_channel_affine_float_qparams",
    ]

    /// dtype globals beyond `TorchDType` (quantized, bit-packed, sub-byte integers, float4).
    static let otherDTypes: Set<String> = {
        var names: Set<String> = ["qint8", "quint8", "qint32", "quint4x2", "quint2x4",
                                  "bits1x8", "bits2x4", "bits4x2", "bits8", "bits16", "float4_e2m1fn_x2"]
        for width in 1 ... 7 { names.insert("int\(width)"); names.insert("uint\(width)") }
        return names
    }()

    /// The legacy storage classes (`torch.FloatStorage`, `torch.cuda.HalfStorage`, …) and tensor
    /// classes (`torch.FloatTensor`, `torch.sparse.LongTensor`, …), per module.
    static let classes: [String: Set<String>] = {
        let storages = ["BFloat16", "Bool", "Byte", "Char", "ComplexDouble", "ComplexFloat", "Double", "Float", "Half",
                        "Int", "Long", "Short"]
        let quantized = ["QInt8", "QUInt8", "QInt32", "QUInt4x2", "QUInt2x4"]
        let tensors = ["BFloat16", "Bool", "Byte", "Char", "Double", "Float", "Half", "Int", "Long", "Short"]
        let sparse = tensors.filter { $0 != "Bool" }
        return [
            "torch": Set((storages + quantized).map { $0 + "Storage" } + tensors.map { $0 + "Tensor" }),
            "torch.cuda": Set(storages.map { $0 + "Storage" } + tensors.map { $0 + "Tensor" }),
            "torch.sparse": Set(sparse.map { $0 + "Tensor" }),
            "torch.cuda.sparse": Set(sparse.map { $0 + "Tensor" }),
        ]
    }()

    /// Python 2 module names a protocol-2 pickle writes (`__builtin__.set`), read as Python 3
    /// reads them (pickle's `fix_imports`, which torch's loader applies too). Only the modules
    /// whose new names hold an accepted global matter here.
    static let python2Modules: [String: String] = [
        "__builtin__": "builtins", "UserDict": "collections", "UserList": "collections", "UserString": "collections",
    ]

    /// The global as Python 3 names it.
    static func canonical(_ global: PickleGlobal) -> PickleGlobal {
        guard let module = python2Modules[global.module] else { return global }
        return PickleGlobal(module: module, name: global.name)
    }

    /// The globals of `globals` outside this list, in their order: a pickle's unsafe globals.
    public static func unsafe(_ globals: [PickleGlobal]) -> [PickleGlobal] { globals.filter { !isRecognised($0) } }

    /// Globals torch's safe loader refuses (they are outside its list) that build nothing but a
    /// value this reader never needs to build: `torch.torch_version.TorchVersion`, a `str`
    /// subclass torch uses to record its own version (`{"torch_version": TorchVersion("2.11.0")}`
    /// in a checkpoint's metadata; torch.load suggests `add_safe_globals` for it). A file whose
    /// only refused globals are these is read (nothing is ever executed), with a warning that
    /// torch.load's default refuses it. Why: CrisCross 0.1.8's fp16 weights were refused whole,
    /// "not analysed", over this one global (reader's review, 2026-12-05).
    public static let harmlessOutsideSafeList: Set<PickleGlobal> = [PickleGlobal(module: "torch.torch_version", name: "TorchVersion")]

    public static func isRecognised(_ global: PickleGlobal) -> Bool {
        let g = canonical(global)
        switch g.module {
        case "torch._utils":
            return tensorRebuilders.contains(g.name) || parameterRebuilders.contains(g.name) || unreadRebuilders[g.name] != nil
        case "torch._tensor":
            return g == typedRebuilder
        case "torch" where TorchDType(rawValue: g.name) != nil || otherDTypes.contains(g.name):
            return true
        default:
            return classes[g.module]?.contains(g.name) == true || values.contains(g.description)
        }
    }

    /// How many positional arguments a recognised value global takes when a pickle calls it
    /// (`REDUCE`: `callee(*arguments)`), for those with a fixed range; an empty range for those
    /// that are not callable at all (dtypes, quantization schemes). nil: not checked (the
    /// rebuild functions, checked where their arguments are read; constructors that take
    /// anything). Why: torch.load fails on `torch.Size(a, b, c, d, e, f)` ("tuple expected at
    /// most 1 argument"), with weights_only or without, where the file was read and passed
    /// `audit` (helper review, 2026-12-05).
    static func arity(of global: PickleGlobal) -> ClosedRange<Int>?? {
        // By module first, without building strings: this runs for every call of a pickle, and a
        // state dict's are nearly all `torch._utils` rebuilds (a 60,000-tensor file spent a fifth
        // of its read here when the name was spelled out first).
        // (Each unchecked answer is a plain `return nil`, never `cond ? range : nil`: the
        // conditional's nil is the inner one, `.some(nil)`, "not callable at all", which called
        // `collections.defaultdict(dict)` a call unpickling fails on: reader's review, 2026-12-05.)
        let unchecked: ClosedRange<Int>?? = nil
        switch global.module {
        case "collections":
            if global.name == "OrderedDict" || global.name == "Counter" { return 0 ... 1 }
            return unchecked
        case "builtins", "__builtin__":
            switch global.name {
            case "set": return 0 ... 1
            case "complex": return 0 ... 2
            case "bytearray": return 0 ... 3
            default: return nil
            }
        case "_codecs": return global.name == "encode" ? 1 ... 3 : unchecked
        case "torch.serialization": return global.name == "_get_layout" ? 1 ... 1 : unchecked
        case "torch.nn.parameter": return global.name == "Parameter" ? 0 ... 2 : unchecked
        case "torch", "torch.cuda":
            if global.module == "torch" {
                if global.name == "Size" { return 0 ... 1 }
                if global.name == "device" { return 1 ... 2 }
                if TorchDType(rawValue: global.name) != nil || otherDTypes.contains(global.name) || global.name.hasPrefix("per_") { return .some(nil) }
            }
            // torch.load's unpickler resolves every name holding "Storage" to a `StorageType`,
            // which only carries a dtype: `torch.FloatStorage(3)` fails ("'StorageType' object is
            // not callable").
            if global.name.hasSuffix("Storage"), classes[global.module]?.contains(global.name) == true { return .some(nil) }
            return nil
        default:
            return nil
        }
    }

    /// Recognised globals whose one argument must be iterable: a number, a bool or None there
    /// fails the call (`set(5)`: "'int' object is not iterable").
    static let iterableArgument: Set<PickleGlobal> = [PickleGlobal(module: "collections", name: "OrderedDict"),
                                                      PickleGlobal(module: "collections", name: "Counter"),
                                                      PickleGlobal(module: "builtins", name: "set"), PickleGlobal(module: "torch", name: "Size")]

    /// The `nn.Parameter` class itself, called on a tensor.
    static let directParameter = PickleGlobal(module: "torch.nn.parameter", name: "Parameter")

    static func isCounter(_ value: PickleValue) -> Bool {
        guard case .global(let g) = value else { return false }
        return canonical(g) == PickleGlobal(module: "collections", name: "Counter")
    }

    static func isSet(_ value: PickleValue) -> Bool {
        guard case .global(let g) = value else { return false }
        return canonical(g) == PickleGlobal(module: "builtins", name: "set")
    }

    /// The recognised globals that build a plain value of their arguments (a number, bytes, a
    /// size, a device, a layout): torch.load returns that value, so a tensor among the
    /// arguments is no tensor of the checkpoint. Why: `complex(t)` of an all-NaN 0-d tensor
    /// loads as `(nan+0j)`, but the tensor was read as `c.0` and failed `audit` (hunt-63a M1).
    /// (`torch.Size` of integers is read as the tuple it is, `TensorCollector.sizeItems`.)
    static let valueBuilders: Set<PickleGlobal> = [
        PickleGlobal(module: "builtins", name: "complex"), PickleGlobal(module: "builtins", name: "bytearray"),
        PickleGlobal(module: "_codecs", name: "encode"), PickleGlobal(module: "torch", name: "Size"),
        PickleGlobal(module: "torch", name: "device"), PickleGlobal(module: "torch.serialization", name: "_get_layout"),
    ]

    /// The value-building global `value` names (`valueBuilders`), as Python 3 names it.
    static func valueBuilder(_ value: PickleValue) -> PickleGlobal? {
        guard case .global(let g) = value, valueBuilders.contains(canonical(g)) else { return nil }
        return canonical(g)
    }

    static func isOrderedDict(_ value: PickleValue) -> Bool {
        guard case .global(let g) = value else { return false }
        return canonical(g) == PickleGlobal(module: "collections", name: "OrderedDict")
    }

    /// How a call rebuilds a tensor, when its callee is one of torch's rebuild functions.
    enum Rebuild: Equatable {
        /// `_rebuild_tensor`/`_v2`/`_v3`: a view of one storage, read.
        case dense(String)
        /// `_rebuild_parameter`(`_with_state`): an `nn.Parameter` around a tensor.
        case parameter(String)
        /// `_rebuild_from_type_v2`: a tensor rebuilt by another function, then given a type and state.
        case typed
        /// A tensor kind not read (quantized, sparse, …), with the function's name.
        case unread(kind: String, function: String)
    }

    static func rebuild(_ value: PickleValue) -> Rebuild? {
        guard case .global(let g) = value else { return nil }
        if g == typedRebuilder { return .typed }
        // `torch.FloatTensor([…])`, `torch.Tensor([…])`: a tensor torch.load builds from values
        // written in the pickle itself, no storage behind it: returned, so not left out (its NaN
        // passed `audit`; helper review, 2026-12-05), and not read either.
        if g.name.hasSuffix("Tensor"), g == PickleGlobal(module: "torch", name: "Tensor") || classes[g.module]?.contains(g.name) == true {
            return .unread(kind: "built by calling \(g) on values in the pickle", function: g.description)
        }
        // `torch.nn.parameter.Parameter(tensor[, requires_grad])`, which weights_only also
        // accepts: that tensor, as a parameter. Read as the tensor under its own name (it was
        // searched as an unknown call, and named `p.0` where torch.load returns `p`).
        if g == directParameter { return .parameter(directParameter.description) }
        guard g.module == "torch._utils" else { return nil }
        if tensorRebuilders.contains(g.name) { return .dense(g.name) }
        if parameterRebuilders.contains(g.name) { return .parameter(g.name) }
        if let kind = unreadRebuilders[g.name] { return .unread(kind: kind, function: g.name) }
        return nil
    }
}
