/// The non-empty dot-separated parts of a tensor name, as byte ranges of one copy of its UTF-8.
///
/// Why bytes: the name rules run for every tensor, twice per audit. Splitting by `Character`
/// cost ~3 µs per name, a third of an audit of a 50,000-tensor checkpoint; splitting into
/// `Substring`s still retained the name once per part. A `.` byte is always a dot in UTF-8 and
/// the rules compare ASCII words, so comparing bytes gives the same answers.
struct NameParts {
    private let bytes: [UInt8]
    private let ranges: [Range<Int>]

    init(_ name: String) {
        let bytes = Array(name.utf8)
        var ranges: [Range<Int>] = []
        var start = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: ".") {
            if i > start { ranges.append(start..<i) }
            start = i + 1
        }
        self.bytes = bytes
        self.ranges = ranges
    }

    var count: Int { ranges.count }

    /// Whether part `index` (negative: from the end, −1 is the last) is exactly `word`.
    func part(_ index: Int, is word: String) -> Bool {
        let k = index < 0 ? ranges.count + index : index
        guard ranges.indices.contains(k) else { return false }
        return bytes[ranges[k]].elementsEqual(word.utf8)
    }

    /// Whether the last part is one of `words`.
    func last(isOneOf words: [String]) -> Bool {
        words.contains { part(-1, is: $0) }
    }

    /// Whether some part is exactly `word`.
    func contains(_ word: String) -> Bool {
        ranges.contains { bytes[$0].elementsEqual(word.utf8) }
    }

    /// Whether some part starts with one of `prefixes`.
    func containsPart(startingWithOneOf prefixes: [String]) -> Bool {
        ranges.contains { range in prefixes.contains { bytes[range].starts(with: $0.utf8) } }
    }

    /// Whether the parts are exactly `words`.
    func equals(_ words: [String]) -> Bool {
        words.count == ranges.count && words.indices.allSatisfy { part($0, is: words[$0]) }
    }
}
