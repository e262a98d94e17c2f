/// Walking objects and arrays: the bracket, comma and whitespace rules live here once, for
/// the header parser, the ignored-value skipper and the generic document parser alike.
extension JSONScanner {
    /// Walks an object from its `{` to its `}`. `member` is called once per member with the
    /// scanner at the member's key and must consume the key, the `:` and the value
    /// (`memberKey()` reads the first two). `what` names the object in error messages.
    @inlinable
    public mutating func forEachMember(in what: @autoclosure () -> String,
                                _ member: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"), "'{' to open \(what())")
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try member(&self)
            skipWhitespace()
            if try endOfCollection(close: UInt8(ascii: "}"), what: "',' or '}' in \(what())") { return }
        }
    }

    /// Walks an array from its `[` to its `]`; `element` must consume one value.
    @inlinable
    public mutating func forEachElement(in what: @autoclosure () -> String,
                                 _ element: (inout JSONScanner) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["), "'[' to open \(what())")
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            try element(&self)
            skipWhitespace()
            if try endOfCollection(close: UInt8(ascii: "]"), what: "',' or ']' in \(what())") { return }
        }
    }

    /// Reads a member's key and the `:` after it, leaving the scanner at the value.
    @inlinable
    public mutating func memberKey() throws(Failure) -> (key: String, offset: Int) {
        let offset = fileOffset
        let key = try parseString()
        try expectColon()
        return (key, offset)
    }

    /// Consumes the `:` between a key and its value, with the whitespace around it.
    @inlinable
    public mutating func expectColon() throws(Failure) {
        skipWhitespace()
        try expect(UInt8(ascii: ":"), "':' after a key")
        skipWhitespace()
    }
}
