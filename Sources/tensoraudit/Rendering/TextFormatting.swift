import StrictJSON
import SafetensorsFormat

/// Helpers for the human-readable renderings.
enum TextFormatting {
    /// 1536 → "1.5 KiB": binary units, as file managers on Linux show.
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(count) B" }
        return fixed(value, digits: value < 10 ? 2 : 1) + " " + units[unit]
    }

    /// 1234567 → "1,234,567".
    static func grouped(_ value: UInt64) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(d)
        }
        return out
    }

    /// Fixed-point rendering without Foundation's locale-dependent formatters.
    static func fixed(_ value: Double, digits: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let negative = value < 0
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9.0e18 else { return "\(value)" }
        let integer = UInt64(scaled)
        let whole = integer / UInt64(scale)
        let fraction = integer % UInt64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(fraction)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (negative && scaled != 0 ? "-" : "") + text
    }

    /// A number in a compact scientific-or-fixed form for statistics columns.
    static func compact(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return fixed(value, digits: 0) }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e6) {
            var exponent = 0
            var mantissa = magnitude
            while mantissa >= 10 { mantissa /= 10; exponent += 1 }
            while mantissa < 1 { mantissa *= 10; exponent -= 1 }
            // A mantissa that rounds up to 10 at three decimals (9.9999996e-5) is 1.000 of the
            // next power: it printed as "10.000e-5".
            if (mantissa * 1000).rounded() >= 10_000 {
                mantissa /= 10
                exponent += 1
            }
            return (value < 0 ? "-" : "") + fixed(mantissa, digits: 3) + "e" + String(exponent)
        }
        return fixed(value, digits: 6)
    }

    /// A name or value from the file (tensor name, path, token, metadata value) for text:
    /// control, bidi and separator characters as `\u{…}` so it cannot drive the terminal, and
    /// a backslash as `\\` so no name can pass for another's escaped form (`TextEscaping.display`).
    static func safeName(_ name: String) -> String { TextEscaping.display(name) }

    /// A message, note or explanation for text: control, bidi and separator characters as
    /// `\u{…}`, backslashes as they are, since the names a message quotes are already escaped
    /// by `quoted(_:)` (`TextEscaping.displayMessage`).
    static func safeMessage(_ message: String) -> String { TextEscaping.displayMessage(message) }

    /// Renders rows as left-aligned columns separated by two spaces; `rightAligned` columns
    /// (numbers) are padded on the left. The text has room for `extraCapacity` more bytes,
    /// for lines a caller appends.
    static func table(header: [String], rows: [[String]], rightAligned: Set<Int> = [], extraCapacity: Int = 0) -> String {
        // Widths in Unicode scalars: `String.count` walks grapheme clusters, which was the
        // slowest part of `inspect` on a 50,000-tensor header.
        // The header and the rows are walked in turn, not joined into one array: that copy of
        // the table was 7 MB for `rows` of 50,000 tensors.
        var widths = Array(repeating: 0, count: header.count)
        func widen(_ row: [String]) {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.unicodeScalars.count)
            }
        }
        widen(header)
        rows.forEach(widen)
        var out = ""
        out.reserveCapacity((rows.count + 1) * (widths.reduce(0, +) + 2 * widths.count + 1) + extraCapacity)
        func append(_ row: [String]) {
            for (i, cell) in row.enumerated() {
                if i > 0 { out += "  " }
                let pad = widths[i] - cell.unicodeScalars.count
                let last = i == row.count - 1
                if rightAligned.contains(i) {
                    out += String(repeating: " ", count: pad) + cell
                } else {
                    out += cell
                    if !last { out += String(repeating: " ", count: pad) }
                }
            }
        }
        append(header)
        for row in rows {
            out += "\n"
            append(row)
        }
        return out
    }
}
