import StrictJSON

/// A metadata array of strings, kept as one UTF-8 buffer and the end offset of each string.
///
/// Why not `[String]`: a vocabulary is the largest array GGUF files carry (262,144 tokens in
/// Gemma 3, as many merges in GPT-2-style files). A `String` per element cost 16 bytes plus a
/// heap object for every text over 15 bytes and a UTF-8 validation pass per element; the
/// tokenizer then copied them all again. Packed, the array is its bytes plus 8 bytes a string,
/// and the tokenizer adopts the two buffers as they are (`utf8`, `ends`), without a copy.
/// Elements read as `String` on demand.
///
/// Invalid UTF-8 was repaired by the reader (U+FFFD, as `String(decoding:as:)` does) before it
/// was packed, so every element is valid UTF-8 and reads back as the `String` the reader reported.
public struct GGUFStringArray: Sendable, Equatable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// Every element's UTF-8 bytes, back to back.
    public private(set) var utf8: [UInt8] = []
    /// `ends[i]` is the offset in `utf8` just past element `i`; element `i` starts at `ends[i - 1]` (0 for the first).
    public private(set) var ends: [Int] = []
    /// The elements whose bytes in the file were not valid UTF-8, ascending: what they hold here
    /// is the repair (U+FFFD), not their bytes, so two of them (or one and a real U+FFFD) that
    /// read alike here may differ in the file.
    public private(set) var repaired: [Int] = []

    public init() {}

    public init(_ strings: some Sequence<String>) {
        for string in strings { append(utf8: string.utf8) }
    }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    /// Reserves room for `count` strings (not their bytes: their lengths are not known yet).
    mutating func reserveCapacity(_ count: Int) { ends.reserveCapacity(count) }

    /// Appends one element from bytes that are valid UTF-8 (the caller checked or repaired them).
    mutating func append(utf8 bytes: some Collection<UInt8>) {
        utf8.append(contentsOf: bytes)
        ends.append(utf8.count)
    }

    /// Appends the repair of an element whose bytes were not valid UTF-8, and records it in `repaired`.
    mutating func append(repaired bytes: some Collection<UInt8>) {
        repaired.append(ends.count)
        append(utf8: bytes)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { ends.count }

    /// The byte range of element `i` in `utf8`.
    public func byteRange(of i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1]) ..< ends[i] }

    public subscript(i: Int) -> String {
        utf8.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[byteRange(of: i)]), as: UTF8.self) }
    }
}

/// Whether bytes are well-formed UTF-8 (the house's one validator, StrictJSON's
/// `firstInvalidUTF8Index`, which agrees with `String(validating:as:)` on every sequence of up to
/// four bytes: StrictJSONTests' `UTF8ValidationTests`).
///
/// Why not `String(validating:as:)` itself: it makes a `String` to say yes, through generic code
/// the compiler does not specialize here; for the 250,000 tokens and as many merges of a
/// byte-level BPE vocabulary (most pieces hold a non-ASCII `Ġ`) it was a quarter of reading the
/// GGUF header.
enum UTF8Validation {
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        firstInvalidUTF8Index(bytes) == nil
    }
}
