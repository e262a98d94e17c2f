/// `BUILD`s on values torch.load's weights-only unpickler does not build into a tensor,
/// Parameter, `OrderedDict` or `Counter`: what it does with each, checked against torch 2.13 on
/// every kind of value and state (`TestData/pytorch-load-changes/generate.py`, `build-on-*`).
///
/// Its BUILD takes an object whose type is one of its allowed globals and that has no
/// `__setstate__` — a set, `torch.Size`, `complex`, `bytearray`, `torch.device` — through pickle's
/// default BUILD: a `(state, slots)` pair is split, a state that is not empty or false is applied
/// as `inst.__dict__.update(state)` and slots that are not as `setattr(inst, key, value)`. None of
/// these objects has a `__dict__` or takes an attribute, so either fails ("'set' object has no
/// attribute '__dict__'", "'torch.Size' object has no attribute 'a'"); empty or false parts are
/// skipped and the file loads. A dict, list or tuple, bytes (`_codecs.encode`) or a layout is no
/// allowed type: a BUILD on it fails whatever its state ("Can only build Tensor, Parameter,
/// OrderedDict or types allowlisted via `add_safe_globals`, but got <class 'dict'>").
///
/// Why: a BUILD with a state on a `set()` call or on a `torch.Size` was read (exit 0) while
/// torch.load failed on the file (hunt-64c L6); only the `EMPTY_SET` opcode's set was checked.
extension TensorCollector {
    /// Refuses a `BUILD` on a dict, list or tuple, and one on a set (the `EMPTY_SET` opcode's)
    /// with a state torch.load fails on. The states of object `index` are checked once.
    mutating func checkBuildable(_ node: PickleObject, at index: Int) throws(TorchFormatError) {
        guard node.state != nil else { return }
        let type: String
        switch node.kind {
        case .dict: type = "dict"
        case .list: type = "list"
        case .tuple: type = "tuple"
        default: type = "set"
        }
        if type != "set" { throw notBuildable(type) }
        try checkDefaultBuild(node, type: type, at: index)
    }

    /// Refuses a `BUILD` on the value a recognised global builds when torch.load fails on it:
    /// `set(…)`, `torch.Size(…)`, `complex(…)`, `bytearray(…)`, `torch.device(…)` with a state
    /// that is not empty or false, `_codecs.encode(…)` (bytes) and `_get_layout(…)` with any.
    mutating func checkValueBuild(_ node: PickleObject, callee: PickleValue, at index: Int) throws(TorchFormatError) {
        guard node.state != nil, case .global(let global) = callee else { return }
        let g = RecognisedGlobals.canonical(global)
        switch (g.module, g.name) {
        case ("builtins", "set"): try checkDefaultBuild(node, type: "set", at: index)
        case ("torch", "Size"): try checkDefaultBuild(node, type: "torch.Size", at: index)
        case ("builtins", "complex"): try checkDefaultBuild(node, type: "complex", at: index)
        case ("builtins", "bytearray"): try checkDefaultBuild(node, type: "bytearray", at: index)
        case ("torch", "device"): try checkDefaultBuild(node, type: "torch.device", at: index)
        case ("_codecs", "encode"): throw notBuildable("bytes")
        case ("torch.serialization", "_get_layout"): throw notBuildable("torch.layout")
        default: return
        }
    }

    /// The refusal of a BUILD on a value of `type`, which torch.load never builds.
    private func notBuildable(_ type: String) -> TorchFormatError {
        .notACheckpoint(reason: buildPlace(type) + ": torch.load's weights-only unpickler builds only tensors, Parameters, OrderedDicts and "
            + "allowlisted types, and fails on it (\"Can only build Tensor, Parameter, OrderedDict or types allowlisted via "
            + "`add_safe_globals`, but got <class '\(type)'>\")")
    }

    private func buildPlace(_ type: String) -> String {
        "a BUILD on a\("aeiou".contains(type.first ?? "x") ? "n" : "") \(type)" + (path.isEmpty ? " at the top level" : " at '\(currentName)'")
    }

    /// pickle's default BUILD on an object of `type` that has no `__dict__` and takes no
    /// attribute: every state, or each part of a `(state, slots)` pair, must be empty or false.
    private mutating func checkDefaultBuild(_ node: PickleObject, type: String, at index: Int) throws(TorchFormatError) {
        guard let last = node.state, buildsChecked.insert(index).inserted else { return }
        for position in 0 ..< node.earlierStates.count + 1 {
            let state = position < node.earlierStates.count ? node.earlierStates[position] : last
            var dictPart = state
            var slots: PickleValue?
            if let pair = program.object(state), pair.kind == .tuple, pair.entries.isEmpty, pair.elements.count == 2 {
                dictPart = pair.elements[0]
                slots = pair.elements[1]
            }
            let torchSays: String
            if truth(dictPart) != false {
                torchSays = "\"'\(type)' object has no attribute '__dict__'\""
            } else if let slots, truth(slots) != false {
                if isMapping(slots), let key = textKeys(of: slots)?.first {
                    torchSays = "\"'\(type)' object has no attribute '\(key)'\""
                } else if !isMapping(slots), let slotsType = pythonType(slots) {
                    torchSays = "\"'\(slotsType)' object has no attribute 'items'\""
                } else {
                    torchSays = "setattr fails on any attribute of a \(type)"
                }
            } else {
                continue
            }
            throw .notACheckpoint(reason: buildPlace(type) + " has a state that is not empty or false: torch.load's weights-only unpickler "
                + "applies it as pickle's default BUILD, which sets attributes a \(type) has not, and fails (\(torchSays))")
        }
    }
}
