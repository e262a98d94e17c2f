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

/// A persistent id as torch.save writes it for a storage: `('storage', type, key, location,
/// count)` in a zip checkpoint's `data.pkl`; a legacy (pre-1.6) file adds a sixth element, the
/// view metadata, `None` unless torch before 0.4 saved a view of another storage.
enum StorageID {
    case storage(StorageDeclaration)
    /// A view `(view key, offset, size)` of the storage `root` declares (torch before 0.4): its
    /// tensors are not read, but the root storage's record is still in the file.
    case view(root: StorageDeclaration)
    /// A storage class this reader does not know (quantized, …).
    case unknownType(PickleGlobal)
    /// Tagged `'storage'`, but not of that shape.
    case malformed
    /// Another tag (a legacy file's `'module'` ids of a pickled `nn.Module`'s classes).
    case notAStorage

    /// Whether torch.load's `persistent_load` takes the id without failing: a tuple tagged
    /// `'storage'` (whose shape `init` checks), or in a legacy file `('module', class, source
    /// file, source)`, which returns the class. Any other id fails it, with weights_only or
    /// without, reachable from the root or not (it runs for every id the pickle builds).
    /// Why a file whose pickle holds an id `isLoadable` refuses is not read.
    static func refusal(legacy: Bool, at name: String? = nil) -> String {
        "the pickle holds a persistent id that is not " + (legacy ? "('storage', type, key, location, count, view) or ('module', class, file, source)"
                                                                  : "a storage ('storage', type, key, location, count)")
            + (name.map { " at '\($0)'" } ?? "") + "; torch.load's persistent_load refuses it"
    }

    static func isLoadable(_ id: PickleValue, in program: PickleProgram, legacy: Bool) -> Bool {
        guard let tuple = program.object(id), tuple.kind == .tuple else { return false }
        if tuple.elements.first == .string("storage") { return true }
        return legacy && tuple.elements.first == .string("module") && tuple.elements.count == 4
    }

    init(_ id: PickleValue, in program: PickleProgram, legacy: Bool) {
        guard let tuple = program.object(id), tuple.kind == .tuple, tuple.elements.first == .string("storage") else {
            self = .notAStorage
            return
        }
        let e = tuple.elements
        guard e.count == (legacy ? 6 : 5), case .global(let type) = e[1], case .string(let key) = e[2],
              case .string(let location) = e[3], case .int(let count) = e[4], count >= 0 else {
            self = .malformed
            return
        }
        let dtype: TorchDType?
        // `torch.cuda.FloatStorage` is a float32 storage too: its location says where it lived,
        // and `map_location` moves it (torch.load reads such files on a CPU that way).
        if type.module == "torch" || type.module == "torch.cuda", let typed = TorchDType(storageClass: type.name) {
            dtype = typed
        } else if type == PickleGlobal(module: "torch.storage", name: "UntypedStorage"), !legacy {
            // A legacy file's loader takes the dtype of the storage class, which UntypedStorage
            // has not: torch.load fails on it (a uint16 tensor saved the legacy way).
            dtype = nil
        } else {
            self = .unknownType(type)
            return
        }
        let declaration = StorageDeclaration(key: key, dtype: dtype, count: UInt64(count), location: location)
        self = legacy && e[5] != .none ? .view(root: declaration) : .storage(declaration)
    }
}

/// Walks the unpickled objects from the root and collects the tensors with their state-dict
/// names. Dicts (and `OrderedDict` calls) extend the name with their keys, lists and tuples with
/// indices; an unrecognised call (a pickled module, optimizer, …) is searched through its
/// arguments, items and state. The walk does not re-enter an object it is inside of (a cycle), is
/// bounded in depth and in steps
/// (shared sub-objects are revisited once per path under names, so a "billion laughs" stops at the
/// step limit; where a tensor would have no name, a shared object is searched once).
///
/// Names are bounded too: one shared tensor reached 2^20 times under a chain of long keys made
/// a name of every visit (a 3.6 KB file took 1.6 GB, a 26 KB one was killed failing to
/// allocate), so each name, their total and the tensor count have limits (`PickleLimits`), and a
/// key is not decoded until a name is made of it.
///
/// A tensor the walk would reach where it has no name (a dict key, an object's `BUILD` state, an
/// `OrderedDict`'s call arguments, …) refuses the file (`unnamedTensor`): torch.load returns it,
/// so leaving it out would make a report about a checkpoint it has not read.
struct TensorCollector {
    let program: PickleProgram
    let limits: PickleLimits
    /// Most walk steps and tensors (`PickleLimits.walkStepBudget`, `tensorBudget`: they grow
    /// with the pickle).
    let stepBudget: Int
    let pickleBytes: Int
    let tensorBudget: Int
    /// Most bytes of all names together (`PickleLimits.nameBudget(pickleBytes:)`).
    let nameBudget: Int
    var steps = 0
    var tensors: [TensorDeclaration] = []
    /// Tensors torch's safe loader rebuilds but this reader does not read (quantized, sparse, …).
    var unsupported: [UnsupportedTorchTensor] = []
    /// The key path to the value being visited, as stored (a key is not decoded on each visit);
    /// joined into a name only when a tensor is found, so a walk over millions of non-tensor
    /// values builds no strings.
    var path: [PathComponent] = []
    /// `pathBytes[i]`: the UTF-8 length of the name `path[0 ... i]` makes (as stored; decoding
    /// replaces a byte that is not UTF-8 by three), so a name is measured before it is built.
    var pathBytes: [Int] = []
    /// Bytes of every name made so far.
    var nameBytes = 0
    /// Where the walk is when it searches a value whose tensors would have no name, and the path
    /// length of the object holding it; a tensor found there refuses the file.
    /// `changedCall`: the call whose items, changed after it, hold the values searched (an
    /// OrderedDict's or a Counter's): a tensor there is `itemsChangedAfterCall`, not unnamed.
    var unnamedPlace: (place: String, depth: Int, changedCall: String?)?
    /// Objects whose parts without names were searched.
    var unnamedSearched = Set<Int>()
    /// Objects whose every part was searched where a tensor would have no name (keyed by
    /// `UnnamedSearch`), so a shared one is searched once, not once per place that holds it.
    /// Why: 1,000,000 BUILDs reusing one memoised state walked it 1,000,000 times, and the walk
    /// budget refused a 6 MB file torch.load reads in 3.4 s (hunt-64c L7); a set or Parameter
    /// with n BUILDs reached n times took n² (over 120 s for a 1.6 MB file).
    /// One byte an object of the program, allocated when first needed: bit 0 searched plainly,
    /// bit 1 among items changed after a call (a `Set` of them took 23 MB and 0.3 s more for
    /// 300,000 unshared BUILD states).
    var searchedWithoutName: [UInt8] = []
    /// Tensor objects (rebuild calls, bare storages) read under a name.
    var namedTensorObjects = Set<Int>()
    /// Tensor objects met where they have no name, in the order met, with the refusal each
    /// gets unless the walk also reaches it under a name (`finishUnnamed`).
    var unnamedSightings: [(object: Int, refusal: TorchFormatError)] = []
    var sightedWithoutName = Set<Int>()
    /// The `requires_grad` each tensor object's BUILDs leave (`applyBuild`), and the objects whose
    /// BUILD states were checked (`checkBuildable`, `checkValueBuild`): a BUILD state list is
    /// gone through once per object, not once per name that reaches it.
    var buildOutcomes: [Int: Bool] = [:]
    var buildsChecked = Set<Int>()
    /// The `requires_grad` each saved-attributes object leaves on a tensor of each dtype
    /// (`checkedAttributes`), so a tensor's attributes are gone through once, not once per name
    /// that reaches it (hunt-65c H1: one tensor with 8,000 attributes under 8,000 names took
    /// 18.5 s, its keys counted by no budget).
    var attributeOutcomes: [AttributesKey: Bool?] = [:]
    /// Tuples already found hashable as dict keys: a key tuple the memo repeats under n dicts
    /// is looked through once, not n times.
    var hashableTuples = Set<Int>()
    /// Objects the walk is inside of (the path from the root). A value that is one of them is a
    /// cycle (`d['self'] = d`, which torch.load returns as it is): it is not entered again, since
    /// every tensor inside is reached on the way in. Why: the walk went round until the nesting
    /// limit refused the file ("nesting depth exceeds the limit of 1000") though torch's safe
    /// loader reads it (adversarial test).
    var enclosing = Set<Int>()

    enum PathComponent {
        case key(PickleStore.Slot)
        case index(Int)
    }

    /// A legacy (pre-1.6) file's pickle: its storage ids carry a sixth element, view metadata.
    let legacy: Bool

    init(program: PickleProgram, limits: PickleLimits, pickleBytes: Int, legacy: Bool = false) {
        self.program = program
        self.legacy = legacy
        self.limits = limits
        self.nameBudget = limits.nameBudget(pickleBytes: pickleBytes)
        self.pickleBytes = pickleBytes
        self.stepBudget = limits.walkStepBudget(pickleBytes: pickleBytes)
        self.tensorBudget = limits.tensorBudget(pickleBytes: pickleBytes)
    }

    var currentName: String { name(of: path[...]) }

    func name(of path: ArraySlice<PathComponent>) -> String {
        path.map { component in
            switch component {
            case .key(let slot): TensorCollector.keyText(program.box.store.value(slot))
            case .index(let index): String(index)
            }
        }.joined(separator: ".")
    }

    private func byteCount(_ component: PathComponent) -> Int {
        switch component {
        case .key(let slot):
            if let string = slot.string { return program.box.store.textByteCount(string) }
            return Self.keyText(program.box.store.value(slot)).utf8.count
        case .index(let index): return String(index).utf8.count
        }
    }

    private mutating func visit(_ value: PickleValue, at component: PathComponent, depth: Int) throws(TorchFormatError) {
        pathBytes.append((pathBytes.last.map { $0 + 1 } ?? 0) + byteCount(component))
        path.append(component)
        defer { path.removeLast(); pathBytes.removeLast() }
        record(value)
        try walk(value, depth: depth)
    }

    /// Values at named places that are not tensors (`TorchValue`): counted, and the first
    /// `TorchValue.maxListed` kept with their names.
    var values: [TorchValue] = []
    var valueCount = 0

    /// The byte count of `_codecs.encode(text[, encoding])`, which torch.load's weights-only
    /// unpickler allows and returns as bytes: one byte a code point for Latin-1 (torch.save's
    /// protocol 2 writes 'latin1'), UTF-8's bytes for UTF-8 (the default); nil for any other
    /// value or encoding.
    private func latin1Bytes(_ value: PickleValue) -> Int? {
        guard let node = program.object(value), case .call(.global(let callee), let arguments, false) = node.kind,
              callee.module == "_codecs", callee.name == "encode", let tuple = program.object(arguments), tuple.kind == .tuple,
              (1 ... 2).contains(tuple.elements.count), case .string(let text) = tuple.elements[0] else { return nil }
        var encoding = "utf-8"
        if tuple.elements.count == 2 {
            guard case .string(let name) = tuple.elements[1] else { return nil }
            encoding = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        }
        switch encoding {
        case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1":
            return text.unicodeScalars.allSatisfy({ $0.value < 256 }) ? text.unicodeScalars.count : nil
        case "utf-8", "utf8":
            return text.utf8.count
        default:
            return nil
        }
    }

    /// The items of `torch.Size(tuple)` when every one is an integer, else nil.
    private func sizeItems(_ callee: PickleValue, _ arguments: PickleValue) -> PickleValues? {
        guard case .global(let global) = callee, global.module == "torch", global.name == "Size",
              let tuple = program.object(arguments), tuple.kind == .tuple, tuple.elements.count == 1,
              let items = program.object(tuple.elements[0]), items.kind == .tuple || items.kind == .list,
              items.elements.allSatisfy({ if case .int = $0 { true } else { false } }) else { return nil }
        return items.elements
    }

    /// Above zero while the walk is inside a call's callee, arguments or state: what it meets
    /// there are a call's parts, not items torch.load returns under a name.
    var callDepth = 0

    private mutating func record(_ value: PickleValue) {
        // Items only: not an attribute (an OrderedDict's `_metadata`) nor a call's argument.
        guard unnamedPlace == nil, callDepth == 0 else { return }
        let kept: TorchValue.Value
        switch value {
        case .none: kept = .none
        case .bool(let flag): kept = .bool(flag)
        case .int(let number): kept = .int(number)
        case .bigInt(let count): kept = .bigInt(byteCount: count)
        case .float(let number): kept = .float(number)
        case .string(let text):
            // Code points, as Python's len counts them.
            let cut = text.unicodeScalars.count > TorchValue.maxTextCharacters
            kept = .text(cut ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(TorchValue.maxTextCharacters))) : text, truncated: cut)
        case .bytes(let range): kept = .bytes(count: range.count)
        case .node:
            // Protocol 2 (torch.save's default) pickles bytes as `_codecs.encode(text,
            // 'latin1')`, which torch.load's weights-only unpickler allows and returns as bytes.
            guard let bytes = latin1Bytes(value) else { return }
            kept = .bytes(count: bytes)
        case .global: return
        }
        valueCount += 1
        // The name is made only for the values kept: a list of a million numbers costs a count.
        if values.count < TorchValue.maxListed { values.append(TorchValue(name: boundedName(), value: kept)) }
    }

    /// The current path's name, cut after `TorchValue.maxNameBytes` bytes (at a character
    /// boundary, "…" added): a value under a 1 MB key listed 1,000 times took 3 GB for its
    /// names, where a tensor there is refused by the name limit (adversarial review,
    /// 2026-12-05). Built from the key bytes without copying a long key whole.
    private func boundedName() -> String {
        let limit = TorchValue.maxNameBytes
        guard let total = pathBytes.last, total > limit else { return currentName }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(limit + 4)
        for (position, component) in path.enumerated() where bytes.count <= limit {
            if position > 0 { bytes.append(UInt8(ascii: ".")) }
            switch component {
            case .key(let slot):
                if let string = slot.string {
                    bytes += program.box.store.textBytes(string).prefix(limit + 1 - min(bytes.count, limit))
                } else {
                    bytes += Array(TensorCollector.keyText(program.box.store.value(slot)).utf8.prefix(limit + 1 - min(bytes.count, limit)))
                }
            case .index(let index): bytes += Array(String(index).utf8)
            }
        }
        var end = min(bytes.count, limit)
        // Back to the start of a character: continuation bytes are 10xxxxxx.
        while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self) + "…"
    }

    static let maxRank = 64

    /// The error of a walk past `stepBudget`.
    var stepLimit: TorchFormatError {
        .limitExceeded(what: "objects visited (\(limits.walkStepsPerPickleByte) per byte of its \(pickleBytes)-byte pickle, at least \(limits.minWalkSteps) and at most \(limits.maxWalkSteps))",
                       limit: stepBudget)
    }

    mutating func walk(_ value: PickleValue, depth: Int) throws(TorchFormatError) {
        // Where a tensor would have no name, what the walk finds in an object does not depend on
        // the path to it: a shared object searched there once is not searched again.
        var search: UnnamedSearch?
        if let place = unnamedPlace, case .node(let object) = value {
            search = UnnamedSearch(object: object, itemsChanged: place.changedCall != nil)
        }
        if let search, wasSearched(search) { return }
        steps += 1
        guard steps <= stepBudget else { throw stepLimit }
        guard depth <= limits.maxNestingDepth else { throw .limitExceeded(what: "nesting depth", limit: limits.maxNestingDepth) }
        guard case .node(let object) = value, let node = program.object(value) else { return }
        guard enclosing.insert(object).inserted else { return }
        defer {
            enclosing.remove(object)
            // (After a throw the walk is over, so marking it then changes nothing.)
            if let search { markSearched(search) }
        }
        // The parts without names are searched on the object's first visit only: they do not
        // depend on the path, and a rebuild call with n appended values referenced n times must
        // not cost n² (TensorWalkScaleTests). Only objects that have such parts are remembered
        // (a state dict's tuples and rebuild calls have none).
        switch node.kind {
        case .dict:
            try checkBuildable(node, at: object)
            try walkEntries(node.entries, depth: depth)
            if !node.elements.isEmpty || node.state != nil, unnamedSearched.insert(object).inserted {
                try walkUnnamed(node.elements, place: "appended to a dict", depth: depth)
                try walkUnnamedStates(of: node, place: "in a dict's BUILD state", depth: depth)
            }
        case .list, .tuple, .set:
            try checkBuildable(node, at: object)
            for (index, element) in node.elements.enumerated() {
                try visit(element, at: .index(index), depth: depth + 1)
            }
            if !node.entries.isEmpty || node.state != nil, unnamedSearched.insert(object).inserted {
                try walkUnnamed(node.entries, place: "set as an item of a list, tuple or set", depth: depth)
                try walkUnnamedStates(of: node, place: "in a list's, tuple's or set's BUILD state", depth: depth)
            }
        case .persistentID:
            // torch's persistent_load takes only ('storage', …) ids and fails on any other, with
            // weights_only or without: such a file was read here and passed `audit`. A legacy
            // file's loader also takes ('module', class, source file, source), which a pickled
            // nn.Module writes for each of its classes, and returns the class: no tensor.
            guard let id = node.elements.first, StorageID.isLoadable(id, in: program, legacy: legacy) else {
                throw .notACheckpoint(reason: StorageID.refusal(legacy: legacy, at: path.isEmpty ? nil : currentName))
            }
            // A bare storage (`{'s': t.storage()}`): torch.load returns it with its elements,
            // so it is read as a 1-D tensor of them under its name, never left out (its NaN
            // passed `audit`; helper review, 2026-12-05). An untyped one is bytes (U8).
            if case .storage(let storage) = StorageID(id, in: program, legacy: legacy), try !metWithoutName(object) {
                tensors.append(TensorDeclaration(name: try takeName(object), dtype: storage.dtype ?? .uint8, shape: [storage.count], stride: [1],
                                                 storage: storage, storageOffset: 0, requiresGrad: false, isParameter: false))
            }
            return
        case .call(let callee, let arguments, let isNewObject):
            try checkValueBuild(node, callee: callee, at: object)
            if let rebuild = RecognisedGlobals.rebuild(callee) {
                if try metWithoutName(object) { return }
                let before = tensors.count
                try collect(rebuild, arguments: arguments, object: object, depth: depth)
                let hooks = hookArguments(rebuild, arguments: arguments)
                if !node.elements.isEmpty || !node.entries.isEmpty || node.state != nil || !hooks.isEmpty, unnamedSearched.insert(object).inserted {
                    try walkUnnamed(node.elements, place: "appended to a tensor", depth: depth)
                    try walkUnnamed(node.entries, place: "set as an item of a tensor", depth: depth)
                    try walkUnnamedStates(of: node, place: "in a tensor's BUILD state", depth: depth)
                    for hook in hooks {
                        try walkUnnamed(hook, place: "in a tensor's backward hooks (its rebuild's backward_hooks argument, which torch.load "
                            + "sets as the tensor's _backward_hooks; torch.save writes an empty OrderedDict there)", depth: depth)
                    }
                }
                // On every visit: a BUILD changes the one object every name of it reaches
                // (hunt-63a H1, a BUILD applied later through the memo).
                if node.state != nil, tensors.count == before + 1 {
                    var declaration = tensors[before]
                    try applyBuild(of: node, at: object, asParameter: makesParameter(rebuild, arguments: arguments), to: &declaration)
                    tensors[before] = declaration
                }
            } else if RecognisedGlobals.isOrderedDict(callee) {
                // `OrderedDict.__new__` (NEWOBJ) ignores its argument: only a call reads items.
                let pairs = isNewObject ? nil : try orderedDictPairs(arguments, calledAt: object)
                try walkEntries(pairs.map { Self.joined($0, node.entries) } ?? node.entries, depth: depth)
                if unnamedSearched.insert(object).inserted {
                    // NEWOBJ's argument is built and dropped: torch.load returns none of it.
                    if pairs == nil, !isNewObject {
                        let changed = itemsChangedAfterCall(arguments, calledAt: object) ? "an OrderedDict" : nil
                        try walkUnnamed(arguments, place: "in an OrderedDict's call arguments", depth: depth, changedCall: changed)
                    }
                    try walkUnnamed(node.elements, place: "appended to an OrderedDict", depth: depth)
                    try checkUpdateStates(of: node, container: "OrderedDict")
                    try walkUnnamedStates(of: node, place: "in an OrderedDict's attributes (BUILD state, such as _metadata)", depth: depth)
                }
            } else if RecognisedGlobals.isCounter(callee) {
                // `Counter(mapping)` copies the mapping's items; `Counter(iterable)` counts its
                // elements, which become keys (a tensor there has no name). Why: `Counter({'a': t})`
                // named its tensor `0.a` where torch.load has `a`, and `Counter([('a', t)])` read
                // a tensor torch.load keeps inside a key (adversarial review, 2026-12-05).
                let items = isNewObject ? nil : try counterItems(arguments, calledAt: object)
                try walkEntries(items.map { Self.joined($0, node.entries) } ?? node.entries, depth: depth)
                if unnamedSearched.insert(object).inserted {
                    if items == nil, !isNewObject {
                        // A mapping changed after the call, else an iterable whose elements are keys.
                        let mapping = program.object(arguments)?.elements.first.flatMap { program.object($0) }?.kind == .dict
                        let changed = mapping && itemsChangedAfterCall(arguments, calledAt: object) ? "a Counter" : nil
                        try walkUnnamed(arguments, place: "in a Counter's argument (its elements become the Counter's keys)", depth: depth,
                                        changedCall: changed)
                    }
                    try walkUnnamed(node.elements, place: "appended to a Counter", depth: depth)
                    try checkUpdateStates(of: node, container: "Counter")
                    try walkUnnamedStates(of: node, place: "in a Counter's attributes (BUILD state)", depth: depth)
                }
            } else if let sizes = sizeItems(callee, arguments) {
                // `torch.Size((3, 4))`: torch.load returns a tuple of ints, whose items are values
                // at `name.0`, `name.1` (a reader saw none; adversarial review, 2026-12-05).
                for (index, element) in sizes.enumerated() { try visit(element, at: .index(index), depth: depth + 1) }
            } else {
                // (A throw ends the walk, so the depth needs no restoring then.)
                callDepth += 1
                try walk(callee, depth: depth + 1)  // a callee built by another call (getattr chains)
                if let builder = RecognisedGlobals.valueBuilder(callee) {
                    // `complex(t)`, `torch.device('cpu', t)`: torch.load returns the value built
                    // of the tensor, not the tensor (hunt-63a M1).
                    try walkUnnamed(arguments, place: "in the arguments of \(builder) (torch.load returns the plain value it builds)", depth: depth)
                } else if !(isNewObject && RecognisedGlobals.isSet(callee)) {
                    // `set.__new__(set, items)` (NEWOBJ) ignores its arguments, as OrderedDict's and
                    // Counter's do: torch.load returns an empty set, so a tensor there is in no
                    // result (it was read as `s.0.0` and its NaN failed `audit`; hunt-63a M1).
                    try walk(arguments, depth: depth + 1)
                }
                for (index, element) in node.elements.enumerated() {
                    try visit(element, at: .index(index), depth: depth + 1)
                }
                try walkEntries(node.entries, depth: depth)
                for state in node.earlierStates { try walk(state, depth: depth + 1) }
                if let state = node.state { try walk(state, depth: depth + 1) }
                callDepth -= 1
            }
        }
    }

    /// The key and value slots, in order, that `OrderedDict(argument)` starts from when its one
    /// argument is a list or tuple of pairs (each a list or tuple of two) or a dict; `[]` for
    /// `OrderedDict()`; nil for anything else, whose tensors then have no name.
    ///
    /// Why: Python 2 pickled an OrderedDict as `OrderedDict([[key, value], …])`, its items in
    /// the call's argument rather than set after it, and torch.load (weights_only too) returns
    /// them as the dict's items. Every such `.pth` state dict (lpips 0.1.4's six weight files)
    /// was refused as holding tensors without names (reader's review, 2026-12-05).
    ///
    /// Each item looked at is a step of the walk: an OrderedDict reached on many paths is
    /// looked through on each, so the step budget bounds that work as it bounds the visits.
    ///
    /// The items are read as they stood at the call (node `call`): the pickle holds only their
    /// final state, so items, or a pair, changed after the call (a memoised dict or list set
    /// again later) make this nil, and the tensors inside then have no name the reader can
    /// vouch for. Why: `d['a'] = nan_tensor; OrderedDict(d); d['a'] = clean` read the clean
    /// tensor where torch.load returns the NaN one, and `audit` passed (adversarial review,
    /// 2026-12-05).
    mutating func orderedDictPairs(_ arguments: PickleValue, calledAt callNode: Int) throws(TorchFormatError) -> [PickleStore.Slot]? {
        guard let argument = soleArgument(arguments, calledAt: callNode) else { return nil }
        guard let items = argument else { return [] }
        steps += items.elements.count + items.entries.count / 2
        guard steps <= stepBudget else { throw stepLimit }
        switch items.kind {
        case .dict:
            return Self.dictItems(items)
        case .list, .tuple:
            guard items.entries.isEmpty else { return nil }
            var slots: [PickleStore.Slot] = []
            slots.reserveCapacity(2 * items.elements.count)
            for item in items.elements {
                guard let pair = program.object(item), pair.kind == .list || pair.kind == .tuple, pair.elements.count == 2,
                      pair.entries.isEmpty, pair.state == nil, pair.lastChange <= callNode else { return nil }
                slots += [pair.elements.slot(0), pair.elements.slot(1)]
            }
            return slots
        default:
            return nil
        }
    }

    /// The key and value slots `Counter(mapping)` starts from: the dict argument as it stood at
    /// the call (node `callNode`); `[]` for `Counter()`; nil otherwise (an iterable's elements
    /// become keys, a dict changed after the call is not what the call read).
    mutating func counterItems(_ arguments: PickleValue, calledAt callNode: Int) throws(TorchFormatError) -> [PickleStore.Slot]? {
        guard let argument = soleArgument(arguments, calledAt: callNode) else { return nil }
        guard let items = argument else { return [] }
        guard items.kind == .dict else { return nil }
        steps += items.entries.count / 2
        guard steps <= stepBudget else { throw stepLimit }
        return Self.dictItems(items)
    }

    /// A call's one argument as it stood at the call (node `callNode`): `.some(nil)` for no
    /// argument, nil when the argument tuple holds more than one, or it or the argument was
    /// changed after the call (the pickle shows only the final state).
    func soleArgument(_ arguments: PickleValue, calledAt callNode: Int) -> PickleObject?? {
        guard let call = program.object(arguments), call.kind == .tuple, call.entries.isEmpty, call.state == nil,
              call.lastChange <= callNode else { return nil }
        if call.elements.isEmpty { return .some(nil) }
        guard call.elements.count == 1, let argument = program.object(call.elements[0]), argument.state == nil,
              argument.lastChange <= callNode else { return nil }
        return .some(argument)
    }

    /// A plain dict's key and value slots; nil for a dict with appended elements.
    static func dictItems(_ dict: PickleObject) -> [PickleStore.Slot]? {
        guard dict.elements.isEmpty else { return nil }
        return (0 ..< dict.entries.count).map(dict.entries.slot)
    }

    /// Whether a call's argument tuple, its one argument or an item of it (an `OrderedDict`'s
    /// pair) was changed after the call (node `callNode`), for the refusal's wording.
    func itemsChangedAfterCall(_ arguments: PickleValue, calledAt callNode: Int) -> Bool {
        guard let call = program.object(arguments) else { return false }
        if call.lastChange > callNode { return true }
        guard call.elements.count == 1, let items = program.object(call.elements[0]) else { return false }
        if items.lastChange > callNode { return true }
        return items.elements.contains { program.object($0).map { $0.lastChange > callNode } ?? false }
    }

    /// `first`'s key and value slots followed by `rest`'s: the items an `OrderedDict(pairs)`
    /// starts with, then those set on it afterwards.
    static func joined(_ first: [PickleStore.Slot], _ rest: PickleValues) -> PickleValues {
        PickleValues(box: rest.box, first: first[...], second: ArraySlice((0 ..< rest.count).map(rest.slot)))
    }

    private mutating func walkEntries(_ entries: PickleValues, depth: Int) throws(TorchFormatError) {
        // Keys Python takes as equal (1, 1.0 and True; 0, -0.0 and False; None twice) are one
        // entry of the dict torch.load returns: the later value under the first key. A value
        // is visited under the first such key, so two tensors there meet the refusal of two
        // tensors with one name, as two equal text keys do. Before, `{1: a, True: b}` was read
        // as tensors `1` (a) and `True` (b) where torch.load has only `1`, holding b.
        //
        // Integers beyond 64 bits and complex numbers are not compared here (2**63 equals
        // 2.0**63, complex(1, 0) equals 1): in a dict that holds one, every number key is
        // visited under the first such key, so two tensors under number keys there are refused
        // as keys this reader does not tell apart, never read as two where torch.load has one.
        //
        // A value a later equal key replaces is not in the dict torch.load returns, so it is not
        // visited: `d['a'] = t; d['a'] = None` read tensor `a` (and its NaN failed `audit`)
        // where torch.load returns `{'a': None}` (helper review, 2026-12-05).
        var firstKeys: [PythonEqualKey: PickleStore.Slot] = [:]
        var uncompared: PickleStore.Slot?
        var latest: [EntryKey: Int] = [:]
        var replaced = Set<Int>()
        var first = Set<EntryKey>()
        var index = 0
        while index + 1 < entries.count {
            let key = entries.slot(index)
            if uncompared == nil, case .uncompared? = numberKey(key) { uncompared = key }
            if let identity = entryKey(key), let earlier = latest.updateValue(index, forKey: identity) { replaced.insert(earlier) }
            index += 2
        }
        index = 0
        while index + 1 < entries.count {
            var key = entries.slot(index)
            if let object = key.node {
                if let kind = unhashable(.node(object), depth: 0) {
                    throw .notACheckpoint(reason: "a dict key" + (path.isEmpty ? "" : " under '\(currentName)'")
                        + " is \(kind), which Python cannot hash: unpickling it fails, in torch.load with or without weights_only")
                }
                try walkUnnamed(.node(object), place: "as a dict key", depth: depth)
            }
            if let equal = numberKey(key) {
                if let uncompared, equal != .none { key = uncompared }
                else if let first = firstKeys[equal] { key = first } else { firstKeys[equal] = key }
            }
            // Python keeps a re-set key where it was first inserted, with the last value: the
            // value is visited at the first occurrence (a key set twice was listed last, where
            // torch.load's dict has it first; adversarial review, 2026-12-05).
            // (Only when some key was set twice: hashing every key again cost a dict of long keys.)
            if !replaced.isEmpty, let identity = entryKey(entries.slot(index)), let last = latest[identity] {
                if first.insert(identity).inserted { try visit(entries[last + 1], at: .key(key), depth: depth + 1) }
            } else if !replaced.contains(index) {
                try visit(entries[index + 1], at: .key(key), depth: depth + 1)
            }
            index += 2
        }
    }

    /// What a dict key is equal to in Python, for keys this reader compares: text by its bytes,
    /// numbers as `PythonEqualKey` says (not those it leaves uncompared), an object by identity
    /// (a tuple built twice with equal items is two keys here, as it is not in Python: such a
    /// value is then visited, never dropped). nil: not compared.
    enum EntryKey: Hashable {
        /// Text, by `textID`: equal bytes, one number.
        case text(Int)
        case number(PythonEqualKey)
        case object(Int)
    }

    /// A number per distinct text, by its bytes, and the number of each string the walk has
    /// met (by its index in the store). Why: a dict of 100,000 entries under one memoised 1 MB
    /// key (a 1.4 MB file torch.load reads in 0.3 s) hashed the megabyte for every entry and
    /// ran for minutes; now each stored string is hashed once, and entries compare numbers.
    var textIDs: [ArraySlice<UInt8>: Int] = [:]
    var textIDOfString: [Int: Int] = [:]

    private mutating func textID(_ string: Int) -> Int {
        if let known = textIDOfString[string] { return known }
        let bytes = program.box.store.textBytes(string)
        let id = textIDs[bytes] ?? textIDs.count
        textIDs[bytes] = id
        textIDOfString[string] = id
        return id
    }

    private mutating func entryKey(_ key: PickleStore.Slot) -> EntryKey? {
        if let string = key.string { return .text(textID(string)) }
        if let node = key.node {
            if case .uncompared? = numberKey(key) { return nil }
            return .object(node)
        }
        guard let number = numberKey(key), number != .uncompared else { return nil }
        return .number(number)
    }

    /// "a list" or "a dict" when `value` is one, or a tuple holding one (within 32 levels): a
    /// value Python cannot hash, so no dict may have it as a key. Sets are not judged: a
    /// `frozenset` (hashable) and a `set` are one kind here.
    private mutating func unhashable(_ value: PickleValue, depth: Int) -> String? {
        guard depth < 32, case .node(let index) = value, !hashableTuples.contains(index), let object = program.object(value) else { return nil }
        switch object.kind {
        case .list: return "a list"
        case .dict: return "a dict"
        case .tuple:
            for element in object.elements {
                if let inner = unhashable(element, depth: depth + 1) { return "a tuple holding \(inner)" }
            }
            hashableTuples.insert(index)
            return nil
        default: return nil
        }
    }

    /// `PythonEqualKey` of a dict key; nil for text (a state dict's every key, never equal to
    /// a number, so not decoded here) and objects other than a complex number.
    private func numberKey(_ key: PickleStore.Slot) -> PythonEqualKey? {
        if key.string != nil { return nil }
        guard let node = key.node else { return PythonEqualKey(program.box.store.value(key)) }
        guard let object = program.object(.node(node)), case .call(let callee, _, _) = object.kind,
              case .global(let g) = callee, g.module == "builtins" || g.module == "__builtin__", g.name == "complex" else { return nil }
        return .uncompared
    }

    /// Searches values whose tensors would have no name: only objects (a string or number is no
    /// walk step), and a tensor found there refuses the file.
    private mutating func walkUnnamed(_ values: PickleValues, place: String, depth: Int) throws(TorchFormatError) {
        for index in values.indices {
            if let object = values.slot(index).node { try walkUnnamed(.node(object), place: place, depth: depth) }
        }
    }

    /// Refuses the file when torch.load fails on a `BUILD` state of `node`, each state in turn.
    /// An `OrderedDict`'s is `__dict__.update(state)` (`updateFailure`). A `Counter`'s is
    /// pickle's default BUILD: a `(state, slots)` pair is split, a state that is not empty or
    /// false updates `__dict__` and slots that are not are `setattr` (a dict with text keys).
    private func checkUpdateStates(of node: PickleObject, container: String) throws(TorchFormatError) {
        let place = "the \(container)" + (path.isEmpty ? "" : " at '\(currentName)'") + " gets a BUILD whose "
        for state in Array(node.earlierStates) + (node.state.map { [$0] } ?? []) {
            var dictPart = state
            if container == "Counter" {
                if let pair = program.object(state), pair.kind == .tuple, pair.entries.isEmpty, pair.elements.count == 2 {
                    dictPart = pair.elements[0]
                    let slots = pair.elements[1]
                    if truth(slots) != false, !isMapping(slots) || hasNonTextKey(slots) {
                        throw .notACheckpoint(reason: place + "slots are \(describedType(slots))\(isMapping(slots) ? " with a key that is not text" : ""): "
                            + "torch.load's weights-only unpickler sets each of them with setattr, which fails on it")
                    }
                }
                if truth(dictPart) == false { continue }
            }
            guard let failure = updateFailure(dictPart) else { continue }
            throw .notACheckpoint(reason: place + "state is \(failure): torch.load's weights-only unpickler applies it as "
                + "__dict__.update(state), which fails on it")
        }
    }

    /// Searches every `BUILD` state of `node` (torch.load applies each, not only the last).
    private mutating func walkUnnamedStates(of node: PickleObject, place: String, depth: Int) throws(TorchFormatError) {
        for state in node.earlierStates { try walkUnnamed(state, place: place, depth: depth) }
        if let state = node.state { try walkUnnamed(state, place: place, depth: depth) }
    }

    private mutating func walkUnnamed(_ value: PickleValue, place: String, depth: Int, changedCall: String? = nil) throws(TorchFormatError) {
        guard case .node = value else { return }
        guard unnamedPlace == nil else { return try walk(value, depth: depth + 1) }
        unnamedPlace = (place, path.count, changedCall)
        defer { unnamedPlace = nil }
        try walk(value, depth: depth + 1)
    }

    /// What a name shows for a dict key that is not text, a number, a bool or None (bytes, a
    /// tuple, an object): such keys are not told apart (`CheckpointFile` refuses two tensors
    /// under it, saying why).
    static let nonTextKey = "<non-text key>"

    static func keyText(_ key: PickleValue) -> String {
        switch key {
        case .string(let s): s
        case .int(let i): String(i)
        case .bool(let b): b ? "True" : "False"
        case .none: "None"
        case .float(let f): String(f)
        default: nonTextKey
        }
    }

    /// The name of tensor object `object` being visited (met where it has a name:
    /// `metWithoutName` is false), within the name limits.
    private mutating func takeName(_ object: Int) throws(TorchFormatError) -> String {
        namedTensorObjects.insert(object)
        guard tensors.count + unsupported.count < tensorBudget else {
            throw .limitExceeded(what: tensorBudget == limits.maxTensors ? "tensor count"
                                    : "tensor count (one per \(limits.pickleBytesPerTensor) bytes of its \(pickleBytes)-byte pickle, at least \(limits.minTensorBudget))",
                                 limit: tensorBudget)
        }
        let length = pathBytes.last ?? 0
        guard length <= limits.maxNameBytes else { throw .limitExceeded(what: "tensor name length in bytes", limit: limits.maxNameBytes) }
        guard length <= nameBudget - nameBytes else {
            throw .limitExceeded(what: "total bytes of tensor names (\(limits.nameBytesPerPickleByte) per byte of its \(pickleBytes)-byte pickle, "
                                     + "at least \(limits.minNameBudget))", limit: nameBudget)
        }
        let name = currentName
        nameBytes += min(name.utf8.count, nameBudget - nameBytes)
        return name
    }

    // MARK: - Rebuild calls

    private mutating func collect(_ rebuild: RecognisedGlobals.Rebuild, arguments: PickleValue, object: Int, depth: Int) throws(TorchFormatError) {
        try collect(rebuild, arguments: arguments, name: try takeName(object), depth: depth)
    }

    private mutating func collect(_ rebuild: RecognisedGlobals.Rebuild, arguments: PickleValue, name: String,
                                  depth: Int) throws(TorchFormatError) {
        switch rebuild {
        case .dense(let function):
            tensors.append(try tensor(function, arguments: arguments, name: name))
        case .parameter(let function):
            if function == RecognisedGlobals.directParameter.description,
               program.object(arguments)?.elements.first.map({ $0 == .none }) ?? true {
                // `Parameter()`, `Parameter(None)`: an empty parameter with no storage behind it.
                unsupported.append(UnsupportedTorchTensor(name: name, kind: "an nn.Parameter() called without data (empty, no storage)",
                                                          function: function, detail: nil))
                return
            }
            // An nn.Parameter around a tensor this reader does not read is that kind of tensor.
            if let args = program.object(arguments), args.kind == .tuple, let data = args.elements.first,
               let inner = program.object(data), case .call(let callee, let innerArguments, _) = inner.kind,
               case .unread(let kind, let innerFunction)? = RecognisedGlobals.rebuild(callee) {
                unsupported.append(UnsupportedTorchTensor(name: name, kind: kind, function: innerFunction,
                                                detail: unsupportedDetail(innerFunction, arguments: innerArguments)))
            } else {
                // _rebuild_parameter_with_state's state: the Parameter's Python attributes, whose
                // tensors have no name (torch-64b: one there was dropped silently).
                if function != RecognisedGlobals.directParameter.description, let args = program.object(arguments), args.kind == .tuple,
                   args.elements.count == 4 {
                    try walkUnnamed(args.elements[3], place: "in a tensor's Python attributes", depth: depth)
                }
                tensors.append(try tensor(function, arguments: arguments, name: name))
            }
        case .typed:
            // _rebuild_from_type_v2(func, new_type, args, state): the tensor is func(*args); its type
            // (an accepted global) and its Python attributes (state) do not change its elements; a
            // tensor among those attributes would have no name.
            guard let args = program.object(arguments), args.kind == .tuple, args.elements.count == 4,
                  let inner = RecognisedGlobals.rebuild(args.elements[0]), inner != .typed else {
                throw .invalidTensor(name: name, reason: "_rebuild_from_type_v2 arguments are not (rebuild function, type, arguments, state)")
            }
            try walkUnnamed(args.elements[3], place: "in a tensor's Python attributes", depth: depth)
            let before = tensors.count
            try collect(inner, arguments: args.elements[2], name: name, depth: depth)
            if tensors.count == before + 1, let flag = try checkedAttributes(args.elements[3], of: tensors[before]) {
                tensors[before].requiresGrad = flag
            }
        case .unread(let kind, let function):
            unsupported.append(UnsupportedTorchTensor(name: name, kind: kind, function: function, detail: unsupportedDetail(function, arguments: arguments)))
        }
    }

    /// The `backward_hooks` arguments of a rebuild call and of the rebuild calls inside it (a
    /// Parameter's data, `_rebuild_from_type_v2`'s inner call) that are not an empty
    /// `OrderedDict()`, as torch.save writes them. torch.load keeps each as the tensor's
    /// `_backward_hooks` (`tensor._backward_hooks = backward_hooks`, which takes any value), so
    /// a tensor inside one is rebuilt and returned, but under no state-dict name: such a file
    /// is refused (`unnamedTensor`), never read with that tensor left out unsaid. Why: a
    /// `_rebuild_parameter` whose hooks held a tensor was read as one tensor, the other
    /// silently dropped, while torch.load(weights_only=True) returned both.
    func hookArguments(_ rebuild: RecognisedGlobals.Rebuild, arguments: PickleValue, depth: Int = 0) -> [PickleValue] {
        guard depth < 4, let args = program.object(arguments), args.kind == .tuple else { return [] }
        let a = args.elements
        var found: [PickleValue] = []
        func add(_ value: PickleValue) {
            guard case .node = value else { return }
            if isEmptyState(value), program.object(value)?.state == nil { return }
            found.append(value)
        }
        func inner(_ value: PickleValue) {
            guard let data = program.object(value), case .call(let callee, let innerArguments, _) = data.kind,
                  let innerRebuild = RecognisedGlobals.rebuild(callee) else { return }
            found += hookArguments(innerRebuild, arguments: innerArguments, depth: depth + 1)
        }
        switch rebuild {
        case .dense(let function):
            if function != "_rebuild_tensor", a.count >= 6 { add(a[5]) }
        case .parameter(let function):
            if let data = a.first { inner(data) }
            if function != RecognisedGlobals.directParameter.description, a.count >= 3 { add(a[2]) }
        case .typed:
            if a.count == 4, let innerRebuild = RecognisedGlobals.rebuild(a[0]) {
                found += hookArguments(innerRebuild, arguments: a[2], depth: depth + 1)
            }
        case .unread:
            break
        }
        return found
    }

    private mutating func tensor(_ rebuilder: String, arguments: PickleValue, name: String) throws(TorchFormatError) -> TensorDeclaration {
        guard let args = program.object(arguments), args.kind == .tuple else {
            throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not a tuple")
        }
        let a = args.elements
        if rebuilder == RecognisedGlobals.directParameter.description {
            // Parameter(data[, requires_grad]); requires_grad defaults to True. `data` may be a
            // parameter itself (`Parameter(Parameter(t))`, which torch.load returns as t).
            guard a.count == 1 || a.count == 2, case .node(let dataIndex) = a[0], let data = program.object(a[0]), case .call(let callee, let inner, _) = data.kind,
                  let innerRebuild = RecognisedGlobals.rebuild(callee) else {
                throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not (tensor[, requires_grad])")
            }
            let innerRebuilder: String
            switch innerRebuild {
            case .dense(let function), .parameter(let function): innerRebuilder = function
            default: throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not (tensor[, requires_grad])")
            }
            var requiresGrad = true
            if a.count == 2 {
                guard case .bool(let flag) = a[1] else { throw .invalidTensor(name: name, reason: "\(rebuilder)'s requires_grad is not a bool") }
                requiresGrad = flag
            }
            var declaration = try tensor(innerRebuilder, arguments: inner, name: name)
            // A BUILD on the tensor inside applies before the Parameter is made of it (hunt-63a H1).
            try applyBuild(of: data, at: dataIndex, asParameter: innerRebuild != .dense(innerRebuilder), to: &declaration)
            declaration.requiresGrad = requiresGrad
            declaration.isParameter = true
            try Self.checkGradients(declaration)
            return declaration
        }
        if RecognisedGlobals.parameterRebuilders.contains(rebuilder) {
            // _rebuild_parameter(data, requires_grad, backward_hooks[, state])
            guard a.count == 3 || a.count == 4, case .node(let dataIndex) = a[0], let data = program.object(a[0]), case .call(let callee, let inner, _) = data.kind,
                  case .dense(let innerRebuilder)? = RecognisedGlobals.rebuild(callee),
                  case .bool(let requiresGrad) = a[1] else {
                throw .invalidTensor(name: name, reason: "\(rebuilder) arguments are not (tensor, requires_grad, hooks)")
            }
            var declaration = try tensor(innerRebuilder, arguments: inner, name: name)
            try applyBuild(of: data, at: dataIndex, asParameter: false, to: &declaration)
            declaration.requiresGrad = requiresGrad
            declaration.isParameter = true
            try Self.checkGradients(declaration)
            // _rebuild_parameter_with_state's state: the Parameter's Python attributes (hunt-63a H2).
            if a.count == 4, let flag = try checkedAttributes(a[3], of: declaration) { declaration.requiresGrad = flag }
            return declaration
        }
        // _rebuild_tensor(storage, offset, size, stride)  (torch before 1.0)
        // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])
        // _rebuild_tensor_v3(storage, offset, size, stride, requires_grad, hooks, dtype[, metadata])
        let isV3 = rebuilder == "_rebuild_tensor_v3"
        let isV1 = rebuilder == "_rebuild_tensor"
        let counts = isV1 ? [4] : isV3 ? [7, 8] : [6, 7]
        guard counts.contains(a.count) else {
            throw .invalidTensor(name: name, reason: "\(rebuilder) takes \(counts.map(String.init).joined(separator: " or ")) arguments, got \(a.count)")
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
        var requiresGrad = false
        if !isV1 {
            guard case .bool(let flag) = a[4] else { throw .invalidTensor(name: name, reason: "requires_grad is not a bool") }
            requiresGrad = flag
        }
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
        let declaration = TensorDeclaration(name: name, dtype: dtype, shape: shape, stride: stride, storage: storage,
                                            storageOffset: UInt64(offset), requiresGrad: requiresGrad, isParameter: false)
        try Self.checkGradients(declaration)
        // The metadata torch.load applies (`neg`, `conj`; hunt-63a H3).
        let metadataIndex = isV3 ? 7 : 6
        if !isV1, a.count > metadataIndex { try checkMetadata(a[metadataIndex], of: declaration) }
        return declaration
    }

    /// torch.load fails on a tensor that requires gradients and is not floating point or
    /// complex (`TorchDType.canRequireGradients`), so such a file is refused, not read as if it
    /// loaded: `Parameter(int64 tensor)` was read and passed `audit` (adversarial review).
    static func checkGradients(_ declaration: TensorDeclaration) throws(TorchFormatError) {
        guard declaration.requiresGrad, !declaration.dtype.canRequireGradients else { return }
        throw .invalidTensor(name: declaration.name, reason: "it requires gradients but is \(declaration.dtype.rawValue); torch.load refuses it "
            + "(only floating point and complex tensors can require gradients)")
    }

    private func storageDeclaration(_ value: PickleValue, tensor name: String) throws(TorchFormatError) -> StorageDeclaration {
        guard let persistent = program.object(value), persistent.kind == .persistentID, persistent.elements.count == 1 else {
            throw .invalidTensor(name: name, reason: "storage is not a persistent id ('storage', type, key, location, count)")
        }
        switch StorageID(persistent.elements[0], in: program, legacy: legacy) {
        case .storage(let declaration): return declaration
        case .malformed, .notAStorage:
            throw .invalidTensor(name: name, reason: "storage is not a persistent id ('storage', type, key, location, count"
                + (legacy ? ", view)" : ")") + " with a storage class, text key and location and an integer count, as torch.save writes it")
        case .view(let root):
            throw .invalidTensor(name: name, reason: "its storage is a view into storage '\(root.key)' (saved by torch before 0.4); not read")
        case .unknownType(let type) where legacy && type == PickleGlobal(module: "torch.storage", name: "UntypedStorage"):
            throw .invalidTensor(name: name, reason: "its storage is a torch.storage.UntypedStorage, which torch.load cannot read in a legacy file "
                + "(it has no dtype; torch.save writes uint16, uint32 and uint64 tensors that way)")
        case .unknownType(let type): throw .unsupportedDType(name: name, dtype: type.description)
        }
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

/// A dict key that is not text, by Python's `==` on it: bools and integral floats are the
/// integers they equal, and None is one key. `nil` for text (compared by its code points, as
/// the names are), NaN (never equal to another key) and keys that are objects; `.uncompared`
/// for an integer beyond 64 bits.
enum PythonEqualKey: Hashable {
    case integer(Int64)
    case float(UInt64)
    case none
    /// An integer beyond 64 bits or a complex number: equal to some other number keys in
    /// Python, which this reader does not work out.
    case uncompared

    init?(_ key: PickleValue) {
        switch key {
        case .none: self = .none
        case .bool(let b): self = .integer(b ? 1 : 0)
        case .int(let i): self = .integer(i)
        case .float(let f) where f.isNaN: return nil
        // 2^63 is the first integral double past Int64; -0.0 is the integer 0.
        case .float(let f) where f.rounded() == f && f >= -0x1p63 && f < 0x1p63: self = .integer(Int64(f))
        case .float(let f): self = .float(f.bitPattern)
        case .bigInt: self = .uncompared
        default: return nil
        }
    }
}
