/// Unicode's Stream-Safe Text Format (UAX #15, section 13): no run of more than 30
/// consecutive non-starters (code points of canonical combining class other than 0).
///
/// Why names must be stream-safe: Swift's `String` compares and hashes canonically, and its
/// normaliser sorts each run of non-starters by insertion sort, so one comparison costs the
/// square of the run's length. A 1 MB safetensors name "a" + (U+0307 U+0323) × 250,000
/// took `inspect` 57 s and `audit` 639 s (the reference opens it in 0.14 s). Past 30 the
/// normaliser's work per code point is bounded, so every string a reader keeps is checked here,
/// once, in time linear in its bytes (ASCII bytes cost one comparison each).
public enum StreamSafeText {
    /// UAX #15's bound on a run of non-starters.
    public static let maxNonStarterRun = 30
    /// How a `limitExceeded` error names this limit ("… exceeds the limit of 30 at byte N").
    public static let limitName = "run of consecutive combining marks (Unicode non-starters) in a string"

    /// The byte offset in `utf8` of the first code point that makes a run of non-starters longer
    /// than `limit`, or nil when there is none. Invalid UTF-8 counts as a starter (it is read as
    /// U+FFFD, class 0). U+0F73, U+0F75 and U+0F81 are class 0 but decompose into two
    /// non-starters, so they count as two: the run the normaliser sorts is the decomposed one.
    /// A precomposed starter's own trailing marks (at most 3) are not counted.
    @inlinable
    public static func firstOverlongRun(_ utf8: UnsafeRawBufferPointer, limit: Int = maxNonStarterRun) -> Int? {
        var run = 0
        var i = 0
        let n = utf8.count
        while i < n {
            let b = utf8[i]
            if b < 0x80 { run = 0; i += 1; continue }
            let start = i
            let (scalar, length) = decode(utf8, at: i)
            i += length
            let weight = nonStarterCount(scalar)
            if weight == 0 { run = 0; continue }
            run += weight
            if run > limit { return start }
        }
        return nil
    }

    /// `firstOverlongRun` over a `String`'s UTF-8 (a byte offset into it).
    @inlinable
    public static func firstOverlongRun(in text: String, limit: Int = maxNonStarterRun) -> Int? {
        var text = text
        return text.withUTF8 { firstOverlongRun(UnsafeRawBufferPointer($0), limit: limit) }
    }

    /// How many non-starters `scalar` adds to a run (0: it is a starter and ends the run).
    @inlinable
    static func nonStarterCount(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x0F73, 0x0F75, 0x0F81: return 2
        default: return scalar.properties.canonicalCombiningClass.rawValue == 0 ? 0 : 1
        }
    }

    /// The code point at `i` (a non-ASCII lead byte) and its length; U+FFFD and length 1 for a
    /// malformed sequence.
    @inlinable
    static func decode(_ utf8: UnsafeRawBufferPointer, at i: Int) -> (Unicode.Scalar, Int) {
        let b = utf8[i]
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard length > 1, i + length <= utf8.count else { return ("\u{FFFD}", 1) }
        var value = UInt32(b) & (0x7F >> UInt32(length))
        for k in 1 ..< length {
            let c = utf8[i + k]
            guard c & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }
}
