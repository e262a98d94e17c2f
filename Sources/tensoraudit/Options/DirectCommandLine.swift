import ArgumentParser

/// The arguments after a command's name, split the one plain way most runs are written
/// (`audit model.safetensors --format json --output r.json`), for building the command without
/// swift-argument-parser (`DirectParse`).
///
/// Why: the library's parse of even the shortest command line reflects every command and option
/// group (`Mirror`, property-wrapper casts, generic metadata instantiated from mangled names), and
/// in a fresh process each such first lookup scans the binary's ~4,000 protocol-conformance
/// records: ~1.7 ms of a 3.4 ms `inspect` of a small file. Only a line this type accepts is built
/// directly; everything else throws `NotDirect` and goes to the library, which then prints its own
/// help, version, completions and errors.
///
/// Accepted: values (positionals), `--name VALUE` for the names a command lists as taking a value,
/// and `--name` flags. Refused (`NotDirect`): anything else starting with `-` (`-h`, `--`,
/// `--name=value`, a value starting with `-`), an empty argument, an option or flag given twice
/// where the command takes one, a value its type does not take, and any name or value the
/// command's builder leaves unread (`finish`), so nothing given is ever dropped.
struct DirectCommandLine {
    /// The command line is not in the plain shape, or a value does not convert: parse it with
    /// the library.
    struct NotDirect: Error {}

    private var positionals: [String] = []
    private var nextPositional = 0
    /// Every `--name` in order, with its value when `name` takes one; `nil` once read.
    private var named: [(name: String, value: String?)?] = []

    /// Splits `arguments`; `valueOptions` are the long names (without `--`) that take a value.
    init(_ arguments: ArraySlice<String>, valueOptions: [String]) throws(NotDirect) {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard let first = argument.utf8.first else { throw NotDirect() }
            guard first == UInt8(ascii: "-") else {
                positionals.append(argument)
                continue
            }
            guard argument.utf8.count > 2, argument.hasPrefix("--"), !argument.utf8.contains(UInt8(ascii: "=")) else {
                throw NotDirect()
            }
            let name = String(argument.dropFirst(2))
            guard !name.hasPrefix("-") else { throw NotDirect() }
            if valueOptions.contains(name) {
                guard index < arguments.endIndex, let valueFirst = arguments[index].utf8.first,
                      valueFirst != UInt8(ascii: "-") else { throw NotDirect() }
                named.append((name, arguments[index]))
                index += 1
            } else {
                named.append((name, nil))
            }
        }
    }

    /// The next positional value, in command-line order.
    mutating func positional() throws(NotDirect) -> String {
        guard nextPositional < positionals.count else { throw NotDirect() }
        defer { nextPositional += 1 }
        return positionals[nextPositional]
    }

    /// Every value of the repeatable option `--name`, in order.
    mutating func values(_ name: String) throws(NotDirect) -> [String] {
        var found: [String] = []
        for index in named.indices where named[index]?.name == name {
            guard let value = named[index]?.value else { throw NotDirect() }
            found.append(value)
            named[index] = nil
        }
        return found
    }

    /// The value of the single option `--name`, or nil when it is not given.
    mutating func value(_ name: String) throws(NotDirect) -> String? {
        let found = try values(name)
        guard found.count <= 1 else { throw NotDirect() }
        return found.first
    }

    /// The value of `--name` converted as the library converts it (`init?(argument:)`).
    mutating func value<Value: ExpressibleByArgument>(_ name: String, as type: Value.Type) throws(NotDirect) -> Value? {
        guard let text = try value(name) else { return nil }
        guard let converted = Value(argument: text) else { throw NotDirect() }
        return converted
    }

    /// The value of `--name` converted by `parse` (nil: not direct, the argument parser says why).
    mutating func value<Value>(_ name: String, parsing parse: (String) -> Value?) throws(NotDirect) -> Value? {
        guard let text = try value(name) else { return nil }
        guard let converted = parse(text) else { throw NotDirect() }
        return converted
    }

    /// Whether the flag `--name` is given (once).
    mutating func flag(_ name: String) throws(NotDirect) -> Bool {
        var count = 0
        for index in named.indices where named[index]?.name == name {
            guard named[index]?.value == nil else { throw NotDirect() }
            count += 1
            named[index] = nil
        }
        guard count <= 1 else { throw NotDirect() }
        return count == 1
    }

    /// Refuses a line with anything the builder did not read: an unknown `--name`, a positional
    /// too many.
    func finish() throws(NotDirect) {
        guard nextPositional == positionals.count, named.allSatisfy({ $0 == nil }) else { throw NotDirect() }
    }
}
