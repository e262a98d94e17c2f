extension GGUFValue {
    /// The value for a message about a key that should have held a count or an id: an integer
    /// as written (any width, also beyond `Int`), else its stored type ("a string value"), so a
    /// report names what is there instead of calling the key absent.
    public var statedText: String {
        switch self {
        case .uint64(let v): String(v)
        case .int64(let v): String(v)
        default:
            integer.map(String.init) ?? {
                let name = type.description
                return ("aeio".contains(name.prefix(1)) ? "an " : "a ") + name + " value"
            }()
        }
    }
}
