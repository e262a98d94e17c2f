import Testing
@testable import tensoraudit

/// Statistics columns (`diff`'s MAX ABS and REL L2, `rows`, `padding`) print small and large
/// numbers with a three-decimal mantissa. Expected strings are Python's `'%.3e' % x` with the
/// exponent's sign and leading zeros dropped, not our own output.
@Suite struct CompactNumberTests {
    @Test("a mantissa that rounds up to 10 moves to the next power")
    func roundingUpToTen() {
        #expect(TextFormatting.compact(9.9999996e-05) == "1.000e-4")
        #expect(TextFormatting.compact(9.9999e192) == "1.000e193")
        #expect(TextFormatting.compact(9999999.6) == "1.000e7")
        #expect(TextFormatting.compact(-9.9999996e-05) == "-1.000e-4")
    }

    @Test("subnormal and ordinary magnitudes")
    func ordinary() {
        // Subnormals as exact hex literals (2^-1030, 1.25 · 2^-1030).
        #expect(TextFormatting.compact(0x1p-1030) == "8.692e-311")
        #expect(TextFormatting.compact(0x1.4p-1030) == "1.086e-310")
        #expect(TextFormatting.compact(1.23456e-07) == "1.235e-7")
        #expect(TextFormatting.compact(1234567.0) == "1.235e6")
        #expect(TextFormatting.compact(0.5) == "0.500000")
    }
}
