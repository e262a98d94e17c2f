/// A global a pickle names (`GLOBAL` / `STACK_GLOBAL`): a module and a qualified name, never
/// imported or resolved.
public struct PickleGlobal: Sendable, Hashable, CustomStringConvertible {
    public let module: String
    public let name: String

    /// A dotted `name` moves its leading parts to `module`: torch's weights-only unpickler looks
    /// a global up by `module + "." + name`, so `torch` with `_utils._rebuild_tensor_v2` is
    /// `torch._utils._rebuild_tensor_v2`, which it allows; read apart, it was called a global
    /// torch.load refuses (hunt-63a M2).
    public init(module: String, name: String) {
        if let dot = name.lastIndex(of: ".") {
            self.module = module + "." + name[..<dot]
            self.name = String(name[name.index(after: dot)...])
        } else {
            self.module = module
            self.name = name
        }
    }

    /// `module.name`, the spelling scanners and Python use (`posix.system`).
    public var description: String { "\(module).\(name)" }
}

/// A value the symbolic unpickler built. Containers and call results are referenced by index
/// (`PickleProgram.node(_:)`), so memo sharing (`BINGET`) costs nothing and a cycle cannot leak.
/// Values are decoded from the program's compact store (`PickleStore`) when read.
public enum PickleValue: Sendable, Equatable {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer wider than 64 bits (`LONG1`/`LONG4`): only its byte count is kept.
    case bigInt(byteCount: Int)
    case float(Double)
    case string(String)
    /// Bytes (`BINBYTES`, or a `BINSTRING` that is not UTF-8): their range inside the pickle.
    case bytes(Range<Int>)
    case global(PickleGlobal)
    /// A list, tuple, dict, set, persistent id or call result: `PickleProgram.node(_:)`.
    case node(Int)
}

/// A container or a call the pickle asked for, recorded instead of performed.
public struct PickleNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case list, tuple, dict, set
        /// `BINPERSID`: `elements[0]` is the id (torch: `('storage', type, key, location, numel)`).
        case persistentID
        /// `REDUCE` (`callee(*arguments)`) or `NEWOBJ` (`callee.__new__(callee, *arguments)`): never performed.
        case call(callee: PickleValue, arguments: PickleValue, isNewObject: Bool)
    }

    public var kind: Kind
    /// List/tuple/set elements, values `APPEND`ed to a call result, or the persistent id.
    public var elements: [PickleValue] = []
    /// Dict entries, or `SETITEM`s on a call result, as key, value, key, value, …
    public var entries: [PickleValue] = []
    /// The argument of `BUILD` (`__setstate__` or attribute update), if any.
    public var state: PickleValue?

    public init(kind: Kind) { self.kind = kind }
}
