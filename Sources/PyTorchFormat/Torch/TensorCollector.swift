/// A tensor as its `_rebuild_tensor` call describes it, before it is checked against its storage.
struct TensorDeclaration {
    var name: String
    var dtype: TorchDType
    var shape: [UInt64]
    var stride: [UInt64]
    var storage: StorageDeclaration
    var storageOffset: UInt64
    var requiresGrad: Bool
    var isParameter: Bool
}

/// A storage as a `BINPERSID` tuple `('storage', type, key, location, count)` describes it.
struct StorageDeclaration: Equatable {
    var key: String
    var dtype: TorchDType?
    var count: UInt64
    var location: String
}

/// Walks the unpickled objects from the root and collects the tensors with their state-dict
/// names. Dicts (and `OrderedDict` calls) extend the name with their keys, lists and tuples with
/// indices; an unrecognised call (a pickled module, optimizer, …) is searched through its
/// arguments, items and state. The walk is bounded in depth (cycles end there) and in steps
/// (shared sub-objects are revisited once per path, so a "billion laughs" stops at the step limit).
struct TensorCollector {
    let program: PickleProgram
    let limits: PickleLimits
    var steps = 0
    var tensors: [TensorDeclaration] = []
    /// Tensors torch's safe loader rebuilds but this reader does not read (quantized, sparse, …).
    var unsupported: [UnsupportedTorchTensor] = []
    /// The key path to the value being visited; joined into a name only when a tensor is found,
    /// so a walk over millions of non-tensor values builds no strings.
    var path: [PathComponent] = []

    enum PathComponent {
        case key(PickleValue)
        case index(Int)

        var text: String {
            switch self {
            case .key(let key): TensorCollector.keyText(key)
            case .index(let index): String(index)
            }
        }
    }

    var currentName: String { path.map(\.text).joined(separator: ".") }

    private mutating func visit(_ value: PickleValue, at component: PathComponent, depth: Int) throws(TorchFormatError) {
        path.append(component)
        defer { path.removeLast() }
        try walk(value, depth: depth)
    }

    static let maxRank = 64

    mutating func walk(_ value: PickleValue, depth: Int) throws(TorchFormatError) {
        steps += 1
        guard steps <= limits.maxWalkSteps else { throw .limitExceeded(what: "objects visited", limit: limits.maxWalkSteps) }
        guard depth <= limits.maxNestingDepth else { throw .limitExceeded(what: "nesting depth", limit: limits.maxNestingDepth) }
        guard let node = program.object(value) else { return }
        switch node.kind {
        case .dict:
            try walkEntries(node.entries, depth: depth)
        case .list, .tuple, .set:
            for (index, element) in node.elements.enumerated() {
                try visit(element, at: .index(index), depth: depth + 1)
            }
        case .persistentID:
            return
        case .call(let callee, let arguments, _):
            if let rebuild = RecognisedGlobals.rebuild(callee) {
                try collect(rebuild, arguments: arguments)
            } else if RecognisedGlobals.isOrderedDict(callee) {
                try walkEntries(node.entries, depth: depth)
            } else {
                try walk(callee, depth: depth + 1)  // a callee built by another call (getattr chains)
                try walk(arguments, depth: depth + 1)
                for (index, element) in node.elements.enumerated() {
                    try visit(element, at: .index(index), depth: depth + 1)
                }
                try walkEntries(node.entries, depth: depth)
                if let state = node.state { try walk(state, depth: depth + 1) }
            }
        }
    }

    private mutating func walkEntries(_ entries: PickleValues, depth: Int) throws(TorchFormatError) {
        var index = 0
        while index + 1 < entries.count {
            try visit(entries[index + 1], at: .key(entries[index]), depth: depth + 1)
            index += 2
        }
    }

    static func keyText(_ key: PickleValue) -> String {
        switch key {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "True" : "False"
        case .none: "None"
        case .float(let f): String(f)
        default: "<non-text key>"
        }
    }

    // MARK: - Rebuild calls

    private mutating func collect(_ rebuild: RecognisedGlobals.Rebuild, arguments: PickleValue) throws(TorchFormatError) {
        let name = currentName
        switch rebuild {
        case .dense(let function):
            tensors.append(try tensor(function, arguments: arguments, name: name))
        case .parameter(let function):
            // An nn.Parameter around a tensor this reader does not read is that kind of tensor.
            if let args = program.object(arguments), args.kind == .tuple, let data = args.elements.first,
               let inner = program.object(data), case .call(let callee, let innerArguments, _) = inner.kind,
               case .unread(let kind, let innerFunction)? = RecognisedGlobals.rebuild(callee) {
                unsupported.append(UnsupportedTorchTensor(name: name, kind: kind, function: innerFunction,
                                                detail: unsupportedDetail(innerFunction, arguments: innerArguments)))
            } else {
                tensors.append(try tensor(function, arguments: arguments, name: name))
            }
        case .typed:
            // _rebuild_from_type_v2(func, new_type, args, state): the tensor is func(*args); its type
            // (an accepted global) and its Python attributes (state) do not change its elements.
            guard let args = program.object(arguments), args.kind == .tuple, args.elements.count == 4,
                  let inner = RecognisedGlobals.rebuild(args.elements[0]), inner != .typed else {
                throw .invalidTensor(name: name, reason: "_rebuild_from_type_v2 arguments are not (rebuild function, type, arguments, state)")
            }
            try collect(inner, arguments: args.elements[2])
        case .unread(let kind, let function):
            unsupported.append(UnsupportedTorchTensor(name: name, kind: kind, function: function, detail: unsupportedDetail(function, arguments: arguments)))
        }
    }

    private func tensor(_ rebuilder: String, arguments: PickleValue, name: String) throws(TorchFormatError) -> TensorDeclaration {
        guard let args = program.object(arguments), args.kind == .tuple else {
            throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not a tuple")
        }
        let a = args.elements
        if RecognisedGlobals.parameterRebuilders.contains(rebuilder) {
            // _rebuild_parameter(data, requires_grad, backward_hooks[, state])
            guard a.count == 3 || a.count == 4, let data = program.object(a[0]), case .call(let callee, let inner, _) = data.kind,
                  case .dense(let innerRebuilder)? = RecognisedGlobals.rebuild(callee),
                  case .bool(let requiresGrad) = a[1] else {
                throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not (tensor, requires_grad, hooks)")
            }
            var declaration = try tensor(innerRebuilder, arguments: inner, name: name)
            declaration.requiresGrad = requiresGrad
            declaration.isParameter = true
            return declaration
        }
        // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
        // _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype[, metadata])
        let isV3 = rebuilder == "_rebuild_tensor_v3"
        guard isV3 ? (a.count == 7 || a.count == 8) : (a.count == 6 || a.count == 7) else {
            throw .invalidTensor(name: name, reason: "\(rebuilder) takes \(isV3 ? "7 or 8" : "6 or 7") arguments, got \(a.count)")
        }
        let storage = try storageDeclaration(a[0], tensor: name)
        guard case .int(let offset) = a[1], offset >= 0 else {
            throw .invalidTensor(name: name, reason: "storage offset is not a non-negative integer")
        }
        let shape = try dimensions(a[2], what: "size", tensor: name)
        let stride = try dimensions(a[3], what: "stride", tensor: name)
        guard shape.count == stride.count else {
            throw .invalidTensor(name: name, reason: "size has \(shape.count) dimensions, stride \(stride.count)")
        }
        guard case .bool(let requiresGrad) = a[4] else { throw .invalidTensor(name: name, reason: "requires_grad is not a bool") }
        let dtype: TorchDType
        if isV3 {
            guard case .global(let g) = a[6], g.module == "torch" else {
                throw .invalidTensor(name: name, reason: "_rebuild_tensor_v3 dtype is not a torch dtype global")
            }
            guard let d = TorchDType(rawValue: g.name) else { throw .unsupportedDType(name: name, dtype: g.description) }
            if let typed = storage.dtype, typed != d {
                throw .invalidTensor(name: name, reason: "dtype \(d.rawValue) over a \(typed.rawValue) storage")
            }
            dtype = d
        } else {
            guard let d = storage.dtype else {
                throw .invalidTensor(name: name, reason: "_rebuild_tensor_v2 over an untyped storage has no dtype")
            }
            dtype = d
        }
        return TensorDeclaration(name: name, dtype: dtype, shape: shape, stride: stride, storage: storage,
                                 storageOffset: UInt64(offset), requiresGrad: requiresGrad, isParameter: false)
    }

    private func storageDeclaration(_ value: PickleValue, tensor name: String) throws(TorchFormatError) -> StorageDeclaration {
        guard let persistent = program.object(value), persistent.kind == .persistentID, persistent.elements.count == 1,
              let id = program.object(persistent.elements[0]), id.kind == .tuple, id.elements.count == 5,
              id.elements[0] == .string("storage"), case .global(let type) = id.elements[1],
              case .string(let key) = id.elements[2], case .string(let location) = id.elements[3],
              case .int(let count) = id.elements[4], count >= 0 else {
            throw .invalidTensor(name: name, reason: "storage is not a persistent id ('storage', type, key, location, count)")
        }
        let dtype: TorchDType?
        if type.module == "torch", let typed = TorchDType(storageClass: type.name) {
            dtype = typed
        } else if type == PickleGlobal(module: "torch.storage", name: "UntypedStorage") {
            dtype = nil
        } else {
            throw .unsupportedDType(name: name, dtype: type.description)
        }
        return StorageDeclaration(key: key, dtype: dtype, count: UInt64(count), location: location)
    }

    private func dimensions(_ value: PickleValue, what: String, tensor name: String) throws(TorchFormatError) -> [UInt64] {
        guard let tuple = program.object(value), tuple.kind == .tuple else {
            throw .invalidTensor(name: name, reason: "\(what) is not a tuple")
        }
        guard tuple.elements.count <= Self.maxRank else {
            throw .invalidTensor(name: name, reason: "\(what) has \(tuple.elements.count) dimensions, more than \(Self.maxRank)")
        }
        var result: [UInt64] = []
        for element in tuple.elements {
            guard case .int(let v) = element, v >= 0 else {
                throw .invalidTensor(name: name, reason: "\(what) holds a value that is not a non-negative integer")
            }
            result.append(UInt64(v))
        }
        return result
    }
}
