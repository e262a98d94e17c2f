/// Text as a dictionary key or set member that equals only the same code points (the same UTF-8
/// bytes), where `String` equals every canonically equivalent spelling.
///
/// Why: `String ==` and `String` hashing follow Unicode canonical equivalence, so `café.weight`
/// with a precomposed é (U+00E9) and with e + U+0301 are one `[String: _]` key. Every format we
/// read compares names as bytes or code points (safetensors' Rust `String`, Python's `str` in
/// torch, gguf-py and transformers' index), so they are two tensors, two metadata keys, two shard
/// files. Keyed by `String`, `rows --tensor` showed the other spelling's rows, and an index naming
/// one spelling per shard was said to list a tensor twice and to hold it in two shards
/// (TestData/canonical-names). Names from a file are keyed with this type, never with `String`
/// (`NameIndex`, the safetensors header's own open-addressing table, compares bytes itself).
/// Inlinable: a checkpoint of many files hashes it once per tensor name (tens of thousands).
///
/// Where `String` may stay: a table or comparison whose other side is one of our ASCII constants
/// (rule ids, dtype names, config keys, architecture names) matches only the same bytes, unless
/// the constant holds `K`, `;` or `` ` ``: the only non-ASCII characters whose canonical
/// decomposition is ASCII are U+212A KELVIN SIGN (K), U+037E GREEK QUESTION MARK (;) and U+1FEF
/// GREEK VARIA (`), so `"Q4_\u{212A}" == "Q4_K"` is true (checked over every code point with
/// Python's unicodedata, Unicode 14). And two ASCII strings are equivalent only when equal.
public struct ExactText: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let text: String

    @inlinable public init(_ text: String) { self.text = text }

    @inlinable public init(stringLiteral text: String) { self.text = text }

    @inlinable public static func == (a: ExactText, b: ExactText) -> Bool { same(a.text, b.text) }

    /// Whether two strings are the same code points (`==` of `ExactText`, without wrapping).
    @inlinable public static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && a.utf8.elementsEqual(b.utf8)
    }

    /// The bytes in one call: a byte at a time was most of the cost of hashing a vocabulary.
    @inlinable public func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Byte order (= code point order), consistent with `==`: `String <` would put two
    /// canonically equivalent names in no fixed order.
    @inlinable public static func < (a: ExactText, b: ExactText) -> Bool { precedes(a.text, b.text) }

    /// Whether `a` sorts before `b` by code points (UTF-8 byte order), as Python sorts `str`
    /// and `json.dumps(sort_keys=True)` sorts keys. `String <` compares the NFC forms, so it
    /// puts `cafe` + U+0301 after `caff` (as `café`), and neither spelling of `café` before the
    /// other. One pass over each string's contiguous bytes where they are (native strings).
    @inlinable public static func precedes(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.lexicographicallyPrecedes(y) }
        }
        if let fast, let result = fast { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    public var description: String { text }

    /// `text` with every scalar outside ASCII written as `\u{…}`: `caf\u{E9}.weight` and
    /// `cafe\u{301}.weight`, the two spellings of a name that print alike.
    ///
    /// Why: a report that names two canonically equivalent spellings must show a reader which
    /// is which; printed as text they are the same glyphs.
    public static func codePoints(_ text: String) -> String {
        TextEscaping.escape(text) { $0.isASCII ? nil : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }
    }

    /// Whether `a` and `b` print alike, being canonically equivalent, yet are other code points.
    @inlinable public static func readAlike(_ a: String, _ b: String) -> Bool { a == b && !same(a, b) }
}

extension Sequence where Element == String {
    /// The strings in code point order (`ExactText.precedes`), for names a report lists sorted.
    @inlinable public func sortedByCodePoints() -> [String] { sorted(by: ExactText.precedes) }
}
