import Testing
@testable import tensoraudit

/// The HTML charts' coordinates are C's `%.1f` of the exact binary value. The tool formats them
/// with `vsnprintf` since it no longer links Foundation's `String(format:)`; expected strings
/// are Python's `'%.1f' % x` (the same correctly rounded conversion), not our own output.
@Suite struct ChartNumberTests {
    @Test func coordinatesRoundTheExactBinaryValueToOneDecimal() {
        // 0.25 and 0.75 are exact ties (to even); 0.35 is 0.3499…, 1.05 is 1.0500…044, 123.45 is 123.4500…03.
        #expect(ChartFrame.number(0.25) == "0.2")
        #expect(ChartFrame.number(0.75) == "0.8")
        #expect(ChartFrame.number(0.35) == "0.3")
        #expect(ChartFrame.number(1.05) == "1.1")
        #expect(ChartFrame.number(123.45) == "123.5")
        #expect(ChartFrame.number(640) == "640.0")
        #expect(ChartFrame.number(-0.04) == "-0.0")
    }

    @Test func nonFiniteValuesAreDrawnAtZeroAndHugeOnesWhole() {
        #expect(ChartFrame.number(.nan) == "0.0")
        #expect(ChartFrame.number(-.infinity) == "0.0")
        // '%.1f' % -sys.float_info.max: 312 characters, starting "-17976931348".
        let huge = ChartFrame.number(-.greatestFiniteMagnitude)
        #expect(huge.count == 312)
        #expect(huge.hasPrefix("-17976931348"))
        #expect(huge.hasSuffix(".0"))
    }
}
