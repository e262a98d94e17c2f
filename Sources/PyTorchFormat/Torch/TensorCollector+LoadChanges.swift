/// What torch.load does to a tensor after its rebuild call, where that changes the values the
/// file stores: a `BUILD` on it, its saved Python attributes, its metadata. This reader reports
/// the stored bytes, so a tensor whose values torch.load changes is refused (`invalid-tensor`,
/// naming the tensor and what torch.load does), never reported with values the loaded model
/// does not hold. Why: each of these passed `audit` with the stored values while torch.load
/// returned others — an empty tensor, all NaN, the negated numbers (hunt-63a H1, H2, H3).
extension TensorCollector {
    // MARK: - BUILD (hunt-63a H1)

    /// Applies the `BUILD`s that ran on tensor object `object` (a rebuild call) to its
    /// declaration, as torch's weights-only unpickler does, or refuses the tensor.
    ///
    /// On a plain `torch.Tensor` the unpickler runs `inst.set_(*state)` ("legacy unpickling"):
    /// an empty state (`()`, `{}`, `[]`, `''`, `b''`, `set()`) is `set_()`, which empties the
    /// tensor — torch.load returned `tensor([])` where this reader read the stored 4 values; a
    /// state holding a storage or tensor points it elsewhere (refused before this, as a tensor
    /// without a name); any other state fails `set_`. torch.save never writes such a BUILD, so
    /// every one is refused. The empty tensor is the one object, so a BUILD applied later
    /// through the memo (`GET` then `BUILD`) empties it under every name: each is refused.
    ///
    /// On an `nn.Parameter` the unpickler calls `Parameter.__setstate__` (`Tensor`'s) once per
    /// BUILD, in order. It unpacks `(requires_grad, _, backward_hooks)` — a tuple or a list —
    /// and fails on other states (`()`: "not enough values to unpack"; a requires_grad that is
    /// not a bool: "requires_grad must be a bool"); a state of 4 or 5 items is `set_(*state)`
    /// or replaces the data (refused as failing or, holding a tensor, as a tensor without a
    /// name). Each BUILD is applied as torch.load applies it: requires_grad is the last one's,
    /// and an integer tensor made to require gradients by any of them is refused, as torch.load
    /// fails there. Why: a Parameter with two BUILDs was refused though torch.load reads it
    /// (`param-build-twice.pt`, `param-build-true-false.pt`).
    ///
    /// The states of object `index` are gone through once: later names of it take the
    /// requires_grad found then (`buildOutcomes`). Why: a Parameter with 500,000 BUILDs reached
    /// 300,000 times went through every state on every visit, and ran for minutes.
    mutating func applyBuild(of object: PickleObject, at index: Int, asParameter: Bool,
                             to declaration: inout TensorDeclaration) throws(TorchFormatError) {
        guard let last = object.state else { return }
        if asParameter, let requiresGrad = buildOutcomes[index] {
            declaration.requiresGrad = requiresGrad
            return
        }
        guard asParameter else {
            if isEmptyState(last), object.earlierStates.allSatisfy(isEmptyState) {
                throw .invalidTensor(name: declaration.name, reason: "a BUILD with an empty state follows its rebuild, which torch.load applies as "
                    + "set_() and so empties the tensor; torch.save never writes such a BUILD, and the stored values are not what torch.load returns")
            }
            throw .invalidTensor(name: declaration.name, reason: "a BUILD follows its rebuild, whose state torch.load passes to set_(*state), "
                + "which fails on it unless it holds a storage or tensor to point the tensor at; torch.save never writes such a BUILD")
        }
        let count = object.buildCount
        // Read in place: an array of the states took 32 MB for 1,000,000 BUILDs.
        for position in 0 ..< object.earlierStates.count + 1 {
            let state = position < object.earlierStates.count ? object.earlierStates[position] : last
            // A subject that takes "has …" (hunt-64c L1: "a BUILD follows its rebuild has a state").
            let which = count == 1 ? "the BUILD after its rebuild" : "the \(Self.ordinal(position + 1)) of the \(count) BUILDs after its rebuild"
            guard let tuple = program.object(state), tuple.kind == .tuple || tuple.kind == .list, tuple.elements.count == 3,
                  tuple.entries.isEmpty else {
                throw .invalidTensor(name: declaration.name, reason: "\(which) has a state that is not the (requires_grad, _, "
                    + "backward_hooks) torch.load's Parameter.__setstate__ unpacks, so torch.load fails on it (torch.save writes no such BUILD)")
            }
            guard case .bool(let flag) = tuple.elements[0] else {
                throw .invalidTensor(name: declaration.name, reason: "\(which) has a requires_grad that is not a bool; "
                    + "torch.load's Parameter.__setstate__ fails on it (\"requires_grad must be a bool\")")
            }
            declaration.requiresGrad = flag
            try Self.checkGradients(declaration)
        }
        buildOutcomes[index] = declaration.requiresGrad
    }

    static func ordinal(_ n: Int) -> String {
        switch n {
        case 1: "first"
        case 2: "second"
        case 3: "third"
        // English suffixes: 11th–13th, else by the last digit (hunt-64c L2: "22th", "1001th").
        case _ where (11...13).contains(n % 100): "\(n)th"
        case _ where n % 10 == 1: "\(n)st"
        case _ where n % 10 == 2: "\(n)nd"
        case _ where n % 10 == 3: "\(n)rd"
        default: "\(n)th"
        }
    }

    /// Whether `set_(*state)` gets no arguments: an empty string, bytes, tuple, list, dict or
    /// set, or an `OrderedDict()`/`Counter()`/`set()` call that holds nothing.
    func isEmptyState(_ state: PickleValue) -> Bool {
        switch state {
        case .string(let text): return text.isEmpty
        case .bytes(let range): return range.isEmpty
        case .node:
            guard let object = program.object(state), object.elements.isEmpty, object.entries.isEmpty else { return false }
            switch object.kind {
            case .list, .tuple, .dict, .set: return true
            case .call(let callee, let arguments, _):
                guard RecognisedGlobals.isOrderedDict(callee) || RecognisedGlobals.isCounter(callee) || RecognisedGlobals.isSet(callee),
                      let args = program.object(arguments), args.kind == .tuple else { return false }
                return args.elements.isEmpty
            case .persistentID: return false
            }
        default: return false
        }
    }

    /// Whether a tensor's rebuild makes an `nn.Parameter` (whose BUILD is `__setstate__`), not
    /// a plain tensor (whose BUILD is `set_`): `_rebuild_from_type_v2` makes its `type` argument.
    func makesParameter(_ rebuild: RecognisedGlobals.Rebuild, arguments: PickleValue) -> Bool {
        switch rebuild {
        case .parameter: return true
        case .typed:
            guard let args = program.object(arguments), args.kind == .tuple, args.elements.count == 4,
                  case .global(let type) = args.elements[1] else { return false }
            return RecognisedGlobals.canonical(type) == RecognisedGlobals.directParameter
        case .dense, .unread: return false
        }
    }

    // MARK: - Saved Python attributes (hunt-63a H2)

    /// Refuses a tensor whose saved Python attributes (the state of `_rebuild_from_type_v2` or
    /// `_rebuild_parameter_with_state`) set `real` or `imag`. torch.load applies them with
    /// `setattr` (`_set_obj_state`, the dict part and the slots part of a `(dict, slots)`
    /// pair), and `t.real = x` writes x into every element (`t.imag = x` into every imaginary
    /// part): `{'real': nan}` made an all-NaN tensor that passed `audit` with the stored values,
    /// and on a view of a shared storage it changed other tensors' values too. They are the only
    /// writable tensor attributes that change values; any other attribute is read past. A tuple
    /// state of other than two items fails `_set_obj_state` ("Invalid serialized state").
    ///
    /// Not in a legacy (pre-1.6) file: there torch.load copies the storage records into the
    /// storages after unpickling, over what the fill wrote, and returns the stored values
    /// (hunt-63a's `L_real_nan.bin`; `TestData/pytorch-load-changes/legacy-attr-real.bin`).
    ///
    /// Each part that is not empty or false must be a dict with text keys: `_set_obj_state`
    /// calls its `.items()` ("'list' object has no attribute 'items'") and `setattr`s each key
    /// ("attribute name must be string"). Those failures are torch.load's in a legacy file too.
    /// A saved-attributes object and the dtype of the tensor it is set on: what
    /// `checkAttributes` finds depends on nothing else (the name only words its message).
    struct AttributesKey: Hashable {
        let object: Int
        let dtype: TorchDType
    }

    /// `checkAttributes`, once per attributes object and dtype (`attributeOutcomes`).
    mutating func checkedAttributes(_ state: PickleValue, of declaration: TensorDeclaration) throws(TorchFormatError) -> Bool? {
        guard case .node(let object) = state else { return try checkAttributes(state, of: declaration) }
        let key = AttributesKey(object: object, dtype: declaration.dtype)
        if let known = attributeOutcomes[key] { return known }
        let flag = try checkAttributes(state, of: declaration)
        attributeOutcomes[key] = .some(flag)
        return flag
    }

    /// Returns the `requires_grad` the attributes set, if they set one (torch.load's tensor then
    /// has it).
    func checkAttributes(_ state: PickleValue, of declaration: TensorDeclaration) throws(TorchFormatError) -> Bool? {
        var parts = [state]
        if let tuple = program.object(state), tuple.kind == .tuple {
            guard tuple.elements.count == 2 else {
                throw .invalidTensor(name: declaration.name, reason: "its saved Python attributes are a tuple of \(tuple.elements.count) items, "
                    + "on which torch.load fails (it takes a dict or a (dict, slots) pair)")
            }
            parts = Array(tuple.elements)
        }
        for (index, part) in parts.enumerated() {
            let what = parts.count == 1 ? "its saved Python attributes are" : "the \(index == 0 ? "dict" : "slots") part of its saved Python attributes is"
            if isMapping(part) {
                if hasNonTextKey(part) {
                    throw .invalidTensor(name: declaration.name, reason: "\(what) a dict with a key that is not text; torch.load sets each "
                        + "with setattr, which fails on it (\"attribute name must be string\")")
                }
            } else if truth(part) != false {
                let type = pythonType(part).map { " (\"'\($0)' object has no attribute 'items'\")" } ?? ""
                throw .invalidTensor(name: declaration.name, reason: "\(what) \(describedType(part)), not a dict: torch.load's _set_obj_state "
                    + "calls .items() on any that is not empty or false, which fails\(type)")
            }
        }
        // `t.data = x` replaces the tensor's data with tensor x (refused before this, as a tensor
        // without a name) and fails on anything else ("Variable data has to be a tensor").
        for part in parts where isMapping(part) && (textKeys(of: part) ?? []).contains("data") {
            throw .invalidTensor(name: declaration.name, reason: "its saved attribute data is set by torch.load with setattr, which replaces "
                + "the tensor's data with it, or fails when it is not a tensor (\"Variable data has to be a tensor\")")
        }
        // A read-only attribute (`dtype`, `shape`, …): setattr fails whatever the value (hunt-64c L6).
        for part in parts {
            for key in textKeys(of: part) ?? [] where ReadOnlyTensorAttributes.names.contains(key) {
                // (`__weakref__` and `__cuda_array_interface__` are the tensor class's own, not TensorBase's.)
                let torchSays = key.hasPrefix("__") ? "" : " (\"attribute '\(key)' of 'torch._C.TensorBase' objects is not writable\")"
                throw .invalidTensor(name: declaration.name, reason: "its saved attribute \(key) is set by torch.load with setattr, which fails "
                    + "on it whatever the value: a tensor's \(key) is read-only\(torchSays)")
            }
        }
        // `t.requires_grad = v` takes a bool only, and True only on a floating point or complex
        // tensor (torch 2.13: "requires_grad must be a bool", "only Tensors of floating point
        // and complex dtype can require gradients"); helper-200 found an int64 tensor with a
        // saved requires_grad True read although torch.load refuses it.
        // The dict part's items are set before the slots part's, so the last one set wins.
        var requiresGrad: Bool?
        for part in parts {
            switch savedRequiresGrad(in: part) {
            case nil: continue
            case .some(nil):
                throw .invalidTensor(name: declaration.name, reason: "its saved attribute requires_grad is set by torch.load with setattr, which "
                    + "fails on a value that is not a bool (\"requires_grad must be a bool\")")
            case .some(let flag?):
                var requiring = declaration
                requiring.requiresGrad = flag
                try Self.checkGradients(requiring)
                requiresGrad = flag
            }
        }
        guard !legacy else { return requiresGrad }
        for part in parts {
            for key in textKeys(of: part) ?? [] where key == "real" || key == "imag" {
                let fails = key == "imag" && !declaration.dtype.isComplex
                throw .invalidTensor(name: declaration.name, reason: fails
                    ? "its saved attribute imag is set by torch.load with setattr, which fails on a \(declaration.dtype.rawValue) tensor (it has no imaginary part)"
                    : "its saved attribute \(key) overwrites the tensor's values in torch.load (setattr(t, '\(key)', value) writes the value into "
                        + "every element\(key == "imag" ? "'s imaginary part" : ""), and into every tensor sharing its storage); the stored values "
                        + "are not what torch.load returns")
            }
        }
        return requiresGrad
    }

    // MARK: - Metadata (hunt-63a H3)

    /// Refuses a tensor whose rebuild metadata (`_rebuild_tensor_v2`'s 7th argument,
    /// `_v3`'s 8th) holds `neg` or `conj`. torch.save writes them for a lazily negated or
    /// conjugated tensor (`t._neg_view()`, `z.conj()`, `z.conj().imag`), storing the values
    /// before the negation, and torch.load applies them (`torch._C._set_tensor_metadata`):
    /// `neg` negates whenever the key is there, whatever its value; `conj` conjugates a complex
    /// tensor and fails on any other. This reader reads the stored values and does not apply
    /// either (row statistics, `diff` and `ties` would all need it), so it refuses the tensor
    /// rather than report the opposite numbers: `diff` called `t` and `-t` byte-identical.
    /// Keys torch ignores (any other) are read past; an empty metadata is not applied at all.
    ///
    /// torch.load applies a metadata that is not empty or false (`if metadata:`), with
    /// `_set_tensor_metadata`, which takes a dict of text to bool: any other truthy value fails
    /// ("expected dict, got list"), and so does a key that is not text or a value that is not
    /// None, a bool or a number ("incompatible function arguments"). Such a tensor is refused;
    /// a false one (None, 0, `[]`, `()`, `''`) is not applied, and read.
    func checkMetadata(_ metadata: PickleValue, of declaration: TensorDeclaration) throws(TorchFormatError) {
        let name = declaration.name
        guard isMapping(metadata) else {
            if truth(metadata) == false { return }
            let type = pythonType(metadata).map { " (\"expected dict, got \($0)\")" } ?? ""
            throw .invalidTensor(name: name, reason: "its rebuild metadata is \(describedType(metadata)), not a dict: torch.load applies any "
                + "metadata that is not empty or false with _set_tensor_metadata, which fails on it\(type)")
        }
        let boolLike: (PickleValue) -> Bool = {
            switch $0 {
            case .none, .bool, .int, .bigInt, .float: true
            default: false
            }
        }
        if hasNonTextKey(metadata) || !entryValues(metadata).allSatisfy(boolLike) {
            throw .invalidTensor(name: name, reason: "its rebuild metadata has a key that is not text or a value that is not None, a bool or "
                + "a number: torch.load's _set_tensor_metadata, which takes a dict of text to bool, fails on it (\"incompatible function arguments\")")
        }
        guard let keys = textKeys(of: metadata) else { return }
        if keys.contains("conj"), !declaration.dtype.isComplex {
            throw .invalidTensor(name: name, reason: "its rebuild metadata holds 'conj', on which torch.load fails for a \(declaration.dtype.rawValue) "
                + "tensor (only complex tensors are conjugated)")
        }
        if keys.contains("neg") {
            throw .invalidTensor(name: name, reason: "its rebuild metadata holds 'neg' (a negative view, as torch.save writes t._neg_view() or "
                + "z.conj().imag): torch.load negates its stored values, which tensoraudit does not apply, so it would report the opposite numbers")
        }
        if keys.contains("conj") {
            throw .invalidTensor(name: name, reason: "its rebuild metadata holds 'conj' (a conjugate view, as torch.save writes z.conj()): "
                + "torch.load conjugates its stored values (negates their imaginary parts), which tensoraudit does not apply")
        }
    }

    /// The text keys of a dict, or of an `OrderedDict`/`Counter` call (those set on it and
    /// those of its argument: a dict's keys, the first item of each pair, a Counter's counted
    /// elements); nil for any other value. Every key the pickle ever gives it is listed (a
    /// pickle only adds), so a key torch.load sees is never missed.
    func textKeys(of value: PickleValue) -> [String]? {
        guard let object = program.object(value) else { return nil }
        var keys: [PickleValue] = Self.entryKeys(object)
        switch object.kind {
        case .dict: break
        case .call(let callee, let arguments, let isNewObject):
            let counter = RecognisedGlobals.isCounter(callee)
            guard counter || RecognisedGlobals.isOrderedDict(callee) else { return nil }
            guard !isNewObject, let args = program.object(arguments), let first = args.elements.first,
                  let items = program.object(first) else { break }
            switch items.kind {
            case .dict: keys += Self.entryKeys(items)
            case .list, .tuple, .set:
                for item in items.elements {
                    if counter { keys.append(item) } else if let pair = program.object(item), let key = pair.elements.first { keys.append(key) }
                }
            default: break
            }
        default: return nil
        }
        return keys.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    /// The `requires_grad` torch.load's setattr leaves from saved attributes `value`: nil when
    /// it sets none, `.some(nil)` when the value is not a bool. The last value set wins: a dict's
    /// entries in order; an `OrderedDict` call's argument items, then the entries set on it; a
    /// `Counter`'s value for a key is its count, an int.
    func savedRequiresGrad(in value: PickleValue) -> Bool?? {
        guard let object = program.object(value), textKeys(of: value)?.contains("requires_grad") == true else { return nil }
        var last: PickleValue?
        func take(_ entries: [PickleValue]) {
            for k in stride(from: 0, to: entries.count - 1, by: 2) where entries[k] == .string("requires_grad") { last = entries[k + 1] }
        }
        if case .call(let callee, let arguments, let isNewObject) = object.kind {
            if RecognisedGlobals.isCounter(callee) { return .some(nil) }
            if !isNewObject, let args = program.object(arguments), let first = args.elements.first, let items = program.object(first) {
                switch items.kind {
                case .dict: take(Array(items.entries))
                case .list, .tuple:
                    for item in items.elements {
                        if let pair = program.object(item), pair.elements.count >= 2, pair.elements[0] == .string("requires_grad") {
                            last = pair.elements[1]
                        }
                    }
                default: break
                }
            }
        }
        take(Array(object.entries))
        guard let last else { return .some(nil) }
        if case .bool(let flag) = last { return flag }
        return .some(nil)
    }

    static func entryKeys(_ object: PickleObject) -> [PickleValue] {
        stride(from: 0, to: object.entries.count - 1, by: 2).map { object.entries[$0] }
    }
}
