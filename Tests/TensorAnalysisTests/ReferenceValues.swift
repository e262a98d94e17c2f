import Foundation
import TestSupport

/// Reference values written by `TestData/generate.py` (numpy, float64).
enum Reference {
    static func stats() throws -> [String: [String: Any]] {
        let root = try Fixtures.jsonKeepingNumberText("expected/analysis-stats.json") as? [String: Any]
        return root?["tensors"] as? [String: [String: Any]] ?? [:]
    }

    static func double(_ value: Any?) -> Double? {
        value.flatMap(Fixtures.number)
    }

    static func int(_ value: Any?) -> Int? {
        if let s = value as? String { return Int(s) }
        return (value as? NSNumber)?.intValue
    }

    static func ints(_ value: Any?) -> [Int] {
        (value as? [Any] ?? []).compactMap(int)
    }

    /// Relative 1e-9, or an absolute 1e-12 × `scale` for values that cancel to nearly zero
    /// (a mean of ±values: both sides then differ only in summation order).
    static func close(_ a: Double, _ b: Double, scale: Double = 0) -> Bool {
        if closeEnough(a, b, relative: 1e-9) { return true }
        return a.isFinite && b.isFinite && abs(a - b) <= 1e-12 * scale
    }
}
