import CheckpointIO
import SafetensorsFormat

/// How two tensors of the same shape differ, element by element, measured in `Double`.
///
/// Why values and not bytes: an export changes the dtype (F32 → BF16), so the question is how
/// far the numbers moved. Both sides are widened to `Double` (`DifferenceKernel`) and every sum
/// is accumulated in `Double`, which removes float32 summation error from the verdict;
/// `DifferenceScan` computes it.
public struct DifferenceStatistics: Sendable, Equatable {
    /// One row's share of the difference.
    public struct Row: Sendable, Equatable {
        public let row: Int
        /// ‖a_row − b_row‖₂.
        public let l2: Double
        /// max |a_row − b_row|.
        public let maxAbs: Double
    }

    public let elementCount: Int
    /// max |a − b| over elements where both are finite or both equal; `.infinity` when a
    /// finite value faces an infinite one.
    public let maxAbsDifference: Double
    /// ‖a − b‖₂ and ‖a‖₂ (A is the reference).
    public let differenceL2: Double
    public let referenceL2: Double
    /// Elements whose values differ (NaN facing NaN counts as equal).
    public let differingElements: Int
    /// Positions where exactly one side is NaN: no numeric distance, always a failure.
    public let nanMismatches: Int
    /// The rows with the largest difference norm, largest first (ties: lower row first).
    public let topRows: [Row]

    /// The ratio formed from the scaled norms themselves (`ScaledDifference`), when the norms
    /// alone cannot give it: ‖a‖₂ of two F64 values near the largest double is above it, and
    /// the quotient of the stored norms was 0 ("ok") for a change of 35% (QA run, 2026-12-05).
    var scaledRelativeL2: Double?

    /// ‖a − b‖₂ / ‖a‖₂: 0 when equal, `.infinity` when A is all zeros and B is not.
    public var relativeL2: Double {
        if let scaledRelativeL2 { return scaledRelativeL2 }
        if differenceL2 == 0 { return 0 }
        return referenceL2 > 0 ? differenceL2 / referenceL2 : .infinity
    }
}
