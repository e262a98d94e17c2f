import CheckpointIO

/// How B's rows (or, for a vector, B's elements) line up with A's when a converter reordered
/// them by head: llama.cpp's converter (`LlamaModel.permute` in `convert_hf_to_gguf.py`)
/// stores each attention head of `q_proj`/`k_proj` with its two rotary halves interleaved.
///
/// The fact, checked against that function (reshape to `[groups, 2, d/2, …]`, swap axes 1 and
/// 2, reshape back): with `d` = count / `groups` rows per group, row `s·d/2 + k` of group `h`
/// in the Hugging Face layout (halves) is row `2k + s` of group `h` in the GGUF layout
/// (interleaved), for `s` ∈ {0, 1} and `k` < d/2. Rows move whole, so a quantized row still
/// decodes as a row, and every group maps onto itself.
public struct RowInterleave: Sendable, Equatable {
    /// Which side holds the interleaved (GGUF) layout.
    public enum Direction: Sendable, Equatable {
        /// A holds the halves (Hugging Face), B the interleaved rows (GGUF).
        case halvesToInterleaved
        /// A holds the interleaved rows (GGUF), B the halves.
        case interleavedToHalves
    }

    /// Heads: the number of equal groups of rows.
    public let groups: Int
    public let direction: Direction

    public init(groups: Int, direction: Direction) {
        self.groups = groups
        self.direction = direction
    }

    /// Whether `count` rows split into `groups` groups of an even number of rows (what the
    /// converter's reshape needs); else the permutation is not defined for that tensor.
    public func applies(toCount count: Int) -> Bool {
        groups > 0 && count > 0 && count % groups == 0 && (count / groups) % 2 == 0
    }

    /// Rows per group (`d`).
    func groupSize(_ count: Int) -> Int { count / groups }

    /// B's index of A's index `i` among `count` (requires `applies(toCount: count)`).
    public func indexInB(_ i: Int, count: Int) -> Int {
        let d = groupSize(count), half = d / 2
        let h = i / d, j = i % d
        switch direction {
        case .halvesToInterleaved:
            return h * d + 2 * (j % half) + j / half
        case .interleavedToHalves:
            return h * d + (j % 2) * half + j / 2
        }
    }
}

extension TensorView {
    /// What a `RowInterleave` permutes in this tensor: its rows, or a vector's elements.
    public var permutedCount: Int { info.shape.count <= 1 ? elementCount : rowCount }
}
