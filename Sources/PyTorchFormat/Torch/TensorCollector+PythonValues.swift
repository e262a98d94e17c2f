/// What Python makes of a pickled value where torch.load takes a dict, or anything false, and
/// fails on the rest: a tensor's rebuild metadata (`if metadata: set_tensor_metadata(t,
/// metadata)`), its saved Python attributes (`_set_obj_state`: `if dict_state: for k, v in
/// dict_state.items(): setattr(…)`), an `OrderedDict`'s `BUILD` state (`__dict__.update(state)`).
///
/// Why: a truthy value that is not a dict there (`[1]`, `(1,)`, `1`, `'neg'`, `True`, nan) was
/// read here while torch.load failed on it ("expected dict, got list", "'list' object has no
/// attribute 'items'", "'int' object is not iterable"); each case was tried with torch 2.13
/// (`TestData/pytorch-load-changes/generate.py`, the `notdict-*` files).
extension TensorCollector {
    /// Python's `bool(value)`, where this reader knows it: nil for a storage, a call result
    /// other than an `OrderedDict`/`Counter`/`set`/`bytes` it can count, and a dict, list,
    /// tuple or set changed in ways it does not count.
    func truth(_ value: PickleValue) -> Bool? {
        switch value {
        case .none: return false
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        case .bigInt: return true  // beyond 64 bits: never 0
        case .float(let number): return number != 0  // NaN is true
        case .string(let text): return !text.isEmpty
        case .bytes(let range): return !range.isEmpty
        case .global: return true  // a class, function or dtype torch allows
        case .node:
            guard let object = program.object(value) else { return nil }
            switch object.kind {
            case .list, .tuple, .set: return !object.elements.isEmpty || !object.entries.isEmpty ? true : false
            case .dict: return !object.entries.isEmpty || !object.elements.isEmpty ? true : false
            case .persistentID: return nil
            case .call(let callee, let arguments, let isNewObject):
                if !object.entries.isEmpty { return true }
                guard object.elements.isEmpty else { return nil }
                // `_codecs.encode(text, encoding)`, protocol 2's bytes: empty exactly when the text is.
                if case .global(let g) = callee, g.module == "_codecs", g.name == "encode", !isNewObject,
                   let args = program.object(arguments), args.kind == .tuple, case .string(let text)? = args.elements.first {
                    return !text.isEmpty
                }
                if isNewObject, RecognisedGlobals.isOrderedDict(callee) || RecognisedGlobals.isCounter(callee) { return false }
                if let keys = textKeys(of: value), !keys.isEmpty { return true }
                if isEmptyState(value) { return false }
                return nil
            }
        }
    }

    /// Whether `value` is a dict to Python's `isinstance(value, dict)`: a dict, or an
    /// `OrderedDict`/`Counter` (called or made with `__new__`).
    func isMapping(_ value: PickleValue) -> Bool {
        guard let object = program.object(value) else { return false }
        switch object.kind {
        case .dict: return true
        case .call(let callee, _, _): return RecognisedGlobals.isOrderedDict(callee) || RecognisedGlobals.isCounter(callee)
        default: return false
        }
    }

    /// Python's name of the type of `value`, for messages ("list", "int", …); nil where this
    /// reader does not know it.
    func pythonType(_ value: PickleValue) -> String? {
        switch value {
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .global(let global): return global.module == "torch" && TorchDType(rawValue: global.name) != nil ? "torch.dtype" : nil
        case .node:
            guard let object = program.object(value) else { return nil }
            switch object.kind {
            case .list: return "list"
            case .tuple: return "tuple"
            case .dict: return "dict"
            case .set: return "set"
            case .persistentID: return nil
            case .call(let callee, _, _):
                if RecognisedGlobals.isSet(callee) { return "set" }
                if case .global(let g) = callee, g.module == "_codecs", g.name == "encode" { return "bytes" }
                return nil
            }
        }
    }

    /// "a list", "an int", or "a value of a type this reader does not work out".
    func describedType(_ value: PickleValue) -> String {
        guard let type = pythonType(value) else { return "a value whose type or truth this reader does not work out" }
        return (type.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + type
    }

    /// The keys of a mapping that are not text (`setattr` and `_set_tensor_metadata` take only
    /// text): how many, from the dict's own entries and, for an `OrderedDict`/`Counter` call,
    /// its argument's (`textKeys`' sources).
    func hasNonTextKey(_ value: PickleValue) -> Bool {
        guard let object = program.object(value) else { return false }
        var keys: [PickleValue] = Self.entryKeys(object)
        if case .call(_, let arguments, false) = object.kind, let args = program.object(arguments), let first = args.elements.first,
           let items = program.object(first) {
            switch items.kind {
            case .dict: keys += Self.entryKeys(items)
            case .list, .tuple:
                let counter: Bool = { if case .call(let callee, _, _) = object.kind { RecognisedGlobals.isCounter(callee) } else { false } }()
                for item in items.elements {
                    if counter { keys.append(item) } else if let pair = program.object(item), let key = pair.elements.first { keys.append(key) }
                }
            default: break
            }
        }
        return keys.contains { if case .string = $0 { false } else { true } }
    }

    /// The values of a mapping's own entries (not those of an `OrderedDict` call's argument).
    func entryValues(_ value: PickleValue) -> [PickleValue] {
        guard let object = program.object(value) else { return [] }
        return stride(from: 1, to: object.entries.count, by: 2).map { object.entries[$0] }
    }

    // MARK: - OrderedDict BUILD

    /// Why torch's weights-only unpickler fails on `state` as an `OrderedDict`'s BUILD state,
    /// or nil when it takes it. It runs `inst.__dict__.update(state)`: a dict, or an iterable
    /// of pairs (a list, tuple or set of 2-item lists, tuples or 2-character strings; an empty
    /// one, `''`). Anything else fails: None, a bool, a number ("'int' object is not iterable"),
    /// a string of characters, an item that is not a pair ("dictionary update sequence element
    /// #0 has length 1; 2 is required").
    func updateFailure(_ state: PickleValue) -> String? {
        if isMapping(state) { return nil }
        switch state {
        case .none, .bool, .int, .bigInt, .float, .global:
            return "\(describedType(state)), which is not iterable"
        case .string(let text):
            return text.isEmpty ? nil : "a non-empty str, whose characters are not (key, value) pairs"
        case .bytes(let range):
            return range.isEmpty ? nil : "non-empty bytes, whose items are not (key, value) pairs"
        case .node:
            guard let object = program.object(state), [.list, .tuple, .set].contains(object.kind), object.entries.isEmpty else {
                return "\(describedType(state)), not a dict or a list of (key, value) pairs this reader can check"
            }
            for (index, item) in object.elements.enumerated() where !isPair(item) {
                return "\(describedType(state)) whose item \(index) is not a (key, value) pair"
            }
            return nil
        }
    }

    /// Whether `update` takes `item` as a (key, value) pair: a list or tuple of two, or a
    /// string of two characters.
    private func isPair(_ item: PickleValue) -> Bool {
        if case .string(let text) = item { return text.unicodeScalars.count == 2 }
        guard let pair = program.object(item), pair.kind == .list || pair.kind == .tuple, pair.entries.isEmpty else { return false }
        return pair.elements.count == 2
    }
}
